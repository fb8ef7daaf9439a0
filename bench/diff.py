"""``python -m bench.diff``: time ``sphinx-plan diff`` on two generated 10,000-object plan.json files.

The head is the base with a known set of changes, so the run also checks the
diff's summary: every 50th risk re-rated higher, every 40th phase moved two
weeks later, every 25th endpoint's 404 response removed (breaking), every
20th plan-less text field edited, 100 objects added and 100 removed.
"""

from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

KINDS = ("risk", "endpoint", "phase", "component")


def _objects(count: int) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    i = 0
    while len(objects) < count:
        plan = f"P{i // 500 + 1:02d}"
        kind = KINDS[i % len(KINDS)]
        oid = f"{plan}-{kind}-{i}"
        base = {
            "type": kind,
            "id": oid,
            "plan": plan,
            "parent": None,
            "checks": None,
            "derived": {},
            "data": {},
            "body": f"Body of {oid}.\nSecond line of text.",
            "docname": f"d{i // 20}",
            "line": i,
            "anchor": oid,
            "url": None,
        }
        if kind == "risk":
            objects.append(
                {
                    **base,
                    "title": f"Risk {i}",
                    "fields": {
                        "impact": "medium",
                        "likelihood": "low",
                        "owner": "Ops",
                        "status": "open",
                    },
                }
            )
        elif kind == "phase":
            objects.append({**base, "title": f"Phase {i}", "fields": {"weeks": [3, 4]}})
        elif kind == "component":
            objects.append({**base, "title": f"Component {i}", "fields": {"technology": "Go"}})
        else:
            path = f"/api/things{i}/{{id}}"
            objects.append(
                {
                    **base,
                    "title": f"GET {path}",
                    "fields": {"auth": "bearer"},
                    "data": {"method": "GET", "path": path},
                }
            )
            for code in ("200", "404"):
                objects.append(
                    {
                        **base,
                        "type": "response",
                        "id": f"{oid}-{code}",
                        "title": code,
                        "parent": oid,
                        "fields": {},
                        "data": {"code": code},
                    }
                )
        i += 1
    return objects[:count]


def make_pair(count: int) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """A base and a head plan.json of *count* objects each, and the diff summary expected.

    :param count: objects per file
    :return: base, head, expected ``summary``
    """
    objects = _objects(count + 100)
    plans = sorted({o["plan"] for o in objects})
    doc = {
        "plans": [
            {"type": "plan", "id": p, "title": f"Plan {p}", "plan": p, "fields": {}} for p in plans
        ]
    }
    base = {**doc, "objects": objects[:count]}
    head_objects = copy.deepcopy(objects[100 : count + 100])  # 100 removed, 100 added
    expected = {
        "added": 100,
        "removed": 100,
        "changed": 0,
        "breaking": 0,
        "slip": 0,
        "risk": 0,
        "status": 0,
        "coverage": 0,
        "gate": 0,
        "external": 0,
        "stale": 0,
    }
    by_type: dict[str, int] = {}
    kept: list[dict[str, Any]] = []
    in_base = {o["id"] for o in base["objects"]}
    for obj in head_objects:
        n = by_type[obj["type"]] = by_type.get(obj["type"], 0) + 1
        if obj["id"] not in in_base:
            kept.append(obj)
            continue
        if obj["type"] == "risk" and n % 50 == 0:
            obj["fields"]["impact"] = "high"
            expected["changed"] += 1
            expected["risk"] += 1
        elif obj["type"] == "phase" and n % 40 == 0:
            obj["fields"]["weeks"] = [5, 6]
            expected["changed"] += 1
            expected["slip"] += 1
        elif obj["type"] == "component" and n % 20 == 0:
            obj["body"] += " Edited."
            expected["changed"] += 1
        elif (
            obj["type"] == "response"
            and obj["id"].endswith("-404")
            and n % 25 == 0
            and obj["parent"] in in_base
        ):
            expected["removed"] += 1
            expected["breaking"] += 1
            continue
        kept.append(obj)
    # the first 100 objects are gone: their endpoints are breaking removals, and so is a
    # response cut off from an endpoint that stays
    head_ids = {o["id"] for o in kept}
    expected["breaking"] += sum(
        1
        for o in base["objects"][:100]
        if o["type"] == "endpoint" or (o["type"] == "response" and o["parent"] in head_ids)
    )
    return base, {**doc, "objects": kept}, expected


def write_pair(directory: Path, count: int = 10_000) -> tuple[Path, Path, dict[str, int]]:
    """Write the pair of :func:`make_pair` as ``base.json`` and ``head.json``.

    :param directory: where to write
    :param count: objects per file
    :return: the two paths and the expected summary
    """
    base, head, expected = make_pair(count)
    paths = directory / "base.json", directory / "head.json"
    for path, data in zip(paths, (base, head), strict=True):
        path.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    return paths[0], paths[1], expected


def run_diff(base: Path, head: Path) -> tuple[float, int, str]:
    """One ``sphinx-plan diff BASE HEAD --format json`` in a subprocess, interpreter start included.

    :param base: the older ``plan.json``
    :param head: the newer one
    :return: seconds, exit status, and its stdout (its stderr when it failed)
    """
    started = time.perf_counter()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinxcontrib_plan",
            "diff",
            str(base),
            str(head),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    return seconds, run.returncode, run.stdout if run.returncode == 0 else run.stderr


def main(argv: list[str] | None = None) -> int:
    """Generate the pair, time the diff (best of --runs), check its summary.

    :param argv: arguments
    :return: 0, or 1 when the summary is wrong
    """
    parser = argparse.ArgumentParser(prog="python -m bench.diff", description=__doc__)
    parser.add_argument("--objects", type=int, default=10_000, help="objects per file (10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs; the best and median are shown")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-diff-") as tmp:
        base, head, expected = write_pair(Path(tmp), args.objects)
        times, summary = [], None
        for _ in range(args.runs):
            seconds, status, output = run_diff(base, head)
            times.append(seconds)
            if status != 0:
                print(output, file=sys.stderr)
                return 1
            summary = json.loads(output)["summary"]
    times.sort()
    print(
        f"sphinx-plan diff of two {args.objects}-object plan.json files: best {times[0]:.2f} s, "
        f"median {times[len(times) // 2]:.2f} s ({args.runs} runs, whole command)"
    )
    if summary != expected:
        print(f"FAIL: summary {summary}, expected {expected}")
        return 1
    print(f"summary as expected: {summary}")
    print("PASS: under 2 s" if times[len(times) // 2] < 2 else "FAIL: 2 s target missed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
