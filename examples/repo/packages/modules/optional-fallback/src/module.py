"""modules.optional-fallback: choose between the primary and the fallback provider."""

MODULE_ID = "modules.optional-fallback"
DEGRADED_LATENCY_MS = 500


def evaluate(payload):
    """Map one input document to the module's output document."""
    primary = payload["primary"]
    fallback = payload.get("fallback", {})
    if primary["available"]:
        status = "healthy" if primary["latencyMs"] <= DEGRADED_LATENCY_MS else "degraded"
        route = "primary"
    elif fallback.get("available"):
        status, route = "fallback", "fallback"
    else:
        status, route = "unavailable", "none"
    return {"module": MODULE_ID, "status": status, "route": route}
