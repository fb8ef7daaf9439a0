"""Shared fixtures: Sphinx's own testing fixtures over the roots in tests/roots."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest_plugins = ("sphinx.testing.fixtures",)

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where ``@pytest.mark.sphinx(testroot=...)`` finds its projects."""
    return ROOTS


def plan_warnings(app) -> list[str]:
    """The ``[plan.*]`` warning lines of a build."""
    return [line for line in app.warning.getvalue().splitlines() if "[plan." in line]


def load_plan_json(app) -> dict:
    """The ``plan.json`` written by a build."""
    return json.loads((Path(app.outdir) / "plan.json").read_text(encoding="utf-8"))
