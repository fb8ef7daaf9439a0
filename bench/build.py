"""One ``sphinx-build`` subprocess: wall time, peak memory, warnings, pages written."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Build:
    """What one sphinx-build run cost and said."""

    #: wall-clock seconds, process start to exit
    seconds: float
    #: CPU seconds (user + system) of the build and the workers it waited for; far
    #: less sensitive than wall time to other work competing for the cores
    cpu_seconds: float
    #: 1-minute load average when the build started (other work on the machine)
    load: float
    #: peak resident set size in KiB of the build (its largest process, workers included)
    maxrss_kib: int
    #: exit status
    returncode: int
    #: warning and error lines printed on stderr
    warnings: tuple[str, ...]
    #: the whole stderr, for diagnosis
    stderr: str


def subprocess_env() -> dict[str, str]:
    """The environment of the bench's builds and commands: a fixed hash seed, and the
    corpus's day as the build date (its review dates lie in 2024: builds stand at
    its first day, so none is overdue and the corpus stays warning-free whenever
    the bench runs)."""
    return {**os.environ, "PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "1704067200"}


def sphinx_build(
    srcdir: Path,
    outdir: Path,
    *,
    fresh: bool,
    jobs: int = 1,
    define: dict[str, str] | None = None,
    export_times: Path | None = None,
) -> Build:
    """Run ``python -m sphinx -b html -q`` in a subprocess of the venv's interpreter.

    Peak memory comes from ``os.wait4`` on that very process: its rusage
    covers it and the descendants it waited for (the ``-j`` workers), and
    nothing else the runner started before.

    :param srcdir: the corpus
    :param outdir: the HTML output (doctrees in ``outdir/.doctrees``)
    :param fresh: a full build: ``-E`` into a removed output directory
    :param jobs: ``-j`` value
    :param define: configuration values to override (``-D name=value``)
    :param export_times: run the build through :mod:`bench.exporttime` instead,
        which writes the seconds of the export writer to this file
    :return: the measurements
    """
    if fresh and outdir.exists():
        shutil.rmtree(outdir)
    module = "sphinx" if export_times is None else "bench.exporttime"
    cmd = [sys.executable, "-m", module, "-b", "html", "-q"]
    if fresh:
        cmd.append("-E")
    if jobs > 1:
        cmd += ["-j", str(jobs)]
    for name, value in (define or {}).items():
        cmd += ["-D", f"{name}={value}"]
    cmd += [str(srcdir), str(outdir)]
    log = outdir.parent / f".{outdir.name}.stderr"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = subprocess_env()
    if export_times is not None:
        env["BENCH_EXPORT_TIMES"] = str(export_times)
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(Path(__file__).parent.parent), env.get("PYTHONPATH")])
        )
    load = os.getloadavg()[0]
    with open(log, "w+", encoding="utf-8") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=srcdir.parent
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        # reaped by wait4: tell Popen so it does not wait again
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read()
    warnings = tuple(
        line
        for line in stderr.splitlines()
        if "WARNING" in line or "ERROR" in line or "CRITICAL" in line
    )
    return Build(
        seconds,
        usage.ru_utime + usage.ru_stime,
        load,
        usage.ru_maxrss,
        proc.returncode,
        warnings,
        stderr,
    )


def html_mtimes(outdir: Path) -> dict[str, int]:
    """Modification times of every HTML page of a build.

    :param outdir: the HTML output directory
    :return: relative path to ``st_mtime_ns``
    """
    return {
        p.relative_to(outdir).as_posix(): p.stat().st_mtime_ns
        for p in outdir.rglob("*.html")
        if ".doctrees" not in p.parts
    }


def output_mtimes(outdir: Path) -> dict[str, int]:
    """Modification times of every file a build wrote (pages, exports, static
    files, Sphinx's own), the doctree directory left out.

    :param outdir: the HTML output directory
    :return: relative path to ``st_mtime_ns``
    """
    return {
        p.relative_to(outdir).as_posix(): p.stat().st_mtime_ns
        for p in outdir.rglob("*")
        if p.is_file() and ".doctrees" not in p.parts
    }


def rewritten(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """Pages written between two snapshots (new or with a new mtime).

    :param before: snapshot before the build
    :param after: snapshot after it
    :return: sorted relative paths
    """
    return sorted(p for p, t in after.items() if before.get(p) != t)


def pickle_size(outdir: Path) -> int:
    """Size in bytes of the build's ``environment.pickle``.

    :param outdir: the HTML output directory
    :return: the size, 0 when absent
    """
    path = outdir / ".doctrees" / "environment.pickle"
    return path.stat().st_size if path.exists() else 0


def byte_compile() -> int:
    """Byte-compile the package under test, as installing it does.

    ``pip install`` writes every module's ``.pyc``; an editable checkout run
    with ``PYTHONDONTWRITEBYTECODE`` (set on some machines) never gets them, and
    each build would then compile the extension's ~90 modules from source
    (about 50 ms) while Sphinx and MyST-Parser load compiled. The comparison
    with plain Sphinx is of installed packages on both sides.

    :return: the number of modules of the package
    """
    import compileall

    import sphinxcontrib_plan

    package = Path(sphinxcontrib_plan.__file__).parent
    compileall.compile_dir(package, quiet=1)
    return sum(1 for _ in package.rglob("*.py"))


def parse_size(text: str) -> tuple[int, int]:
    """``DxK`` (documents × objects per document) as ``(D, K)``."""
    docs, _, objects = text.partition("x")
    return int(docs), int(objects)


def run_meta() -> dict[str, str]:
    """What was measured: the commit (and whether the package was edited), versions."""
    import sphinx

    def git(*args: str) -> str:
        run = subprocess.run(
            ["git", *args], capture_output=True, text=True, check=False, cwd=Path(__file__).parent
        )
        return run.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "package_edited": git("status", "--short", "sphinxcontrib_plan"),
        "sphinx": sphinx.__version__,
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
