"""The wheel, as a user installs it: built from the checkout, installed into a fresh
virtual environment, and used there to create and build a project.

No network: the wheel is built with the build backend of this environment
(``pip wheel --no-build-isolation``), and the fresh environment sees this
environment's installed dependencies through a ``.pth`` file, so pip installs
only the wheel itself (``--no-deps --no-index``). ``make dist`` builds the
wheel and the sdist with ``python -m build`` and checks them with twine.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from sphinxcontrib_plan._version import __version__

ROOT = Path(__file__).resolve().parent.parent
#: files the package needs at run time besides its modules
DATA = (
    "sphinxcontrib_plan/py.typed",
    "sphinxcontrib_plan/static/plan.css",
    "sphinxcontrib_plan/static/plan-tables.js",
    "sphinxcontrib_plan/static/sphinxcontribplan.sty",
    "sphinxcontrib_plan/export/schema/plan.schema.json",
    "sphinxcontrib_plan/export/schema/plan-diff.schema.json",
    "sphinxcontrib_plan/templates/new/plan.md.jinja",
    "sphinxcontrib_plan/templates/new/plan.rst.jinja",
    "sphinxcontrib_plan/templates/new/plan.plain.md.jinja",
    "sphinxcontrib_plan/templates/init/conf.py.jinja",
    "sphinxcontrib_plan/templates/init/plans.yml.jinja",
)


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    proc = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )
    assert proc.returncode == 0, f"{args}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _setuptools_or_skip() -> None:
    """Skip unless this environment can build the package without the network."""
    try:
        import setuptools
    except ImportError:
        pytest.skip(
            "building the package without the network needs setuptools>=77 "
            "(pip install -e '.[test]')"
        )
    if int(setuptools.__version__.split(".")[0]) < 77:
        pytest.skip(
            f"building the package without the network needs setuptools>=77, this "
            f"environment has {setuptools.__version__} (pip install -e '.[test]')"
        )


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout's files, so that builds leave nothing in the checkout."""
    _setuptools_or_skip()
    if shutil.which("git") is None:
        pytest.skip("git is not installed: the checkout's files cannot be listed")
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if files.returncode != 0:
        pytest.skip("the checkout is not a git work tree (its files cannot be listed)")
    copy = tmp_path_factory.mktemp("source")
    for name in files.stdout.splitlines():
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            (copy / name).write_bytes((ROOT / name).read_bytes())
    return copy


@pytest.fixture(scope="module")
def wheel(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from the checkout."""
    out = tmp_path_factory.mktemp("wheel")
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-q",
        "-w",
        out,
        source,
        cwd=source,
    )
    (built,) = out.glob("sphinxcontrib_plan-*.whl")
    return built


@pytest.fixture(scope="module")
def sdist(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source distribution, built by the backend as ``python -m build --sdist`` does."""
    out = tmp_path_factory.mktemp("sdist")
    name = (
        run(
            sys.executable,
            "-c",
            "import sys; from setuptools import build_meta; print(build_meta.build_sdist(sys.argv[1]))",
            out,
            cwd=source,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return out / name


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed; its ``bin`` directory."""
    home = tmp_path_factory.mktemp("venv") / "fresh"
    run(getattr(sys, "_base_executable", sys.executable), "-m", "venv", home, cwd=home.parent)
    python = home / "bin" / "python"
    purelib = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=home
        ).stdout.strip()
    )
    # the dependencies, as installed here (not the package itself: this environment's
    # editable install works through .pth files, which a path added this way does not run)
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (purelib / "_test_dependencies.pth").write_text(
        "\n".join(sorted(deps)) + "\n", encoding="utf-8"
    )
    run(python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel, cwd=home)
    return home / "bin"


def test_the_wheel_holds_the_data_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert [name for name in DATA if name not in names] == []
    assert f"sphinxcontrib_plan-{__version__}.dist-info/licenses/LICENSE" in names
    assert not [n for n in names if n.startswith(("tests/", "docs/", "bench/"))]


def test_the_sdist_holds_the_sources_and_data_files(sdist):
    import tarfile

    top = sdist.name.removesuffix(".tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.removeprefix(f"{top}/") for name in archive.getnames()}
    missing = [
        n
        for n in (
            *DATA,
            "LICENSE",
            "README.md",
            "CHANGELOG.md",
            "pyproject.toml",
            "sphinxcontrib_plan/cli/init.py",
        )
        if n not in names
    ]
    assert missing == []


def test_twine_check_passes(wheel, sdist):
    if importlib.util.find_spec("twine") is None:
        pytest.skip("twine is not installed (make dist installs it: pip install twine)")
    proc = run(sys.executable, "-m", "twine", "check", "--strict", wheel, sdist, cwd=wheel.parent)
    assert proc.stdout.count("PASSED") == 2, proc.stdout


def test_installed_wheel_inits_and_builds_a_project(venv, tmp_path):
    where = run(
        venv / "python",
        "-c",
        "import sphinxcontrib_plan; print(sphinxcontrib_plan.__file__)",
        cwd=tmp_path,
    ).stdout.strip()
    assert Path(where).is_relative_to(venv.parent)  # the wheel's copy, not the checkout
    version = run(venv / "sphinx-plan", "--version", cwd=tmp_path).stdout
    assert version == f"sphinx-plan {__version__}\n"
    run(venv / "sphinx-plan", "init", "demo", cwd=tmp_path)
    # sphinx-build is its dependencies' script, not in this environment: the same as a module
    proc = run(
        venv / "python", "-m", "sphinx", "-b", "html", "-W", "demo", "demo/_build", cwd=tmp_path
    )
    assert "build succeeded" in proc.stdout
    html = tmp_path / "demo" / "_build"
    assert (html / "_static" / "plan.css").is_file() and (html / "plan.json").is_file()
    assert "plan-collector-risk-register" in (html / "registers.html").read_text(encoding="utf-8")
