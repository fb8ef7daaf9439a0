"""Write a :class:`~bench.corpus.Corpus` as MyST sources, in two flavours.

``plan`` uses the extension's directives and collectors. ``plain`` is what a
team would write without it: a heading, a ``(label)=`` target and a field
list per object, ``{ref}`` where plan has roles, and hand-written register
tables listing every object.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

from bench.fieldlist import fieldlist_doc

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from bench.corpus import Corpus, Doc, FieldValue, Obj

CONF = """\
project = "Plan benchmark ({flavour})"
extensions = {extensions!r}
myst_enable_extensions = ["colon_fence", "tasklist", "fieldlist"]
exclude_patterns = ["_build"]
"""

#: collectors of the plan flavour's register page, with their section heading
COLLECTORS = (
    ("Overview", "plan-overview"),
    ("Risk register", "plan-risk-register"),
    ("Risk matrix", "plan-risk-matrix"),
    ("API index", "plan-api-index"),
    ("Timeline", "plan-timeline"),
    ("Sign-offs", "plan-signoff-summary"),
)
#: the page holding the collectors (both flavours)
REGISTERS = "registers"
_RANK = {"low": 1, "medium": 2, "high": 3}
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def display(value: str) -> str:
    """``in-review`` → ``In Review``, as the extension shows enum values."""
    return " ".join(p.capitalize() for p in value.replace("-", " ").split())


def severity(obj: Obj) -> int | None:
    """Impact × likelihood of a risk."""
    i, li = _RANK.get(str(obj.get("impact"))), _RANK.get(str(obj.get("likelihood")))
    return i * li if i and li else None


def _level(score: int) -> str:
    return "High" if score >= 6 else "Medium" if score >= 3 else "Low"


def _body(blocks: list[tuple]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if block[0] == "p":
            out += [block[1], ""]
        elif block[0] == "code":
            out += [f"```{block[1]}", block[2], "```", ""]
        elif block[0] == "checks":
            out += [f"- [{'x' if done else ' '}] {text}" for done, text in block[1]] + [""]
    return out


def _index(corpus: Corpus) -> str:
    names = "\n".join([REGISTERS] + [d.name for d in corpus.docs])
    return f"# Benchmark corpus\n\n```{{toctree}}\n:maxdepth: 1\n\n{names}\n```\n"


# -- plan flavour ---------------------------------------------------------------


def _plan_value(value: FieldValue) -> str:
    return value if isinstance(value, str) else ", ".join(o.id for o in value)


def _plan_object(obj: Obj, depth: int = 3) -> list[str]:
    fence = ":" * (depth + (1 if obj.responses else 0))
    name = "plan" if obj.type == "plan" else f"plan-{obj.type}"
    lines = [f"{fence}{{{name}}} {obj.title}"]
    if obj.explicit_id:
        lines.append(f":id: {obj.id}")
    lines += [f":{k}: {_plan_value(v)}" for k, v in obj.fields]
    lines.append("")
    lines += _body(obj.body)
    for resp in obj.responses:
        lines += _plan_object(resp, depth)
    return [*lines, fence, ""]


def plan_doc(corpus: Corpus, doc: Doc) -> str:
    """The plan-flavour source of one document."""
    refs = ", ".join(
        f"{{plan:{role}}}`{o.title if role == 'endpoint' else o.id}`" for role, o in doc.xrefs
    )
    lines = [
        "---",
        f'plan: "{doc.plan}"',
        "---",
        f"# {doc.title}",
        "",
        f"Related elsewhere: {refs}.",
        "",
    ]
    for obj in doc.objects:
        lines += _plan_object(obj)
    return "\n".join(lines)


def plan_registers(corpus: Corpus) -> str:
    """The plan-flavour register page: one collector per section."""
    lines = ["# Registers", ""]
    for heading, directive in COLLECTORS:
        lines += [f"## {heading}", "", f":::{{{directive}}}", ":::", ""]
    return "\n".join(lines)


# -- plain flavour ----------------------------------------------------------------

_ENUMS = {"status", "impact", "likelihood", "residual", "severity", "type"}
_LISTS = {"permissions", "labels", "buckets"}


def _ref(obj: Obj, text: str | None = None) -> str:
    return f"{{ref}}`{text} <{obj.label}>`" if text else f"{{ref}}`{obj.label}`"


def _plain_value(name: str, value: FieldValue) -> str:
    if not isinstance(value, str):
        return ", ".join(_ref(o) for o in value)
    if name in _ENUMS:
        return display(value)
    if name in _LISTS:
        return ", ".join(f"`{v.strip()}`" for v in value.split(","))
    if name == "weeks":
        return value.replace("-", "–")
    return value


def _plain_fields(obj: Obj) -> list[str]:
    rows = [] if obj.type == "response" else [(":ID:", obj.id)]
    rows += [(f":{k.replace('-', ' ').capitalize()}:", _plain_value(k, v)) for k, v in obj.fields]
    score = severity(obj) if obj.type == "risk" else None
    if score:
        rows.append((":Severity:", f"{_level(score)} ({score})"))
    if obj.checks and obj.type in ("phase", "check"):
        rows.append((":Progress:", f"{obj.checks[0]}/{obj.checks[1]} done"))
    return [f"{k} {v}" for k, v in rows] + [""]


def _plain_object(obj: Obj) -> list[str]:
    lines = [f"({obj.label})=", f"## {obj.title}", ""]
    lines += _plain_fields(obj) + _body(obj.body)
    for resp in obj.responses:
        lines += [f"### {resp.title}", ""] + _plain_fields(resp) + _body(resp.body)
    return lines


def plain_doc(corpus: Corpus, doc: Doc) -> str:
    """The plain-flavour source of one document."""
    refs = ", ".join(_ref(o) for _, o in doc.xrefs)
    lines = [f"# {doc.title}", "", f"Related elsewhere: {refs}.", ""]
    for obj in doc.objects:
        lines += _plain_object(obj)
    return "\n".join(lines)


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return [*out, ""]


def _progress(done: int, total: int) -> str:
    return f"{done}/{total} ({round(100 * done / total)}%)" if total else ""


def _overview(corpus: Corpus) -> list[str]:
    rows = []
    for plan in corpus.plans.values():
        members = [o for o in corpus.all_objects() if o.plan == plan.id]
        checks = [o.checks for o in members if o.type == "phase" and o.checks]
        states = {str(o.get("status")) for o in members if o.type == "signoff"}
        high = sum(
            1
            for o in members
            if o.type == "risk"
            and (severity(o) or 0) >= 6
            and o.get("status") not in ("closed", "accepted")
        )
        signoff = (
            "none"
            if not states
            else "rejected"
            if "rejected" in states
            else "pending"
            if "pending" in states
            else "approved"
        )
        rows.append(
            [
                _ref(plan, plan.id),
                _ref(plan),
                display(str(plan.get("status"))),
                str(plan.get("owner")),
                str(plan.get("updated")),
                _progress(sum(c[0] for c in checks), sum(c[1] for c in checks)),
                str(high),
                str(sum(1 for o in members if o.type == "endpoint")),
                display(signoff),
            ]
        )
    return _table(
        [
            "ID",
            "Title",
            "Status",
            "Owner",
            "Updated",
            "Progress",
            "Open high risks",
            "Endpoints",
            "Sign-off",
        ],
        rows,
    )


def _register(corpus: Corpus) -> list[str]:
    risks = sorted(corpus.of_type("risk"), key=lambda r: (-(severity(r) or 0), r.id))
    rows = [
        [
            _ref(r, r.id),
            _ref(r),
            display(str(r.get("impact"))),
            display(str(r.get("likelihood"))),
            f"{_level(severity(r) or 0)} ({severity(r)})",
            display(str(r.get("status"))),
            str(r.get("owner")),
            str(r.get("mitigation")),
        ]
        for r in risks
    ]
    return _table(
        ["ID", "Title", "Impact", "Likelihood", "Severity", "Status", "Owner", "Mitigation"], rows
    )


def _matrix(corpus: Corpus) -> list[str]:
    levels = ("low", "medium", "high")
    rows = []
    for li in reversed(levels):
        cells = [
            ", ".join(
                _ref(r, r.id)
                for r in corpus.of_type("risk")
                if r.get("likelihood") == li and r.get("impact") == im
            )
            for im in levels
        ]
        rows.append([f"**{display(li)}**", *cells])
    return _table(["Likelihood \\ Impact", "Low", "Medium", "High"], rows) + [
        "Severity = impact × likelihood: Low (1–2), Medium (3–4), High (6–9)",
        "",
    ]


def _api(corpus: Corpus) -> list[str]:
    eps = sorted(
        corpus.of_type("endpoint"),
        key=lambda e: (e.title.split(" ", 1)[1], _METHODS.index(e.title.split(" ", 1)[0])),
    )
    rows = [
        [
            f"`{e.title.split(' ', 1)[1]}`",
            _ref(e, e.title.split(" ", 1)[0]),
            str(e.get("summary")),
            str(e.get("auth")),
            " ".join(r.title.split()[0] for r in e.responses),
            _ref(corpus.plans[e.plan], e.plan),
        ]
        for e in eps
    ]
    return _table(["Path", "Method", "Summary", "Auth", "Responses", "Plan"], rows)


def _timeline(corpus: Corpus) -> list[str]:
    out: list[str] = []
    for plan in corpus.plans.values():
        phases = [p for p in corpus.of_type("phase") if p.plan == plan.id]
        rows = [
            [
                _ref(p),
                _plain_value("weeks", str(p.get("weeks"))),
                display(str(p.get("status"))),
                _plain_value("depends-on", p.get("depends-on") or []),
                _progress(*(p.checks or (0, 0))),
            ]
            for p in phases
        ]
        out += [f"**Timeline of plan {plan.id}: {plan.title}**", ""]
        out += _table(["Phase", "Weeks", "Status", "Depends on", "Progress"], rows)
    return out


def _signoffs(corpus: Corpus) -> list[str]:
    signoffs = corpus.of_type("signoff")
    rows = [
        [
            _ref(corpus.plans[s.plan], s.plan),
            _ref(s),
            str(s.get("name")),
            display(str(s.get("status"))),
            str(s.get("date") or ""),
            str(s.get("conditions") or ""),
        ]
        for s in signoffs
    ]
    outstanding = [
        f"{_ref(s, f'{s.plan} / {s.title}')} {display(str(s.get('status')))}"
        for s in signoffs
        if s.get("status") != "approved"
    ]
    return _table(["Plan", "Title", "Name", "Status", "Date", "Conditions"], rows) + [
        "**Outstanding approvals:** " + ", ".join(outstanding)
        if outstanding
        else "No approval outstanding.",
        "",
    ]


def plain_registers(corpus: Corpus) -> str:
    """The plain-flavour register page: hand-written tables of every object."""
    parts: dict[str, Callable[[Corpus], list[str]]] = {
        "Overview": _overview,
        "Risk register": _register,
        "Risk matrix": _matrix,
        "API index": _api,
        "Timeline": _timeline,
        "Sign-offs": _signoffs,
    }
    lines = ["# Registers", ""]
    for heading, make in parts.items():
        lines += [f"## {heading}", "", *make(corpus)]
    return "\n".join(lines)


# -- writing --------------------------------------------------------------------

FLAVOURS: dict[str, tuple[Callable[[Corpus, Doc], str], Callable[[Corpus], str], list[str]]] = {
    "plan": (plan_doc, plan_registers, ["myst_parser", "sphinxcontrib_plan"]),
    "plain": (plain_doc, plain_registers, ["myst_parser"]),
    "fieldlist": (fieldlist_doc, plain_registers, ["myst_parser"]),
}
#: the floor each corpus shape is measured against (bench.corpus.SHAPES)
FLOORS = {"mixed": "plain", "lean": "fieldlist"}


#: alabaster's sidebars without ``navigation.html``, the global table of contents,
#: which resolves the whole toctree on every page: the time of that grows with
#: the square of the page count, in every flavour (``--scale-run --no-global-toc``)
NO_GLOBAL_TOC = 'html_sidebars = {"**": ["about.html", "relations.html", "searchbox.html"]}\n'


def sources(corpus: Corpus, flavour: str, *, global_toc: bool = True) -> dict[str, str]:
    """Every source file of a flavour.

    :param corpus: the content
    :param flavour: ``plan`` or ``plain``
    :param global_toc: keep the theme's global table of contents on every page
    :return: relative path to text
    """
    doc, registers, extensions = FLAVOURS[flavour]
    conf = CONF.format(flavour=flavour, extensions=extensions)
    files = {
        "conf.py": conf if global_toc else conf + NO_GLOBAL_TOC,
        "index.md": _index(corpus),
        f"{REGISTERS}.md": registers(corpus),
    }
    files.update({f"{d.name}.md": doc(corpus, d) for d in corpus.docs})
    return files


def edited_sources(corpus: Corpus, flavour: str, obj: Obj, owner: str) -> dict[str, str]:
    """The files a one-object edit rewrites: *obj*'s owner becomes *owner*.

    The plan flavour edits the object's document only. The plain flavour
    must also edit its hand-written register row, or the register goes stale.

    :param corpus: the content (changed in place)
    :param flavour: ``plan`` or ``plain``
    :param obj: the risk edited
    :param owner: its new owner text
    :return: relative path to new text
    """
    obj.set("owner", owner)
    doc, registers, _ = FLAVOURS[flavour]
    files = {f"{obj.doc}.md": doc(corpus, corpus.doc_of(obj))}
    if flavour != "plan":
        files[f"{REGISTERS}.md"] = registers(corpus)
    return files


def write(files: dict[str, str], srcdir: Path, *, clean: bool = False) -> None:
    """Write files under *srcdir*, rewriting only those whose text differs.

    :param files: relative path to text
    :param srcdir: the source directory
    :param clean: remove *srcdir* first
    """
    if clean and srcdir.exists():
        shutil.rmtree(srcdir)
    srcdir.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = srcdir / rel
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


__all__ = ["FLAVOURS", "FLOORS", "REGISTERS", "edited_sources", "sources", "write"]
