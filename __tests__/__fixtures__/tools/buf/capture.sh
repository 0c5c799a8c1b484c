#!/usr/bin/env bash
# Captures buf's output on head/ (a breaking change and lint problems against base/).
# Run from this folder: bash capture.sh (buf from the repository's devDependencies).
set -u
cd "$(dirname "$0")/head"
buf=../../../../../node_modules/.bin/buf
$buf breaking --against ../base > ../breaking.txt; echo "exit $?" > ../breaking.exit
$buf breaking --against ../base --error-format=json > ../breaking.jsonl
$buf lint > ../lint.txt
$buf lint --error-format=json > ../lint.jsonl
