"""The PDF is really compiled, with every LaTeX engine Sphinx supports.

The example project and a project full of LaTeX specials and non-ASCII text
compile with pdflatex (Sphinx's default), xelatex and lualatex; a 104-week
timeline keeps every label and stays on the page. Skipped where an engine,
latexmk or pdftotext is missing (``.ci/run`` installs them: latexmk
texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended
tex-gyre texlive-xetex texlive-luatex fonts-freefont-otf poppler-utils).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parent.parent / "example_project"
TIMELINE = Path(__file__).parent / "roots" / "test-timeline"
ENGINES = ("pdflatex", "xelatex", "lualatex")
needs_tex = pytest.mark.tools("latexmk", "pdftotext", "make")


def engine_param(engine: str):
    """A parameter that skips where *engine* is not installed (fails with ``CI=true``)."""
    return pytest.param(engine, id=engine, marks=pytest.mark.tools(engine))


ALL_ENGINES = [engine_param(e) for e in ENGINES]

#: an overfull line longer than this (in points) is text running off the page
CUT = 30.0


def build_pdf(srcdir: Path, builddir: Path, engine: str, *options: str) -> tuple[Path, str, str]:
    """Write the LaTeX of *srcdir* for *engine* and compile it, as ``make latexpdf`` does.

    Builds for several engines share ``builddir/doctrees`` (the engine does not
    change what is read) and each has its own LaTeX directory.

    :return: the PDF, the LaTeX log and the .tex source
    """
    latex = builddir / engine
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "latex",
            "-q",
            "-d",
            str(builddir / "doctrees"),
            "-D",
            f"latex_engine={engine}",
            *options,
            str(srcdir),
            str(latex),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, f"sphinx failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    make = subprocess.run(
        ["make", "-C", str(latex), "all-pdf"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    pdfs = [p for p in latex.glob("*.pdf") if not p.name.startswith(("graphviz-", "plantuml-"))]
    log = pdfs[0].with_suffix(".log") if pdfs else next(latex.glob("*.log"), None)
    assert make.returncode == 0 and len(pdfs) == 1, (
        f"{engine} failed:\n{make.stdout[-3000:]}\n"
        + "\n".join(
            line
            for line in (log.read_text(errors="replace") if log else "").splitlines()
            if line.startswith("!")
        )[:3000]
    )
    tex = pdfs[0].with_suffix(".tex").read_text(encoding="utf-8")
    return pdfs[0], pdfs[0].with_suffix(".log").read_text(encoding="utf-8", errors="replace"), tex


def pdf_text(pdf: Path) -> str:
    """The text of *pdf*, as pdftotext reads it (reading order, no layout)."""
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    ).stdout


def overfull(log: str) -> list[float]:
    """The widths of the overfull boxes LaTeX reported, largest first."""
    return sorted(
        (float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)),
        reverse=True,
    )


@pytest.fixture(scope="module")
def example_builds(tmp_path_factory):
    """One build directory for the example project, shared by the engines."""
    return tmp_path_factory.mktemp("example")


@needs_tex
@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_example_project_pdf(example_builds, engine):
    pdf, log, tex = build_pdf(EXAMPLE, example_builds, engine)
    assert pdf.stat().st_size > 50_000
    text = " ".join(pdf_text(pdf).split())
    # the registers: overview, risk register and heat map, API index, timeline
    for fragment in (
        "All implementation plans",
        "Risk heat map",
        "Endpoints of all plans",
        "Payment Methods timeline",
        "Severity = impact × likelihood",
        "/api/v1/payment-methods",
        "Database performance degradation",
        "Roles and permissions",
        "Database tables",
        "Planned end: week 7",
        "2/3 done (67%)",
    ):
        assert fragment in text, fragment
    # the timeline's marks are macros the package sets in every engine, never the glyphs
    assert "\\sphinxplanbar{}" in tex and "\\sphinxplanmilestone{}" in tex
    assert "■" not in tex and "◆" not in tex
    if engine != "pdflatex":
        # Unicode engines set the glyphs themselves (copy and search find them)
        assert "■" in text and "◆" in text
    assert "→" in text
    assert "Missing character" not in log
    assert not [w for w in overfull(log) if w > CUT], f"text runs off the page: {overfull(log)[:5]}"


SPECIALS_CONF = """\
extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence"]
project = "Spécials"
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
@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_specials_and_non_ascii(tmp_path, engine):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(SPECIALS_CONF, encoding="utf-8")
    (src / "index.md").write_text(SPECIALS_INDEX, encoding="utf-8")
    pdf, log, _ = build_pdf(src, tmp_path / "build", engine)
    text = " ".join(pdf_text(pdf).split())
    for fragment in (
        "Paiements & façades #1",
        "≥ 99.9%",
        "a → b",
        "100$ & 5^2",
        "back_slash",
        "Équipe Zoë_Ünal ~50% {core}",
        "José Núñez",
        "Suivi hebdo",
        "→ escalade (#ops) {budget} ~ $ ^ _",
        "Dépassement de coût ≥ 10% & délai",
        "/api/v1/façades/{id}",
        "W18",
    ):
        assert fragment in text, fragment
    if engine == "xelatex":
        # Sphinx sets ✓ as amssymb's \checkmark; only xelatex's PDF maps it back to text
        assert "≥ 99.9% ✓" in text and "Suivi hebdo ✓ → escalade" in text
    assert "Missing character" not in log
    # an 18-week timeline and an 8-column register fit the page
    assert not [w for w in overfull(log) if w > CUT], overfull(log)[:5]


