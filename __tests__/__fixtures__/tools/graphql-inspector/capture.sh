#!/usr/bin/env bash
# Captures GraphQL Inspector's diff of schema/old.graphql (the base) against schema/schema.graphql.
# Run: bash capture.sh (GraphQL Inspector from the repository's devDependencies).
set -u
cd "$(dirname "$0")"
inspector=../../../../node_modules/.bin/graphql-inspector
$inspector diff schema/old.graphql schema/schema.graphql > diff.txt 2>&1; echo "exit $?" > diff.exit
