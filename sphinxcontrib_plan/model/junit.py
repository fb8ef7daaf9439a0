"""Test results from JUnit XML files (``plan_test_results``), matched to ``plan-test``
objects by their ``junit`` patterns.

The files are the reports pytest (``--junitxml``), Maven Surefire, Gradle,
Jest's ``jest-junit`` and go-junit-report write: ``<testsuites>`` or one
``<testsuite>``, holding ``<testcase classname= name= time=>`` elements with a
``<failure>``, ``<error>`` or ``<skipped>`` child when the case did not pass.
They are parsed with defusedxml: a document type declaration (and so any
entity, the "billion laughs" among them) and files over :data:`MAX_BYTES`
are refused, each as a problem reported as a ``plan.results`` warning.
"""

from __future__ import annotations

import bisect
import fnmatch
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinxcontrib_plan.model.index import Finding
from sphinxcontrib_plan.model.limits import MAX_RESULTS_BYTES

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from sphinxcontrib_plan.model.index import ResolvedIndex

#: the largest results file read, in bytes: :data:`~sphinxcontrib_plan.model.limits.MAX_RESULTS_BYTES`
MAX_BYTES = MAX_RESULTS_BYTES
#: outcomes of one test case
OUTCOMES = ("passed", "failed", "skipped")


@dataclass(frozen=True)
class Case:
    """One ``<testcase>`` of a results file."""

    #: ``classname.name`` (``name`` alone without a classname): what ``junit`` patterns match
    id: str
    #: ``passed``, ``failed`` (a failure or an error) or ``skipped``
    outcome: str
    #: seconds the case ran, 0 when not given
    time: float
    #: the file it was read from, relative to the configuration directory
    file: str


@dataclass
class TestResults:
    """Every test case of the results files, and what could not be read."""

    #: the cases in file order (files sorted by path), the last of a repeated id winning
    cases: dict[str, Case] = field(default_factory=dict)
    #: ``(location, message)`` of each file or pattern that could not be read
    problems: list[tuple[str, str]] = field(default_factory=list)
    #: SHA-256 over the files read and their contents: a changed file changes it
    digest: str = ""
    #: how many files were read
    files: int = 0

    def matching(self, patterns: Sequence[str]) -> list[Case]:
        """The cases whose id matches one of *patterns* (``fnmatch`` globs, ``*``, ``?``
        and ``[...]``).

        An id without wildcards is looked up, and ``prefix*`` found by bisection in
        the sorted ids, so that a hundred tests over 10,000 cases stay fast; other
        patterns are matched against every id.

        :param patterns: the ``junit`` values of a test
        :return: the cases, in file order
        """
        if self._sorted is None or len(self._sorted) != len(self.cases):
            self._sorted = sorted(self.cases)
        found: set[str] = set()
        for pattern in patterns:
            head, wild, tail = _split(pattern)
            if not wild:
                found.update([pattern] if pattern in self.cases else [])
                continue
            start = bisect.bisect_left(self._sorted, head)
            end = bisect.bisect_left(self._sorted, head + "\U0010ffff") if head else None
            candidates = self._sorted[start:end]
            if wild == "*" and not tail:
                found.update(candidates)
            else:
                regex = _compiled(pattern)
                found.update(i for i in candidates if regex.match(i))
        return [c for c in self.cases.values() if c.id in found]

    #: the ids sorted, for prefix searches (made on first use)
    _sorted: list[str] | None = field(default=None, repr=False, compare=False)


_WILD = re.compile(r"[*?\[]")


def _split(pattern: str) -> tuple[str, str, str]:
    """``(text before the first wildcard, the wildcard, the rest)``."""
    found = _WILD.search(pattern)
    if found is None:
        return pattern, "", ""
    return pattern[: found.start()], found.group(), pattern[found.end() :]


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(pattern))


def case_summary(cases: Sequence[Case]) -> dict[str, Any]:
    """The derived values of a test from its matched cases.

    :param cases: the cases its patterns match
    :return: ``result`` (``failed`` when one failed, else ``passed`` when one
        passed, else ``skipped``; ``missing`` when none matched), the counts and
        ``run-time`` in seconds
    """
    counts = {outcome: sum(c.outcome == outcome for c in cases) for outcome in OUTCOMES}
    result = next((o for o in ("failed", "passed", "skipped") if counts[o]), "missing")
    return {"result": result, **counts, "run-time": round(sum(c.time for c in cases), 3)}


