#!/usr/bin/env python3
"""Check that every operation the documentation names (`GET /pets/{petId}` in a code span, in
README.md and docs/**/*.md) is an operation of api/openapi.yaml.

Each problem is one line, `[api-docs] ERROR: <file>:<line>: <what>`; exit 1 if there is any.
"""
import re
import sys
from pathlib import Path

from openapi_subset import ContractError, has_operation, load_api

TAG = "api-docs"
OPERATION = re.compile(r"`(GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS) (/[^`\s]*)`")


def documents():
    candidates = [Path("README.md"), *sorted(Path("docs").rglob("*.md"))]
    return [path for path in candidates if path.is_file()]


def main():
    try:
        api = load_api()
    except ContractError as error:
        print(f"[{TAG}] ERROR: {error}")
        return 1
    problems, named = [], 0
    docs = documents()
    for doc in docs:
        for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
            for method, template in OPERATION.findall(line):
                named += 1
                if not has_operation(api, method, template):
                    where = f"{doc.as_posix()}:{number}"
                    problems.append(f"{where}: `{method} {template}` is not an operation of the API")
    for problem in problems:
        print(f"[{TAG}] ERROR: {problem}")
    if problems:
        return 1
    print(f"[{TAG}] OK: {named} operations named in {len(docs)} documents, all in api/openapi.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
