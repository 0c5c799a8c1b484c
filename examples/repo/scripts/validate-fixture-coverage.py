#!/usr/bin/env python3
"""Check that every contract fixture pack exists, is complete, parses, and covers its contract."""
import json
import re
import sys
from pathlib import Path

TAG = "fixture-coverage"
FIXTURES = Path("tests/contracts/fixtures")
MCP_ROOT = FIXTURES / "mcp"
REQUIRED_MCP_PACKS = ["billing.aws.ingest", "billing.gcp.ingest", "billing.oci.ingest"]
MCP_REQUIRED_FILES = ["request.valid.json", "request.invalid.json", "response.expected.json", "notes.md"]
MCP_CONTRACT = Path("docs/contracts/billing-ingest-contract.md")
# Packs under mcp/ that hold cross-tool rows rather than one tool's request/response.
NON_TOOL_PACKS = {"legacy-alias-parity"}


def fail(message):
    print(f"[{TAG}] ERROR: {message}")
    sys.exit(1)


def subdirs(path):
    return sorted(p for p in path.iterdir() if p.is_dir()) if path.is_dir() else []


def contract_fields(doc, heading):
    """Backticked bullet items under a Markdown heading."""
    if not doc.is_file():
        fail(f"contract document not found: {doc.as_posix()}")
    fields, inside = [], False
    for line in doc.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            inside = line.lstrip("#").strip().lower() == heading.lower()
            continue
        match = re.match(r"\s*[-*]\s+`([^`]+)`", line) if inside else None
        if match:
            fields.append(match.group(1))
    if not fields:
        fail(f"{doc.as_posix()} has no '{heading}' list")
    return fields


def load_json(path, where):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        fail(f"{where} invalid JSON: {error}")


def main():
    missing = [name for name in REQUIRED_MCP_PACKS if not (MCP_ROOT / name).is_dir()]
    if missing:
        fail(f"Missing required MCP fixture packs: {missing}")

    tool_packs = [p for p in subdirs(MCP_ROOT) if p.name not in NON_TOOL_PACKS]
    for pack in tool_packs:
        versions = subdirs(pack)
        if not versions:
            fail(f"MCP pack '{pack.name}' has no versions")
        for version in versions:
            for name in MCP_REQUIRED_FILES:
                if not (version / name).is_file():
                    fail(f"MCP pack '{pack.name}' version '{version.name}' missing required file: {name}")

    modules = []
    for manifest_path in sorted(Path("packages/modules").glob("*/feature.json")):
        manifest = load_json(manifest_path, manifest_path.as_posix())
        modules.append((manifest, FIXTURES / manifest["id"]))
    missing = [manifest["id"] for manifest, pack in modules if not pack.is_dir()]
    if missing:
        fail(f"Missing required module fixture packs: {missing}")
    for manifest, pack in modules:
        for version in subdirs(pack):
            where = f"module pack '{pack.name}'/{version.name}"
            if not list(version.glob("input*.json")):
                fail(f"{where} missing required file: input*.json")
            if not list(version.glob("output.expected*.json")):
                fail(f"{where} missing required file: output.expected*.json")
            if not (version / "notes.md").is_file():
                fail(f"{where} missing required file: notes.md")

    documents = {}
    for pack in subdirs(MCP_ROOT):
        for version in subdirs(pack):
            for path in sorted(version.glob("*.json")):
                where = f"MCP pack '{pack.name}' version '{version.name}' file {path.name}"
                documents[path] = load_json(path, where)
    for manifest, pack in modules:
        for version in subdirs(pack):
            for path in sorted(version.glob("*.json")):
                documents[path] = load_json(path, f"module pack '{pack.name}'/{version.name}/{path.name}")

    mcp_fields = contract_fields(MCP_CONTRACT, "Required response fields")
    for pack in tool_packs:
        for version in subdirs(pack):
            response = documents[version / "response.expected.json"]
            for field in mcp_fields:
                if field not in response:
                    fail(
                        f"MCP pack '{pack.name}' version '{version.name}' response.expected.json "
                        f"lacks contract field '{field}' ({MCP_CONTRACT.as_posix()})"
                    )
    for manifest, pack in modules:
        doc = Path(manifest["contract"])
        fields = contract_fields(doc, "Required output fields")
        for version in subdirs(pack):
            for path in sorted(version.glob("output.expected*.json")):
                for field in fields:
                    if field not in documents[path]:
                        fail(
                            f"module pack '{pack.name}'/{version.name}/{path.name} "
                            f"lacks contract field '{field}' ({doc.as_posix()})"
                        )

    print(
        f"[{TAG}] OK: {len(tool_packs)} MCP packs and {len(modules)} module "
        f"pack{'' if len(modules) == 1 else 's'} "
        f"cover their contracts ({len(documents)} JSON files)"
    )


if __name__ == "__main__":
    main()
