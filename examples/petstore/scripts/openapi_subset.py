"""What the validators share: a reader for the YAML that api/openapi.yaml uses, the part of JSON
Schema its schemas use, the fixture cases under test/fixtures/, and line numbers in JSON files.

Python 3 standard library only, so the gate needs nothing installed but python3.
"""
import json
import re
from pathlib import Path

API = Path("api/openapi.yaml")
FIXTURES = Path("test/fixtures")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


class ContractError(Exception):
    """A problem located in a file: `path:line: message`."""

    def __init__(self, path, line, message):
        super().__init__(f"{path}:{line}: {message}")


# --- YAML: block mappings and sequences, flow lists, plain and quoted scalars, comments ---


def _strip_comment(text):
    quote = None
    for i, char in enumerate(text):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
    return text.rstrip()


def _scalar(text, where):
    if text.startswith("'"):
        if not text.endswith("'") or len(text) < 2:
            raise ContractError(*where, f"unterminated quoted string: {text}")
        return text[1:-1].replace("''", "'")
    if text.startswith('"'):
        try:
            return json.loads(text)
        except ValueError:
            raise ContractError(*where, f"unterminated quoted string: {text}") from None
    if text.startswith("["):
        if not text.endswith("]"):
            raise ContractError(*where, f"unterminated flow list: {text}")
        inner = text[1:-1].strip()
        return [_scalar(item.strip(), where) for item in _split_flow(inner)] if inner else []
    if text.startswith(("{", "&", "*", "|", ">", "!")):
        raise ContractError(*where, f"'{text[0]}' is outside the YAML this reader understands")
    if text in ("true", "false"):
        return text == "true"
    if text in ("null", "~"):
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    return text


def _split_flow(text):
    items, start, quote = [], 0, None
    for i, char in enumerate(text):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == ",":
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return items


def _key_value(text, where):
    if text[0] in "'\"":
        end = text.find(text[0], 1)
        if end < 0 or not text[end + 1 :].startswith(":"):
            raise ContractError(*where, f"expected 'key: value', got: {text}")
        return _scalar(text[: end + 1], where), text[end + 2 :].strip()
    match = re.match(r"([^:]+?):(?:\s+(.*))?$", text)
    if not match:
        raise ContractError(*where, f"expected 'key: value', got: {text}")
    return match.group(1), (match.group(2) or "").strip()


def load_yaml(path):
    """The document in `path`, read as the YAML subset above; errors name the file and line."""
    lines = []
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        text = _strip_comment(raw)
        if text.strip():
            if "\t" in text[: len(text) - len(text.lstrip())]:
                raise ContractError(path, number, "tabs are not allowed in YAML indentation")
            lines.append([len(text) - len(text.lstrip(" ")), text.strip(), number])
    if not lines:
        return None
    value, end = _block(lines, 0, lines[0][0], path)
    if end < len(lines):
        raise ContractError(path, lines[end][2], "unexpected indentation")
    return value


def _block(lines, i, indent, path):
    if lines[i][1] == "-" or lines[i][1].startswith("- "):
        return _sequence(lines, i, indent, path)
    return _mapping(lines, i, indent, path)


def _child(lines, i, indent, path):
    """The value of a key or item written on the lines below it, indented deeper."""
    if i < len(lines) and lines[i][0] > indent:
        return _block(lines, i, lines[i][0], path)
    return None, i


def _mapping(lines, i, indent, path):
    result = {}
    while i < len(lines) and lines[i][0] == indent:
        _, text, number = lines[i]
        if text.startswith("- "):
            raise ContractError(path, number, "a list item where a 'key: value' was expected")
        key, rest = _key_value(text, (path, number))
        if key in result:
            raise ContractError(path, number, f"duplicate key '{key}'")
        if rest:
            result[key], i = _scalar(rest, (path, number)), i + 1
        else:
            result[key], i = _child(lines, i + 1, indent, path)
    return result, i


def _sequence(lines, i, indent, path):
    result = []
    while i < len(lines) and lines[i][0] == indent and (lines[i][1] + " ").startswith("- "):
        _, text, number = lines[i]
        rest = text[1:].strip()
        if not rest:
            value, i = _child(lines, i + 1, indent, path)
        elif re.match(r"(?:'[^']*'|\"[^\"]*\"|[^'\"\[{][^:]*):(?:\s|$)", rest):
            # `- key: value` starts a mapping whose other keys line up with this one.
            lines[i] = [indent + 2, rest, number]
            value, i = _mapping(lines, i, indent + 2, path)
        else:
            value, i = _scalar(rest, (path, number)), i + 1
        result.append(value)
    return result, i


