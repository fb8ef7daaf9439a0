"""``python -m bench --coverage``: time the coverage rules over a generated index.

Generates N objects (seeded: the same arguments give the same index) of the
types the presets check and the ones that cover them, with about one object
in six left uncovered, indexes them once, then times
:func:`~sphinxcontrib_plan.model.coverage.check_coverage` with every preset and
two custom rules. Target: under a second for 10,000 objects.

Then it writes N JUnit test cases (pytest's format, one file per 1,000) and
times :func:`~sphinxcontrib_plan.model.junit.read_results`, which reads them
with the hardened parser, and matching them to 100 tests' ``junit`` patterns.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from sphinxcontrib_plan.model.coverage import check_coverage, parse_rules
from sphinxcontrib_plan.model.junit import read_results
from sphinxcontrib_plan.model.records import ObjectRecord
from sphinxcontrib_plan.model.types import BUILTIN
from sphinxcontrib_plan.resolve import build_index

#: a rule table as a project writes it: every preset, two custom rules
RULES = {
    "presets": True,
    "components-checked": {
        "objects": "component",
        "link": "covers",
        "direction": "incoming",
        "to": "check",
    },
    "get-twice": {
        "objects": "endpoint",
        "filter": "method == GET and deprecated != true",
        "link": "covers",
        "direction": "incoming",
        "to": "test",
        "min": 2,
    },
}


def generated_records(count: int, seed: int = 26) -> list[ObjectRecord]:
    """*count* records over documents of 20 objects each.

    :param count: how many objects
    :param seed: the random seed
    :return: the records, in document order
    """
    rng = random.Random(seed)
    kinds = (
        ["endpoint"] * 6
        + ["event"] * 2
        + ["test"] * 4
        + ["risk"] * 3
        + ["phase"] * 2
        + ["alert"]
        + ["table"]
        + ["migration"]
        + ["component"]
        + ["check"]
    )
    made: dict[str, list[str]] = {}
    records = []
    for n in range(count):
        typ = kinds[n % len(kinds)]
        oid = f"{typ}-{n}"
        fields: dict[str, object] = {}
        title = oid
        if typ == "endpoint":
            title = f"{rng.choice(['GET', 'POST', 'DELETE'])} /things/{n}"
        elif typ in ("test", "check"):
            pool = made.get("endpoint", []) + made.get("event", []) + made.get("component", [])
            fields["covers"] = rng.sample(pool, min(len(pool), 3)) if pool else []
        elif typ == "risk":
            fields.update(
                impact=rng.choice(["high", "medium"]),
                likelihood="high",
                status="open",
                review="2024-06-01",
            )
            if made.get("phase") and rng.random() > 0.15:
                fields["mitigated-by"] = [rng.choice(made["phase"])]
        elif typ == "phase":
            fields.update(start="2024-02-01", end=rng.choice(["2024-03-01", "2024-07-01"]))
        elif typ == "alert" and rng.random() > 0.15:
            fields["runbook"] = "https://runbooks.example.com/" + oid
        elif typ == "migration" and made.get("table"):
            fields["tables"] = [made["table"][-1]]
        made.setdefault(typ, []).append(oid)
        records.append(
            ObjectRecord(
                type=typ,
                id=oid,
                title=title,
                plan="P",
                docname=f"d{n // 20:05d}",
                lineno=n % 20,
                anchor=oid,
                fields=fields,
                order=n % 20,
            )
        )
    return records


def write_junit(folder: Path, cases: int, seed: int = 26) -> None:
    """*cases* JUnit test cases in files of 1,000, as pytest writes them.

    :param folder: where to write ``results-N.xml``
    :param cases: how many cases
    :param seed: the random seed
    """
    rng = random.Random(seed)
    for start in range(0, cases, 1000):
        rows = []
        for n in range(start, min(start + 1000, cases)):
            outcome = rng.choice(
                [
                    "",
                    "",
                    "",
                    "",
                    '<failure message="boom">trace</failure>',
                    '<skipped message="later"/>',
                ]
            )
            rows.append(
                f'<testcase classname="tests.test_module_{n // 50}.TestThing" '
                f'name="test_case_{n}" time="0.{n % 1000:03d}">{outcome}</testcase>'
            )
        (folder / f"results-{start // 1000}.xml").write_text(
            '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">'
            + "".join(rows)
            + "</testsuite></testsuites>",
            encoding="utf-8",
        )


def _median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    """Time the rules.

    :param argv: ``--objects N --runs R``
    :return: 0
    """
    parser = argparse.ArgumentParser(prog="python -m bench --coverage")
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    records = generated_records(args.objects)
    index, _ = build_index(records, BUILTIN, {r.docname for r in records})
    rules, problems = parse_rules(RULES, BUILTIN)
    assert not problems, problems
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        found = check_coverage(index, rules, BUILTIN)
        times.append(time.perf_counter() - started)
    checked = sum(len(r) for r in found.results.values())
    gaps = sum(not r.covered for rs in found.results.values() for r in rs)
    median = statistics.median(times)
    print(
        f"coverage: {len(rules)} rules over {args.objects:,} objects ({checked:,} checks, "
        f"{gaps:,} gaps): median {median * 1000:.0f} ms of {args.runs} runs "
        f"[{'PASS' if median < 1 else 'FAIL'} < 1 s]"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_junit(folder, args.objects)
        reads, matches = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            results = read_results(folder, ["*.xml"])
            reads.append(time.perf_counter() - started)
            started = time.perf_counter()
            for n in range(100):
                results.matching([f"tests.test_module_{n}.*"])
            matches.append(time.perf_counter() - started)
        assert len(results.cases) == args.objects and not results.problems
    print(
        f"junit: {args.objects:,} cases in {results.files} files read in "
        f"{_median_ms(reads):.0f} ms, matched to 100 tests' patterns in "
        f"{_median_ms(matches):.0f} ms (medians of {args.runs} runs)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
