"""Exports of the resolved index: ``plan.json`` and OpenAPI."""
