"""The pet store's request handling, as api/openapi.yaml describes it.

`handle(method, path, body)` returns `(status, body)`; the HTTP server around it is not part of
this example. scripts/contract_test.py runs every fixture request through it.
"""
import re

PETS = [
    {"id": 1, "name": "Rex", "status": "available", "tag": "dog"},
    {"id": 2, "name": "Tom", "status": "pending", "tag": "cat"},
    {"id": 3, "name": "Polly", "status": "sold"},
]
PETS_BY_ID = {pet["id"]: pet for pet in PETS}
FIRST_ORDER_ID = 1001


def not_found(what):
    return 404, {"code": 404, "message": f"{what} not found"}


def list_pets():
    return 200, [dict(pet) for pet in PETS]


def get_pet(pet_id):
    pet = PETS_BY_ID.get(pet_id)
    return (200, dict(pet)) if pet else not_found(f"pet {pet_id}")


def place_order(order):
    if order["petId"] not in PETS_BY_ID:
        return not_found(f"pet {order['petId']}")
    return 201, {
        "id": FIRST_ORDER_ID,
        "petId": order["petId"],
        "quantity": order["quantity"],
        "status": "placed",
    }


def handle(method, path, body=None):
    if method == "GET" and path == "/pets":
        return list_pets()
    match = re.fullmatch(r"/pets/(\d+)", path)
    if method == "GET" and match:
        return get_pet(int(match.group(1)))
    if method == "POST" and path == "/orders":
        return place_order(body)
    return not_found(f"{method} {path}")
