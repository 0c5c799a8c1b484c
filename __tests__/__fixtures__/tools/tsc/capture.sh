#!/usr/bin/env bash
# Captures tsc type-checking a client against a changed contract type. The source is kept as
# src/pet.ts.fixture so the repository's own type-check does not compile it. Run: bash capture.sh.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
tsc="$here/../../../../node_modules/.bin/tsc"
work="$(mktemp -d)"
mkdir -p "$work/src" && cp "$here/src/pet.ts.fixture" "$work/src/pet.ts"
cd "$work"
"$tsc" --noEmit --strict src/pet.ts > "$here/tsc.txt"; echo "exit $?" > "$here/tsc.exit"
"$tsc" --noEmit --strict --pretty src/pet.ts > "$here/tsc-pretty.txt"
rm -rf "$work"
