#!/usr/bin/env python3
"""Check that every legacy MCP alias answers with its canonical tool's provider adapter."""
import importlib.util
import json
import sys
from pathlib import Path

TAG = "legacy-alias-parity"
ROWS_ROOT = Path("tests/contracts/fixtures/mcp/legacy-alias-parity")
IMPLEMENTATION = Path("services/mcp/src/billing_ingest.py")


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


def main():
    files = sorted(ROWS_ROOT.glob("*/parity.rows.json"))
    if not files:
        fail(f"no parity rows found under {ROWS_ROOT.as_posix()}/")
    ingest = load_module(IMPLEMENTATION, "billing_ingest")
    count = 0
    for path in files:
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            fail(f"{path.as_posix()} invalid JSON: {error}")
        for index, row in enumerate(rows):
            alias, canonical = row["legacyAlias"], row["canonicalTool"]
            resolved = ingest.canonical_tool(alias)
            if resolved != canonical:
                fail(f"rows[{index}].legacyAlias '{alias}' resolves to '{resolved}', expected canonical tool '{canonical}'")
            expected = row["response"]["providerAdapterId"]
            got = ingest.handle(canonical, row["request"]).get("providerAdapterId")
            if got != expected:
                fail(
                    f"rows[{index}].response.providerAdapterId expected '{expected}' "
                    f"for canonical tool '{canonical}', got '{got}'"
                )
            if ingest.handle(alias, row["request"]) != ingest.handle(canonical, row["request"]):
                fail(f"rows[{index}] legacy alias '{alias}' answers differently from '{canonical}'")
            count += 1
    print(f"[{TAG}] OK: {count} legacy alias rows match their canonical tools")


if __name__ == "__main__":
    main()