def find_files(root: Path, patterns: Iterable[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """The files *patterns* name, relative to *root* (``**`` spans folders).

    :param root: the configuration directory
    :param patterns: globs, e.g. ``test-results/*.xml``
    :return: the files sorted by path, and a problem per pattern naming no file
    """
    found: set[Path] = set()
    problems = []
    for pattern in patterns:
        matched = [p for p in root.glob(pattern) if p.is_file()] if pattern.strip() else []
        if not matched:
            problems.append(
                ("conf.py", f"plan_test_results: {pattern!r} names no file (relative to {root})")
            )
        found.update(matched)
    return sorted(found), problems


def read_results(root: Path, patterns: Iterable[str]) -> TestResults:
    """Read the JUnit XML files *patterns* name.

    :param root: the configuration directory (patterns are relative to it)
    :param patterns: the ``plan_test_results`` globs
    :return: the cases, the problems, a digest of the files
    """
    paths, problems = find_files(root, patterns)
    results = TestResults(problems=problems, files=len(paths))
    digest = hashlib.sha256()
    for path in paths:
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                results.problems.append(
                    (
                        name,
                        f"{name}: {size:,} bytes, more than the "
                        f"{MAX_BYTES:,} a results file may have; not read",
                    )
                )
                continue
            data = path.read_bytes()
        except OSError as err:
            results.problems.append((name, f"{name}: cannot be read ({err.strerror or err})"))
            continue
        digest.update(f"{name}\0{len(data)}\0".encode() + data)
        try:
            cases = parse_junit(data, name)
        except JUnitError as err:
            results.problems.append(
                (f"{name}:{err.line}" if err.line else name, f"{name}: {err}; the file is not read")
            )
            continue
        for case in cases:
            results.cases.pop(case.id, None)  # a repeated id: the later run wins, at its place
            results.cases[case.id] = case
    results.digest = digest.hexdigest() if paths else ""
    return results


class JUnitError(Exception):
    """A results file that is not JUnit XML, or that defusedxml refuses."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        #: the line of the problem, 0 when unknown
        self.line = line


def parse_junit(data: bytes, name: str = "") -> list[Case]:
    """The test cases of one JUnit XML document.

    :param data: the file's bytes
    :param name: the file's name, kept on each case
    :return: the cases in document order
    :raises JUnitError: when the XML is malformed, declares a document type or
        entities, or has no ``testsuites``/``testsuite`` root
    """
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        # forbid_dtd: a DOCTYPE is refused before any entity can be declared or expanded
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as err:
        raise JUnitError(
            f"refused by the hardened XML parser ({type(err).__name__}: a "
            "document type, entity or external reference)"
        ) from None
    except ParseError as err:
        line = err.position[0] if getattr(err, "position", None) else 0
        raise JUnitError(f"not well-formed XML ({err})", line) from None
    if root.tag not in ("testsuites", "testsuite"):
        raise JUnitError(f"the root element is <{root.tag}>, not <testsuites> or <testsuite>")
    cases = []
    for element in root.iter("testcase"):
        classname = (element.get("classname") or "").strip()
        title = (element.get("name") or "").strip()
        tags = {child.tag for child in element}
        outcome = (
            "failed"
            if tags & {"failure", "error"}
            else "skipped"
            if "skipped" in tags
            else "passed"
        )
        try:
            # Surefire writes thousands with a comma (1,234.5)
            seconds = float((element.get("time") or "0").replace(",", ""))
        except ValueError:
            seconds = 0.0
        cases.append(
            Case(f"{classname}.{title}" if classname else title, outcome, max(seconds, 0.0), name)
        )
    return cases


def result_findings(index: ResolvedIndex) -> Iterator[Finding]:
    """The results files that could not be read, and the tests whose ``junit``
    patterns match no case of the files that could.

    :param index: the index (its views computed)
    :return: ``plan.results`` findings
    """
    results = index.results
    if results is None:
        return
    for location, message in results.problems:
        yield Finding("results", message, location)
    if not results.cases:
        return
    for test in index.of_type("test"):
        patterns = test.fields.get("junit")
        if patterns and index.view(test).get("result") == "missing":
            yield Finding(
                "results",
                f"test {test.id!r}: junit {', '.join(patterns)} matches "
                f"none of the {len(results.cases):,} test cases of plan_test_results "
                f"(ids are classname.name, e.g. {next(iter(results.cases))!r})",
                test.location,
            )
