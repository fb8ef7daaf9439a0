"""The exception hierarchy of sphinxcontrib-plan."""

from __future__ import annotations


class PlanError(Exception):
    """Base class of every error raised by sphinxcontrib-plan."""
