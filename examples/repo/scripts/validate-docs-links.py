#!/usr/bin/env python3
"""Check that relative Markdown links under docs/ resolve to files in the repository."""
import os
import re
import sys
from pathlib import Path

TAG = "docs-links"
DOCS = Path("docs")
LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def main():
    broken, checked, files = [], 0, sorted(DOCS.rglob("*.md"))
    for path in files:
        in_fence = False
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.lstrip().startswith("```"):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            for target in LINK.findall(line):
                if EXTERNAL.match(target) or target.startswith("#"):
                    continue
                local = target.split("#", 1)[0]
                resolved = Path(os.path.normpath(path.parent / local))
                checked += 1
                if not resolved.exists():
                    broken.append(f"- {path.as_posix()}:{number} -> '{target}' (resolved: {resolved.as_posix()})")
    if broken:
        print(f"[{TAG}] ERROR: Broken local markdown links detected:")
        print("\n".join(broken))
        sys.exit(1)
    print(f"[{TAG}] OK: {checked} local links in {len(files)} markdown files resolve")


if __name__ == "__main__":
    main()
