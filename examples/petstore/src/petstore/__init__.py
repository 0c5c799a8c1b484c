"""The pet store service."""
