"""Page weight: docutils nodes and HTML bytes per object of one flavour's build.

``python -m bench.weight SRCDIR OUTDIR`` builds *SRCDIR* to HTML in-process
with one extra handler, the last of every ``doctree-resolved`` handler, that
counts the nodes of each resolved tree: the tree the HTML writer then walks,
after every transform and post-transform, with the nodes a finished collector
holds aside for the writer (:mod:`sphinxcontrib_plan.render.finished`) in
place of their holder. It prints ``{"nodes": N, "pages":
P}`` as JSON. The count is taken in a build of its own, never in a timed one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bench.build import subprocess_env

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parents[1]


def html_bytes(outdir: Path) -> int:
    """Bytes of every HTML page of a build (Sphinx's index and search pages included).

    :param outdir: the HTML output directory
    :return: the total size
    """
    return sum(p.stat().st_size for p in outdir.rglob("*.html") if ".doctrees" not in p.parts)


def count_nodes(srcdir: Path, outdir: Path) -> int:
    """Build *srcdir* once in a subprocess and count the resolved trees' nodes.

    :param srcdir: the corpus
    :param outdir: a scratch output directory
    :return: nodes of every resolved document
    """
    run = subprocess.run(
        [sys.executable, "-m", "bench.weight", str(srcdir), str(outdir)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=subprocess_env(),
    )
    return int(json.loads(run.stdout.splitlines()[-1])["nodes"])


def written(node: nodes.Node) -> int:
    """The nodes the HTML writer visits in *node*: a finished collector's holder
    counts as the nodes it holds.

    :param node: a resolved tree or one of its nodes
    :return: the count
    """
    from sphinxcontrib_plan.render.nodes import plan_finished

    if isinstance(node, plan_finished):
        return sum(written(part) for part in node.held)
    return 1 + sum(written(child) for child in node.children)


def _build(srcdir: Path, outdir: Path) -> dict[str, int]:
    from sphinx.application import Sphinx

    counts = {"nodes": 0, "pages": 0}

    def count(app: Sphinx, doctree: nodes.document, docname: str) -> None:
        counts["nodes"] += written(doctree)
        counts["pages"] += 1

    app = Sphinx(
        str(srcdir), str(srcdir), str(outdir), str(outdir / ".doctrees"), "html", status=None
    )
    app.connect("doctree-resolved", count, priority=10_000)
    app.build(force_all=True)
    return counts


if __name__ == "__main__":
    print(json.dumps(_build(Path(sys.argv[1]), Path(sys.argv[2]))))
