"""The bench's verdicts: each floor is judged by its own issue's limits (pure unit test)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import targets
from bench.runner import SizeResult


def _result(floor: str, edit_ratio: float) -> SizeResult:
    result = SizeResult(50, 20, 1, full_only=False, floor=floor)
    for flavour, scale in (("plan", 1.0), (floor, 1.0)):
        for metric in ("full", "full_j2", "nochange", "memory", "memory_j2", "pickle"):
            result.add(flavour, metric, 10.0 * scale)
        result.add(flavour, "edit", 10.0 * (edit_ratio if flavour == "plan" else 1.0))
    return result


def test_fieldlist_floor_uses_issue_29_limits():
    verdicts = {name: ok for name, ok, _ in targets(_result("fieldlist", 1.08))}
    assert verdicts["one-object edit ≤ 1.05 × fieldlist's incremental"] is False
    assert verdicts["peak memory (full) ≤ 1.05 × fieldlist"] is True
    assert "full HTML build ≤ 1.00 × fieldlist" in verdicts


def test_plain_floor_keeps_earlier_limits():
    verdicts = {name: ok for name, ok, _ in targets(_result("plain", 1.08))}
    assert verdicts["one-object edit ≤ 1.10 × plain's incremental"] is True
    assert verdicts["peak memory (full) ≤ 1.1 × plain"] is True
