"""Shared fixtures: Sphinx's own testing fixtures over the roots in tests/roots."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from sphinx.util.console import nocolor as _nocolor


def pytest_configure(config: pytest.Config) -> None:
    """Silence MyST-Parser's own use of an API Sphinx 9 deprecates.

    ``MystReferenceResolver.app`` warns ``RemovedInSphinx11Warning`` in every
    in-process build: a warning of MyST-Parser's, not of this project, which
    would bury ours in the summary. The class exists from Sphinx 9 only, so
    the filter is added only where it does.
    """
    config.addinivalue_line(
        "markers",
        "tools(*names): the test runs system programs (require_tool skips or, "
        "with CI=true, fails it when one is missing)",
    )
    try:
        from sphinx.deprecation import RemovedInSphinx11Warning  # noqa: F401
    except ImportError:
        return
    config.addinivalue_line(
        "filterwarnings",
        "ignore:'myst_parser.sphinx_ext.myst_refs.MystReferenceResolver.app' is deprecated"
        ":sphinx.deprecation.RemovedInSphinx11Warning",
    )


pytest_plugins = ("sphinx.testing.fixtures",)

ROOTS = Path(__file__).parent / "roots"

#: what the epub builder warns about when a project lacks it
EPUB_CONF = {"version": "1.0", "copyright": "2024, the authors"}


#: the date every test builds at unless it sets its own: review dates in the test
#: roots lie after it, so none is overdue (``plan.overdue``) whatever day the suite runs
BUILD_DATE_EPOCH = "1704067200"  # 2024-01-01 UTC


# set for the whole session, as session-scoped fixtures build projects too
os.environ["SOURCE_DATE_EPOCH"] = BUILD_DATE_EPOCH
# Sphinx colours its output (a process-wide switch) where it believes a terminal
# is, and CI=true makes it believe so: the tests read plain text in every setting
os.environ["NO_COLOR"] = "1"
_nocolor()


@pytest.fixture(autouse=True)
def _build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds are reproducible: "today" is ``SOURCE_DATE_EPOCH``, fixed for the suite
    (and set back after a test that moves it)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_DATE_EPOCH)


@pytest.fixture(autouse=True)
def _check_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """``sphinx-plan check`` keeps its environment under the user's cache directory:
    the tests' go to a temporary one."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where ``@pytest.mark.sphinx(testroot=...)`` finds its projects."""
    return ROOTS


@pytest.fixture
def make_app(make_app):
    """Sphinx's ``make_app``, clearing the previous app's docutils registrations first.

    Sphinx cleans the global docutils state only when the test ends: a test
    building several projects would otherwise get "already registered"
    warnings in every build after the first.
    """
    made = []

    def make(*args, **kwargs):
        for app in made:
            app.cleanup()
        made.append(make_app(*args, **kwargs))
        return made[-1]

    return make


#: how Sphinx starts a record of its warning stream, after the location if any
_LEVEL = re.compile(r"(?:^|: )(?:WARNING|ERROR|CRITICAL|SEVERE): ")
#: the colours Sphinx gives the lines when its output is colourful
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def warning_lines(text: str) -> list[str]:
    """Every warning and error in a warning stream's text, one line each.

    A record's continuation lines (a literal block quoted by docutils) are left
    out, and colours removed.
    """
    lines = (_ANSI.sub("", line) for line in text.splitlines())
    return [line for line in lines if _LEVEL.search(line)]


def build_warnings(app) -> list[str]:
    """Every warning and error of a build (Sphinx's, docutils', MyST's, ours), one line each."""
    return warning_lines(app.warning.getvalue())


def plan_warnings(app, *, expected: tuple[str, ...] = ()) -> list[str]:
    """The ``[plan.*]`` warnings of a build, which must have no other warning.

    :param expected: fragments of the other warnings the test expects, each
        of which must occur; any other warning or error fails the test
    :return: the ``[plan.*]`` lines
    """
    lines = build_warnings(app)
    for fragment in expected:
        assert any(fragment in line for line in lines), f"no warning with {fragment!r}"
    unexpected = [
        line
        for line in lines
        if "[plan." not in line and not any(fragment in line for fragment in expected)
    ]
    assert not unexpected, "warnings other than plan.*:\n" + "\n".join(unexpected)
    return [line for line in lines if "[plan." in line]


def load_plan_json(app) -> dict:
    """The ``plan.json`` written by a build."""
    return json.loads((Path(app.outdir) / "plan.json").read_text(encoding="utf-8"))


# -- system tools --------------------------------------------------------------

#: the system programs tests run, and the Debian package that installs each
#: (``.ci/run`` installs them all; a machine with only Python skips those tests)
TOOL_PACKAGES = {
    "dot": "graphviz",
    "latexmk": "latexmk",
    "pdflatex": "texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended tex-gyre",
    "xelatex": "texlive-xetex fonts-freefont-otf",
    "lualatex": "texlive-luatex fonts-freefont-otf",
    "pdftotext": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "chromium": "chromium",
    "make": "make",
    "openssl": "openssl",
    "soffice": "libreoffice-calc-nogui",
}
#: how every skip for a missing tool starts, so the summary can find them
TOOL_SKIP = "needs "


def in_ci() -> bool:
    """Whether this run is CI's (``CI=true``), where every system tool must be installed."""
    return os.environ.get("CI", "").lower() == "true"


def tool_problem(*names: str) -> str | None:
    """What is missing of the programs *names*, or ``None`` when all are on ``PATH``.

    :param names: program names, keys of :data:`TOOL_PACKAGES`
    :return: ``needs dot (apt-get install graphviz)`` or ``None``
    """
    missing = [name for name in names if shutil.which(name) is None]
    if not missing:
        return None
    packages = dict.fromkeys(" ".join(TOOL_PACKAGES.get(name, name) for name in missing).split())
    return f"{TOOL_SKIP}{', '.join(missing)} (apt-get install {' '.join(packages)})"


def require_tool(*names: str) -> None:
    """Skip the running test unless every program of *names* is on ``PATH``.

    With ``CI=true`` the test fails instead: CI installs every tool
    (``.ci/run``), so a skip there would hide a test that never ran.

    :param names: program names, keys of :data:`TOOL_PACKAGES`
    """
    problem = tool_problem(*names)
    if problem is None:
        return
    if in_ci():
        pytest.fail(f"CI=true and a system tool is missing: {problem}", pytrace=False)
    # reported at the test, as a skipif mark is, rather than at this line
    raise pytest.skip.Exception(problem, _use_item_location=True)


def has_tool(name: str) -> bool:
    """Whether *name* is on ``PATH``, for a test whose other assertions need no tool.

    With ``CI=true`` a missing tool fails the test, as in :func:`require_tool`.
    """
    if tool_problem(name) is None:
        return True
    if in_ci():
        require_tool(name)
    return False


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """``@pytest.mark.tools("dot", ...)``: :func:`require_tool` before the test."""
    names = [name for mark in item.iter_markers("tools") for name in mark.args]
    if names:
        require_tool(*dict.fromkeys(names))


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config):
    """One line listing what was skipped and why, missing system tools first.

    It comes after pytest's own summary (so just above the final counts).
    """
    result = yield
    reports = terminalreporter.stats.get("skipped", [])
    if not reports:
        return result
    reasons = Counter(_skip_reason(report) for report in reports)
    ordered = sorted(reasons.items(), key=lambda item: (not item[0].startswith(TOOL_SKIP), item[0]))
    listing = "; ".join(f"{count} {reason}" for reason, count in ordered)
    terminalreporter.write_line(f"skipped {len(reports)}: {listing}")
    return result
