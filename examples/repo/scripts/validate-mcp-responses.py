#!/usr/bin/env python3
"""Run each MCP tool on its fixture requests and compare with the expected responses."""
import importlib.util
import json
import sys
from pathlib import Path

TAG = "mcp-responses"
MCP_ROOT = Path("tests/contracts/fixtures/mcp")
IMPLEMENTATION = Path("services/mcp/src/billing_ingest.py")
NON_TOOL_PACKS = {"legacy-alias-parity"}


class Missing:
    def __repr__(self):
        return "<missing>"


MISSING = Missing()


def fail(message):
    print(f"[{TAG}] ERROR: {message}")
    sys.exit(1)


def load_module(path, name):
    if not path.is_file():
        fail(f"implementation not found: {path.as_posix()}")
    sys.dont_write_bytecode = True
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def first_mismatch(expected, actual, path=""):
    """(path, expected, actual) of the first difference; 1 and 1.0 differ, as in JSON."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in expected:
            where = f"{path}.{key}" if path else key
            if key not in actual:
                return where, expected[key], MISSING
            found = first_mismatch(expected[key], actual[key], where)
            if found:
                return found
        for key in actual:
            if key not in expected:
                return (f"{path}.{key}" if path else key), MISSING, actual[key]
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        for index in range(max(len(expected), len(actual))):
            left = expected[index] if index < len(expected) else MISSING
            right = actual[index] if index < len(actual) else MISSING
            found = first_mismatch(left, right, f"{path}[{index}]")
            if found:
                return found
        return None
    if type(expected) is not type(actual) or expected != actual:
        return path or "<root>", expected, actual
    return None


def main():
    ingest = load_module(IMPLEMENTATION, "billing_ingest")
    packs = sorted(p for p in MCP_ROOT.iterdir() if p.is_dir() and p.name not in NON_TOOL_PACKS)
    checked = 0
    for pack in packs:
        for version in sorted(p for p in pack.iterdir() if p.is_dir()):
            where = f"MCP pack '{pack.name}' version '{version.name}'"
            documents = {}
            for name in ("request.valid.json", "request.invalid.json", "response.expected.json"):
                if not (version / name).is_file():
                    fail(f"{where} missing required file: {name}")
                try:
                    documents[name] = json.loads((version / name).read_text(encoding="utf-8"))
                except json.JSONDecodeError as error:
                    fail(f"{where} file {name} invalid JSON: {error}")
            response = ingest.handle(pack.name, documents["request.valid.json"])
            found = first_mismatch(documents["response.expected.json"], response)
            if found:
                at, want, got = found
                fail(f"{where} response mismatch at {at}: expected {want!r}, got {got!r}")
            status = ingest.handle(pack.name, documents["request.invalid.json"]).get("status")
            if status != "rejected":
                fail(f"{where} request.invalid.json was not rejected (status {status!r})")
            checked += 1
    print(f"[{TAG}] OK: {checked} MCP packs answer their fixture requests as expected")


if __name__ == "__main__":
    main()
