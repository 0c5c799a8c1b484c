"""Stand-in for `pact_verifier_cli --file <pact>`, whose binaries cannot be installed here.

Replays each interaction of a Pact (specification 2) against src/pet_api/app.py in-process and
prints what the Pact verifier prints: the `Verifying a pact between` block, then `Failures:` with
one entry per failed interaction. Response bodies match as Pact's do: objects may carry more
keys than the pact names, arrays and values must be equal. Exit 1 when an interaction fails.
"""
import json
import sys

sys.dont_write_bytecode = True  # leave the checkout as it was
sys.path.insert(0, "src")
from pet_api.app import handle  # noqa: E402


def kind(value):
    return {bool: "Boolean", int: "Integer", float: "Decimal", str: "String"}.get(
        type(value), type(value).__name__
    )


def shown(value):
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)


def mismatches(expected, actual, path="$"):
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, value in expected.items():
            if key not in actual:
                yield f"{path} -> Actual map is missing the following keys: {key}"
            else:
                yield from mismatches(value, actual[key], f"{path}.{key}")
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            yield f"{path} -> Expected a List with {len(expected)} elements but received {len(actual)} elements"
        for i, (e, a) in enumerate(zip(expected, actual)):
            yield from mismatches(e, a, f"{path}[{i}]")
    elif expected != actual or type(expected) is not type(actual):
        yield f"{path} -> Expected {shown(expected)} ({kind(expected)}) but received {shown(actual)} ({kind(actual)})"


def main():
    pact_file = sys.argv[sys.argv.index("--file") + 1]
    with open(pact_file, encoding="utf-8") as f:
        pact = json.load(f)
    consumer, provider = pact["consumer"]["name"], pact["provider"]["name"]
    print(f"Verifying a pact between {consumer} and {provider}")
    print(f"  [Using File {pact_file}]")
    failures = []
    for interaction in pact["interactions"]:
        want, req = interaction["response"], interaction["request"]
        status, headers, body = handle(req["method"], req["path"])
        checks = [(f"has status code {want['status']}", status == want["status"], [])]
        for name, value in want.get("headers", {}).items():
            checks.append((f'includes header "{name}" with value "{value}"', headers.get(name) == value, []))
        if "body" in want:
            found = list(mismatches(want["body"], body))
            checks.append(("has a matching body", not found, found))
        given = interaction.get("providerState")
        if given:
            print(f"  Given {given}")
        print(f"    {interaction['description']}")
        print("      returns a response which")
        for text, ok, _ in checks:
            print(f"        {text} ({'OK' if ok else 'FAILED'})")
        failed = [(text, detail) for text, ok, detail in checks if not ok]
        if failed:
            failures.append((given, interaction["description"], failed))
    if not failures:
        print("\nThere were no pact failures")
        return 0
    print("\n\nFailures:\n")
    for n, (given, description, failed) in enumerate(failures, 1):
        state = f" Given {given}" if given else ""
        print(f"{n}) Verifying a pact between {consumer} and {provider}{state} - {description}")
        for m, (text, detail) in enumerate(failed, 1):
            print(f"    {n}.{m}) {text}")
            for line in detail:
                print(f"           {line}")
    print(f"\n\nThere were {len(failures)} pact failures")
    return 1


if __name__ == "__main__":
    sys.exit(main())
