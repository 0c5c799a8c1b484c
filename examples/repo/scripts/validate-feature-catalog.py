#!/usr/bin/env python3
"""Check that the feature catalog's module ids are unique and every dependency resolves."""
import json
import sys
from pathlib import Path

TAG = "feature-catalog"
CATALOG = Path("src/features/feature-catalog.json")


def fail(message):
    print(f"[{TAG}] ERROR: {message}")
    sys.exit(1)


def main():
    try:
        modules = json.loads(CATALOG.read_text(encoding="utf-8"))["modules"]
    except json.JSONDecodeError as error:
        fail(f"{CATALOG.as_posix()} invalid JSON: {error}")
    ids = [module["id"] for module in modules]
    for module_id in ids:
        if ids.count(module_id) > 1:
            fail(f"duplicate module id: {module_id}")
    dependencies = 0
    for module in modules:
        for dependency in module.get("dependsOn", []):
            if dependency not in ids:
                fail(f"{module['id']} depends on unknown module id: {dependency}")
            dependencies += 1
        manifest = module.get("manifest")
        if manifest:
            if not Path(manifest).is_file():
                fail(f"{module['id']} manifest not found: {manifest}")
            declared = json.loads(Path(manifest).read_text(encoding="utf-8")).get("id")
            if declared != module["id"]:
                fail(f"{module['id']} manifest {manifest} declares id '{declared}'")
    print(f"[{TAG}] OK: {len(ids)} modules, {dependencies} dependencies resolved")


if __name__ == "__main__":
    main()
