#!/usr/bin/env bash
# Captures Spectral's output on api/openapi.yaml with .spectral.yaml (two rules raised to error).
# Run: bash capture.sh (Spectral from the repository's devDependencies).
set -u
cd "$(dirname "$0")"
spectral=../../../../node_modules/.bin/spectral
$spectral lint api/openapi.yaml -f text > lint.txt; echo "exit $?" > lint.exit
$spectral lint api/openapi.yaml -f json > lint.json
$spectral lint api/openapi.yaml -f sarif > lint.sarif
