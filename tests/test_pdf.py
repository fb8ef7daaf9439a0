"""The PDF is really compiled: the example project, and a project full of LaTeX specials.

Skipped where XeLaTeX, latexmk or pdftotext are missing (``.ci/run`` installs
them: latexmk texlive-latex-recommended texlive-latex-extra
texlive-fonts-recommended tex-gyre texlive-xetex fonts-freefont-otf poppler-utils).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parent.parent / "example_project"
TOOLS = ("xelatex", "latexmk", "pdftotext", "make")
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]

needs_tex = pytest.mark.skipif(
    bool(MISSING),
    reason=f"PDF tests need {', '.join(MISSING)} (Debian: latexmk texlive-xetex "
    "texlive-latex-extra fonts-freefont-otf poppler-utils; .ci/run installs them)",
)

#: an overfull line longer than this (in points) is text running off the page
CUT = 30.0


def build_pdf(srcdir: Path, outdir: Path, *options: str) -> tuple[Path, str]:
    """Run ``sphinx-build -M latexpdf`` as ``make pdf`` does.

    :return: the PDF and the LaTeX log
    """
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-M", "latexpdf", str(srcdir), str(outdir), "-q",
         "-D", "latex_engine=xelatex", *options],
        capture_output=True, text=True, timeout=900, check=False,
    )
    latex = outdir / "latex"
    assert proc.returncode == 0, f"latexpdf failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    pdfs = [p for p in latex.glob("*.pdf") if not p.name.startswith(("graphviz-", "plantuml-"))]
    assert len(pdfs) == 1, pdfs
    log = pdfs[0].with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    return pdfs[0], log


def pdf_text(pdf: Path) -> str:
    """The text of *pdf*, as pdftotext reads it (reading order, no layout)."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True, encoding="utf-8").stdout


def overfull(log: str) -> list[float]:
    """The widths of the overfull boxes LaTeX reported, largest first."""
    return sorted((float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)),
                  reverse=True)


@needs_tex
def test_example_project_pdf(tmp_path):
    pdf, log = build_pdf(EXAMPLE, tmp_path / "build")
    assert pdf.stat().st_size > 50_000
    text = " ".join(pdf_text(pdf).split())
    # the registers: overview, risk register and heat map, API index, timeline
    for fragment in ("All implementation plans", "Risk heat map", "Endpoints of all plans",
                     "Payment Methods timeline", "Severity = impact × likelihood",
                     "/api/v1/payment-methods", "Database performance degradation",
                     "Roles and permissions", "Database tables"):
        assert fragment in text, fragment
    assert "→" in text and "■" in text and "◆" in text
    assert "Missing character" not in log
    assert not [w for w in overfull(log) if w > CUT], f"text runs off the page: {overfull(log)[:5]}"


SPECIALS_CONF = """\
extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence"]
project = "Spécials"
latex_engine = "xelatex"
latex_elements = {"papersize": "a4paper"}
"""

# (MyST reads option values as YAML: " #" would start a comment there)
SPECIALS_INDEX = """\
# Plan à réviser

:::{plan} Paiements & façades #1
:id: 001
:status: in-review
:owner: Équipe Zoë_Ünal ~50% {core}

Café crème: ≥ 99.9% ✓ — a → b, 100$ & 5^2 \\\\ back_slash.
:::

:::{plan-risk} Dépassement de coût ≥ 10% & délai
:id: R-1
:impact: high
:likelihood: medium
:mitigation: Suivi hebdo ✓ → escalade (#ops) {budget} ~ $ ^ _
:owner: José Núñez
:::

:::{plan-phase} Phase très longue
:id: P-1
:weeks: 1-18
:status: in-progress

- [x] Étape ✓
- [ ] Dernière étape → fin
:::

:::{plan-phase} Jalon
:id: P-2
:weeks: 19
:milestone:
:depends-on: P-1
:::

:::{plan-endpoint} GET /api/v1/façades/{id}
:summary: Lire une façade ≥ v2
:auth: bearer

:::{plan-response} 200 OK
La façade.
:::
:::

:::{plan-risk-register}
:columns: id, title, impact, likelihood, severity, mitigation, owner, status
:::

:::{plan-risk-matrix}
:::

:::{plan-timeline}
:::

:::{plan-api-index}
:::
"""


@needs_tex
def test_specials_and_non_ascii(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(SPECIALS_CONF, encoding="utf-8")
    (src / "index.md").write_text(SPECIALS_INDEX, encoding="utf-8")
    pdf, log = build_pdf(src, tmp_path / "build")
    text = " ".join(pdf_text(pdf).split())
    for fragment in ("Paiements & façades #1", "≥ 99.9% ✓", "a → b", "100$ & 5^2",
                     "back_slash", "Équipe Zoë_Ünal ~50% {core}", "José Núñez",
                     "Suivi hebdo ✓ → escalade (#ops) {budget} ~ $ ^ _",
                     "Dépassement de coût ≥ 10% & délai", "/api/v1/façades/{id}",
                     "■", "◆", "W18"):
        assert fragment in text, fragment
    assert "Missing character" not in log
    # an 18-week timeline and an 8-column register fit the page
    assert not [w for w in overfull(log) if w > CUT], overfull(log)[:5]


def test_latex_layout(make_app, rootdir, tmp_path):
    """The LaTeX-only transform, checked in the .tex (no TeX needed)."""
    app = make_app("latex", srcdir=rootdir / "test-basic", builddir=tmp_path)
    app.build()
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    # measured, ragged-right columns instead of tabulary's squeezing
    assert r">{\raggedright\arraybackslash}\X{" in tex
    # heat-map colours, with the legend on the same colours
    assert r"\cellcolor[HTML]{F4B4B0}" in tex and r"\colorbox[HTML]{CDEBD3}{" in tex
    # timeline bars coloured by status
    assert r"\cellcolor[HTML]{8FD19E}" in tex and r"\cellcolor[HTML]{9EC5F8}" in tex
    assert "\\begingroup" in tex and "\\endgroup" in tex
    assert tex.count("\\begingroup") == tex.count("\\endgroup")
