"""billing.<provider>.ingest MCP tools: one pure request -> response mapping."""

ADAPTERS = {
    "billing.aws.ingest": "gcp-billing",
    "billing.gcp.ingest": "gcp-billing",
    "billing.oci.ingest": "oci-billing",
}

LEGACY_ALIASES = {
    "aws.billing.ingest": "billing.aws.ingest",
    "gcp.billing.ingest": "billing.gcp.ingest",
    "oci.billing.ingest": "billing.oci.ingest",
}

REQUIRED_REQUEST_FIELDS = ("accountId", "period", "records")


def canonical_tool(name):
    """Resolve a legacy alias to its canonical tool name."""
    return LEGACY_ALIASES.get(name, name)


def handle(tool, request):
    """Map one ingest request to its response."""
    tool = canonical_tool(tool)
    if tool not in ADAPTERS:
        raise ValueError(f"unknown tool: {tool}")
    missing = [field for field in REQUIRED_REQUEST_FIELDS if field not in request]
    if missing:
        return {"tool": tool, "status": "rejected", "missing": missing}
    records = request["records"]
    return {
        "tool": tool,
        "providerAdapterId": ADAPTERS[tool],
        "accountId": request["accountId"],
        "period": request["period"],
        "recordCount": len(records),
        "amountCents": sum(record["costCents"] for record in records),
        "status": "accepted",
    }