CHECKLIST_CONF = """\
extensions = ["myst_parser", "sphinxcontrib_plan"]
myst_enable_extensions = ["colon_fence", "tasklist"]
latex_elements = {"papersize": "a4paper"}
"""
#: the same checklist twice: MyST's tasklist items and plain "[ ]" text items (reST's form)
CHECKLIST_INDEX = """\
# Checklists

:::{plan} Invoice Export
:id: T1
:::

:::{plan-check} Data model
:area: data

- [ ] invoice_exports table
- [x] Migration reviewed
:::

```{eval-rst}
.. plan-check:: Rollout
   :area: rollout

   - [ ] Feature flag on
   - [x] Runbook written
```
"""


def checklist_project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(CHECKLIST_CONF, encoding="utf-8")
    (src / "index.md").write_text(CHECKLIST_INDEX, encoding="utf-8")
    return src


def test_checklists_are_boxes_in_the_latex(tmp_path):
    src = checklist_project(tmp_path)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "latex",
            "-W",
            "-q",
            str(src),
            str(tmp_path / "latex"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    (tex_file,) = (tmp_path / "latex").glob("*.tex")
    tex = tex_file.read_text(encoding="utf-8")
    # each list is a plan-checklist (no bullets), each item's box a macro of the package
    assert tex.count(r"\begin{sphinxuseclass}{plan-checklist}") == 2
    # Sphinx 9 nests a \DUrole per class, older releases (7.4) join the classes with commas
    assert len(re.findall(r"\\DUrole\{(?:plan-checkbox,)?plan-checkbox-open\}", tex)) == 2
    assert len(re.findall(r"\\DUrole\{(?:plan-checkbox,)?plan-checkbox-done\}", tex)) == 2
    sty = (tmp_path / "latex" / "sphinxcontribplan.sty").read_text(encoding="utf-8")
    for macro in (
        r"\@namedef{DUroleplan-checkbox-open}",
        r"\@namedef{DUroleplan-checkbox-done}",
        r"\newenvironment{sphinxclassplan-checklist}",
        "ActualText",
    ):
        assert macro in sty, macro


@needs_tex
@pytest.mark.parametrize("engine", ALL_ENGINES)
def test_checklists_print_as_boxes(tmp_path, engine):
    pdf, log, _ = build_pdf(checklist_project(tmp_path), tmp_path / "build", engine)
    text = " ".join(pdf_text(pdf).split())
    # a box, read back as its character whether drawn (pdflatex) or set from the font
    for item in (
        "☐ invoice_exports table",
        "☑ Migration reviewed",
        "☐ Feature flag on",
        "☑ Runbook written",
    ):
        assert item in text, (item, text)
    assert "[ ]" not in text and "[x]" not in text and "•" not in text
    assert "Missing character" not in log


@needs_tex
@pytest.mark.parametrize("engine", [engine_param("pdflatex")])
def test_104_week_timeline_keeps_every_label_on_the_page(tmp_path, engine):
    pdf, log, _ = build_pdf(TIMELINE, tmp_path, engine)
    # upright labels come out of pdftotext one per line
    lines = {line.strip() for line in pdf_text(pdf).splitlines()}
    blocks = [f"W{n}–{n + 3}" for n in range(1, 105, 4)]
    months = [
        f"{y}-{m:02d}"
        for y, m in [(2024, m) for m in range(1, 13)] + [(2025, m) for m in range(1, 7)]
    ]
    weeks = [f"W{n}" for n in range(1, 13)]
    for label in (*blocks, *months, *weeks):
        assert label in lines, label
    assert not [w for w in overfull(log) if w > CUT], f"text runs off the page: {overfull(log)[:5]}"


def _long_code_project(src: Path, lines: int) -> None:
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinxcontrib_plan"]\n'
        'myst_enable_extensions = ["colon_fence"]\nproject = "Long"\n',
        encoding="utf-8",
    )
    body = "\n".join(f'  "field_{i}": "value {i}",' for i in range(lines))
    (src / "index.md").write_text(
        f"""# Long code

:::{{plan}} P
:id: p
:::

::::{{plan-endpoint}} GET /things
:::{{plan-response}} 200 OK
```json
{{{{
{body}
}}}}
```
:::
::::
""",
        encoding="utf-8",
    )


@needs_tex
@pytest.mark.parametrize("engine", [engine_param("pdflatex")])
def test_long_code_block_in_a_response_breaks_across_pages(tmp_path, engine):
    # 1,500 lines: taller than TeX's largest dimension, had it been one block
    _long_code_project(tmp_path / "src", 1500)
    pdf, log, tex = build_pdf(tmp_path / "src", tmp_path / "build", engine)
    # 1,502 lines with the braces: six blocks of at most 300
    assert tex.count("\\begin{sphinxVerbatim}") == 6
    assert "\\begin{sphinxuseclass}{plan-response}" in tex
    lines = pdf_text(pdf)
    assert all(f'"field_{i}"' in lines for i in range(1500))
    assert lines.count("\f") > 20


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
    # objects: fields as a borderless two-column table, the package loaded and copied
    assert "\\begin{description}" not in tex
    assert "\\usepackage{sphinxcontribplan}" in tex
    assert (Path(app.outdir) / "sphinxcontribplan.sty").read_bytes() == (
        Path(__file__).parent.parent / "sphinxcontrib_plan" / "static" / "sphinxcontribplan.sty"
    ).read_bytes()
    # the timeline's marks are macros, and no glyph an engine may lack is written
    assert "\\sphinxplanbar{}" in tex and "■" not in tex
