"""``python -m bench.exporttime SPHINX-ARGS``: a ``sphinx-build`` with its export writer timed.

The same build as ``python -m sphinx``, in-process, with the handler that
writes the exports at ``build-finished``
(:func:`sphinxcontrib_plan.export.writer.on_build_finished`: making
``plan.json``'s data from the records and streaming it to disk) wrapped in a
timer. Its seconds are written as JSON to the file that ``BENCH_EXPORT_TIMES``
names. The plan index is made before the clock starts: a full build has made
it by then, and a rebuild with nothing to read makes it on first use. The extension connects the handler by its module-level name at setup,
so the wrapper is in place before Sphinx loads the extension.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.cmd.build import main as sphinx_main

from sphinxcontrib_plan.export import writer

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: the environment variable naming the file the seconds go to
TIMES = "BENCH_EXPORT_TIMES"


def main(argv: list[str]) -> int:
    """Run ``sphinx-build`` with *argv*, the export writer timed.

    :param argv: ``sphinx-build``'s arguments
    :return: its exit status
    """
    original = writer.on_build_finished

    def timed(app: Sphinx, exception: BaseException | None) -> None:
        # the index exists at this point of a full build (made at env-updated); a
        # rebuild that read nothing makes it on first use: before the clock starts
        from sphinxcontrib_plan.domain import plan_domain

        _ = plan_domain(app.env).index
        started = time.perf_counter()
        original(app, exception)
        seconds = time.perf_counter() - started
        Path(os.environ[TIMES]).write_text(json.dumps({"seconds": seconds}), encoding="utf-8")

    writer.on_build_finished = timed  # type: ignore[assignment]
    return sphinx_main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
