#!/usr/bin/env python3
"""Run each module on its fixture inputs and compare with the expected outputs."""
import importlib.util
import json
import sys
from pathlib import Path

TAG = "module-outputs"
FIXTURES = Path("tests/contracts/fixtures")


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


def read_json(path, where):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        fail(f"{where} invalid JSON: {error}")


def main():
    cases = 0
    for manifest_path in sorted(Path("packages/modules").glob("*/feature.json")):
        manifest = read_json(manifest_path, manifest_path.as_posix())
        module = load_module(Path(manifest["entrypoint"]), manifest["id"].replace(".", "_").replace("-", "_"))
        pack = FIXTURES / manifest["id"]
        for version in sorted(p for p in pack.iterdir() if p.is_dir()):
            for input_path in sorted(version.glob("input.*.json")):
                case = input_path.name[len("input.") : -len(".json")]
                expected_name = f"output.expected.{case}.json"
                where = f"module pack '{pack.name}'/{version.name}"
                if not (version / expected_name).is_file():
                    fail(f"{where}/{input_path.name} has no {expected_name}")
                payload = read_json(input_path, f"{where}/{input_path.name}")
                expected = read_json(version / expected_name, f"{where}/{expected_name}")
                found = first_mismatch(expected, module.evaluate(payload))
                if found:
                    at, want, got = found
                    fail(f"{where}/{expected_name} mismatch at {at}: expected {want!r}, got {got!r}")
                cases += 1
    print(f"[{TAG}] OK: expected outputs match for {cases} module fixture case{'' if cases == 1 else 's'}")


if __name__ == "__main__":
    main()
