#!/usr/bin/env python3
"""Check every fixture case under test/fixtures/ against the schemas of api/openapi.yaml.

Each problem is one line, `[fixture-schema] ERROR: <file>:<line>: <what>`, naming the fixture
and the schema it breaks; exit 1 if there is any, else print one OK line and exit 0.
"""
import sys

from openapi_subset import (
    ContractError,
    check,
    find_operation,
    fixture_cases,
    json_schema,
    line_of,
    load_api,
    read_json,
)

TAG = "fixture-schema"


def problems_of_case(api, request_file, expected_file):
    request = read_json(request_file)
    method, path = request.get("method"), request.get("path")
    if not isinstance(method, str) or not isinstance(path, str):
        yield request_file, 1, "a request fixture needs string 'method' and 'path'"
        return
    template, operation = find_operation(api, method, path)
    if operation is None:
        message = f"{method} {path} is not an operation of the API"
        yield request_file, line_of(request_file, "path"), message
        return
    body_schema = json_schema(operation.get("requestBody"))
    if body_schema is not None:
        if "body" not in request:
            yield request_file, 1, f"{method} {template} requires a request body"
        else:
            for pointer, message in check(api, body_schema, request["body"]):
                yield request_file, line_of(request_file, pointer), message

    expected = read_json(expected_file)
    status = str(expected.get("status"))
    responses = operation.get("responses", {})
    if status not in responses:
        declared = ", ".join(responses)
        message = f"status {status} is not a response of {method} {template} (declared: {declared})"
        yield expected_file, line_of(expected_file, "status"), message
        return
    schema = json_schema(responses[status])
    if schema is not None:
        for pointer, message in check(api, schema, expected.get("body")):
            yield expected_file, line_of(expected_file, pointer), message


def main():
    try:
        api = load_api()
    except ContractError as error:
        print(f"[{TAG}] ERROR: {error}")
        return 1
    problems, cases, packs = [], 0, set()
    for pack, _case, request_file, expected_file in fixture_cases():
        cases += 1
        packs.add(pack)
        try:
            problems.extend(problems_of_case(api, request_file, expected_file))
        except ContractError as error:
            problems.append((None, None, str(error)))
    for file, line, message in problems:
        where = f"{file.as_posix()}:{line}: " if file else ""
        print(f"[{TAG}] ERROR: {where}{message}")
    if problems:
        return 1
    print(f"[{TAG}] OK: {cases} fixture cases in {len(packs)} packs match api/openapi.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
