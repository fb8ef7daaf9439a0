"""The garbage collector around a build (:mod:`sphinxcontrib_plan.model.gcpolicy`).

Held blocks give their objects to the oldest generation; the collector is
held from ``env-updated`` to the first page resolved and given back however
the build ends; the last collection at exit walks nothing. The build tests
run real projects and look at the collector from the events a user's own
extension would connect.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOTS

from sphinxcontrib_plan.model.gcpolicy import held_collector


@pytest.fixture
def collector():
    """The collector on, nothing frozen; as it was afterwards."""
    enabled = gc.isenabled()
    gc.enable()
    assert gc.get_freeze_count() == 0
    yield
    gc.unfreeze()
    (gc.enable if enabled else gc.disable)()


def _in_generation(objects: list[object], generation: int) -> bool:
    ids = {id(o) for o in gc.get_objects(generation=generation)}
    return all(id(o) in ids for o in objects)


def test_a_held_block_hands_what_it_made_to_the_oldest_generation(collector):
    with held_collector():
        assert not gc.isenabled()
        made = [[i] for i in range(5000)]
    assert gc.isenabled()
    assert _in_generation(made, 2)
    assert gc.get_count()[0] < 5000  # the youngest generation is not all of it


def test_objects_frozen_by_others_stay_frozen(collector):
    before = [[1], [2]]
    gc.freeze()
    with held_collector():
        made = [[3]]
    # not handed back to the generations (the count itself moves as frozen
    # objects die), and what the block made is not frozen
    assert gc.get_freeze_count() > 0
    assert not _in_generation(before, 2)
    assert id(made[0]) in {id(o) for o in gc.get_objects()}


def test_a_collector_switched_off_stays_off(collector):
    gc.disable()
    with held_collector():
        pass
    assert not gc.isenabled()
    with pytest.raises(ValueError, match="inside"), held_collector():
        raise ValueError("inside")
    assert not gc.isenabled()
    gc.enable()
    with pytest.raises(ValueError, match="inside"), held_collector():
        raise ValueError("inside")
    assert gc.isenabled()


def _probed_build(make_app, srcdir: Path, outdir: Path, **kwargs) -> tuple[object, list]:
    app = make_app("html", srcdir=srcdir, builddir=outdir, **kwargs)
    seen: list[tuple[str, bool]] = []
    app.connect(
        "env-check-consistency", lambda app, env: seen.append(("consistency", gc.isenabled()))
    )
    app.connect(
        "doctree-resolved", lambda app, doctree, docname: seen.append(("resolved", gc.isenabled()))
    )
    app.connect("build-finished", lambda app, exc: seen.append(("finished", gc.isenabled())))
    return app, seen


def test_held_from_env_updated_to_the_first_page(make_app, tmp_path, collector):
    app, seen = _probed_build(make_app, ROOTS / "test-basic", tmp_path / "out")
    app.build()
    # Sphinx pickles the environment and checks its consistency with the collector
    # held; it is back for every page (the plan's handler runs first) and after
    assert ("consistency", False) in seen
    assert {on for what, on in seen if what == "resolved"} == {True}
    assert seen[-1] == ("finished", True)
    assert gc.isenabled()
    # nothing to read: env-updated still runs, and the collector comes back
    app, seen = _probed_build(make_app, ROOTS / "test-basic", tmp_path / "out")
    app.build()
    assert seen[-1] == ("finished", True)
    assert gc.isenabled()


def test_what_is_read_is_frozen_until_env_updated(make_app, tmp_path, collector):
    app = make_app("html", srcdir=ROOTS / "test-basic", builddir=tmp_path / "out")
    frozen: list[tuple[str, int]] = []
    # after the plan's own handler (400): the document just read is frozen
    app.connect(
        "doctree-read",
        lambda app, doctree: frozen.append(("read", gc.get_freeze_count())),
        priority=900,
    )
    app.connect(
        "env-check-consistency", lambda app, env: frozen.append(("pickled", gc.get_freeze_count()))
    )
    app.build()
    read = [count for what, count in frozen if what == "read"]
    assert len(read) > 1
    assert all(count > 0 for count in read)
    assert frozen[-1] == ("pickled", 0)  # all of it back before the pages are written
    assert gc.get_freeze_count() == 0


def test_given_back_when_the_build_fails(make_app, tmp_path, collector):
    app, seen = _probed_build(make_app, ROOTS / "test-basic", tmp_path / "out")

    def fail(app, env) -> None:
        raise RuntimeError("a broken extension")

    app.connect("env-check-consistency", fail)
    with pytest.raises(Exception, match="a broken extension"):
        app.build()
    assert ("consistency", False) in seen
    assert gc.isenabled()


def test_the_last_collection_at_exit_walks_nothing(tmp_path):
    """``sphinx-build`` as a user runs it: at exit, after the plan's handler, the
    heap is frozen (the interpreter's last collection skips it)."""
    probe = (
        "import atexit, gc, sys\n"
        # registered first, so it runs last
        "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > 0))\n"
        "from sphinx.cmd.build import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "-q", "-b", "html", str(ROOTS / "test-basic"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "frozen at exit: True"
