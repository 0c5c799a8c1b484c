#!/usr/bin/env bash
# Captures ajv-cli validating fixtures/*.json against schema/pet.schema.json (one fixture is stale).
# ajv writes its verdicts and errors to stderr. Run: bash capture.sh.
set -u
cd "$(dirname "$0")"
ajv=../../../../node_modules/.bin/ajv
$ajv validate -s schema/pet.schema.json -d 'fixtures/*.json' --all-errors --errors=json > validate.stdout 2> validate.stderr; echo "exit $?" > validate.exit
$ajv validate -s schema/pet.schema.json -d 'fixtures/*.json' --all-errors --errors=line > validate-line.stdout 2> validate-line.stderr
