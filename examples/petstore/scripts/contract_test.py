#!/usr/bin/env python3
"""The runtime contract test: run every fixture request under test/fixtures/ through
src/petstore/app.py and compare the response with the case's `<case>.expected.json`.

Prints JUnit XML on stdout, one <testcase> per fixture case whose `file` is the expected fixture
(repository-relative) and whose failure text starts with `<file>:<line>:`; exit 1 on any failure.
"""
import sys
import time
import traceback
from xml.sax.saxutils import escape, quoteattr

sys.path.insert(0, "src")  # the implementation under test

from openapi_subset import ContractError, fixture_cases, line_of, read_json  # noqa: E402
from petstore.app import handle  # noqa: E402


def differences(expected, actual, where="body"):
    """(pointer, message) for the first places where the response differs from the fixture."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in expected.keys() | actual.keys():
            if key not in actual:
                yield f"{where}.{key}", f"{where}.{key}: expected {expected[key]!r}, not in the response"
            elif key not in expected:
                yield where, f"{where}.{key}: not in the fixture, the response has {actual[key]!r}"
            else:
                yield from differences(expected[key], actual[key], f"{where}.{key}")
    elif isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (left, right) in enumerate(zip(expected, actual)):
            yield from differences(left, right, f"{where}[{index}]")
    elif isinstance(expected, list) and isinstance(actual, list):
        yield where, f"{where}: expected {len(expected)} items, got {len(actual)}"
    elif expected != actual or type(expected) is not type(actual):
        yield where, f"{where}: expected {expected!r}, got {actual!r}"


def run_case(request_file, expected_file):
    """None when the case passes, else ('failure' | 'error', message, text)."""
    try:
        request = read_json(request_file)
        expected = read_json(expected_file)
    except ContractError as error:
        return "error", str(error), str(error)
    try:
        status, body = handle(request["method"], request["path"], request.get("body"))
    except Exception as error:  # the implementation crashed on this request: a runtime finding
        return "error", f"{type(error).__name__}: {error}", traceback.format_exc()
    found = []
    if status != expected.get("status"):
        found.append(("status", f"status: expected {expected.get('status')}, got {status}"))
    found.extend(sorted(differences(expected.get("body"), body), key=lambda item: item[0]))
    if not found:
        return None
    pointer, message = found[0]
    text = [f"{expected_file.as_posix()}:{line_of(expected_file, p)}: {m}" for p, m in found]
    text.append(f"request: {request_file.as_posix()}")
    return "failure", message, "\n".join(text)


def main():
    cases, failures, errors = [], 0, 0
    for pack, case, request_file, expected_file in fixture_cases():
        started = time.perf_counter()
        outcome = run_case(request_file, expected_file)
        seconds = time.perf_counter() - started
        cases.append((pack.name, case, expected_file.as_posix(), seconds, outcome))
        failures += outcome is not None and outcome[0] == "failure"
        errors += outcome is not None and outcome[0] == "error"
    counts = f'tests="{len(cases)}" failures="{failures}" errors="{errors}"'
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    out.append(f'<testsuites name="contract" {counts}>')
    out.append(f'  <testsuite name="contract-tests" {counts}>')
    for pack, case, file, seconds, outcome in cases:
        names = f"classname={quoteattr(pack)} name={quoteattr(case)} file={quoteattr(file)}"
        head = f'    <testcase {names} time="{seconds:.4f}"'
        if outcome is None:
            out.append(head + "/>")
            continue
        kind, message, text = outcome
        out.append(head + ">")
        out.append(f"      <{kind} message={quoteattr(message)}>{escape(text)}</{kind}>")
        out.append("    </testcase>")
    out.append("  </testsuite>")
    out.append("</testsuites>")
    print("\n".join(out))
    return 1 if failures or errors else 0


if __name__ == "__main__":
    sys.exit(main())
