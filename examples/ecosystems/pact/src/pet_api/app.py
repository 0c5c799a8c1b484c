"""The pet API provider: handle(method, path) -> (status, headers, body)."""

PETS = [{"id": "p1", "name": "Rex", "age": 3}]


def handle(method, path):
    if method == "GET" and path == "/pets":
        return 200, {"Content-Type": "application/json"}, PETS
    if method == "GET" and path.startswith("/pets/"):
        pet = next((p for p in PETS if p["id"] == path[len("/pets/"):]), None)
        if pet is None:
            return 404, {"Content-Type": "application/json"}, {"error": "no such pet"}
        return 200, {"Content-Type": "application/json"}, pet
    return 405, {}, None