# --- The API description ---


def load_api():
    api = load_yaml(API)
    if not isinstance(api, dict) or not isinstance(api.get("paths"), dict):
        raise ContractError(API, 1, "not an OpenAPI description: no 'paths' mapping")
    return api


def find_operation(api, method, path):
    """The operation serving `METHOD /path` (`/pets/7` is served by `/pets/{petId}`)."""
    for template, item in api["paths"].items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path) and isinstance(item, dict) and method.lower() in item:
            return template, item[method.lower()]
    return None, None


def has_operation(api, method, template):
    item = api["paths"].get(template)
    return isinstance(item, dict) and method.lower() in item


def json_schema(node):
    return ((node or {}).get("content") or {}).get("application/json", {}).get("schema")


def resolve(api, schema):
    """A schema with its `$ref` followed, and the name of the component it came from."""
    name = None
    while isinstance(schema, dict) and "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/components/schemas/"):
            raise ContractError(API, 1, f"unsupported $ref {ref}")
        name = ref.rsplit("/", 1)[1]
        schema = api.get("components", {}).get("schemas", {}).get(name)
        if schema is None:
            raise ContractError(API, 1, f"$ref {ref} names no schema")
    return schema, name


def check(api, schema, value, where="body", name=None):
    """Yields (pointer, message) for each way `value` breaks `schema` (the subset used here)."""
    schema, ref = resolve(api, schema)
    name = ref or name
    named = f" (schema {name})" if name else ""
    types = {"object": dict, "array": list, "string": str, "boolean": bool}
    kind = schema.get("type")
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:
        ok = kind is None or isinstance(value, types[kind])
    if not ok:
        yield where, f"{where}: expected {kind}, got {json.dumps(value)}{named}"
        return
    if "enum" in schema and value not in schema["enum"]:
        allowed = ", ".join(repr(option) for option in schema["enum"])
        yield where, f"{where}: {value!r} is not one of {allowed}{named}"
    if "minimum" in schema and value < schema["minimum"]:
        yield where, f"{where}: {value} is less than the minimum {schema['minimum']}{named}"
    if kind == "object":
        properties = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                yield where, f"{where}: missing required property '{key}'{named}"
        for key, item in value.items():
            if key in properties:
                yield from check(api, properties[key], item, f"{where}.{key}", name)
            elif schema.get("additionalProperties") is False:
                yield f"{where}.{key}", f"{where}.{key}: property not in the contract{named}"
    if kind == "array":
        for index, item in enumerate(value):
            yield from check(api, schema.get("items", {}), item, f"{where}[{index}]", name)


# --- Fixtures ---


def fixture_cases():
    """(pack, case, request file, expected file) per `<case>.request.json` under test/fixtures/."""
    for request in sorted(FIXTURES.rglob("*.request.json")):
        case = request.name[: -len(".request.json")]
        yield request.parent, case, request, request.with_name(f"{case}.expected.json")


def read_json(path):
    """A fixture's data; a syntax error becomes `path:line: invalid JSON: ...`."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContractError(path, 1, "file missing") from None
    except json.JSONDecodeError as error:
        raise ContractError(path, error.lineno, f"invalid JSON: {error.msg}") from None


def line_of(path, pointer):
    """The line of `body[2].status` in a JSON file: each key found after the one before, and
    `[2]` read as "skip two occurrences of the next key" (one per array item)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    line, skip = 0, 0
    for token in re.findall(r"[A-Za-z_]\w*|\[\d+\]", pointer):
        if token.startswith("["):
            skip = int(token[1:-1])
            continue
        for number in range(line, len(lines)):
            if f'"{token}"' in lines[number]:
                line = number
                if skip == 0:
                    break
                skip -= 1
        skip = 0
    if pointer.endswith("]"):
        # An array item itself: the line its object opens on.
        openers = [n for n in range(line + 1, len(lines)) if lines[n].strip().startswith("{")]
        line = openers[skip] if skip < len(openers) else line
    return line + 1
