"""The breaking-change catalogue: each case a real source edit, built, exported and diffed.

One project holds every case side by side (each on its own endpoint and
schemas), written in MyST and in reST from the same description; the
``before`` and ``after`` versions are built with ``sphinx-plan export`` and
compared with ``sphinx-plan diff``. Each breaking case must be reported as
breaking on its endpoint, each non-breaking counterpart must not.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from diff_repo import CONF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinxcontrib_plan.cli import main
from sphinxcontrib_plan.diff.classify import classify
from sphinxcontrib_plan.diff.compare import Side, compare, index_objects
from sphinxcontrib_plan.diff.formats import to_json, to_markdown, to_text


@dataclass
class Obj:
    """One directive of the plan: name, argument, options, a JSON code block, children."""

    directive: str
    argument: str
    options: dict[str, str] = field(default_factory=dict)
    schema: dict | None = None
    children: list[Obj] = field(default_factory=list)


def _props(**types: str) -> dict:
    return {name: {"type": typ} for name, typ in types.items()}


def _schema(required: list[str], properties: dict, **extra: object) -> dict:
    return {"type": "object", "required": required, "properties": properties, **extra}


def _endpoint(signature: str, *responses: Obj, **options: str) -> Obj:
    return Obj(
        "plan-endpoint",
        signature,
        options,
        None,
        list(responses) or [Obj("plan-response", "200 OK")],
    )


def objects(after: bool) -> tuple[list[Obj], dict[str, dict]]:
    """The plan's objects and the schema files of one version."""
    a = after
    files = {
        "c13.json": _schema(["name", "size"], _props(name="string", size="integer"))
        if a
        else _schema(["name"], _props(name="string")),
        "c14.json": _schema(["id", "kind"] if a else ["id"], _props(id="string", kind="string")),
    }
    objs = [
        # -- breaking -----------------------------------------------------------
        Obj(
            "plan-schema",
            "C1Req",
            schema=_schema(["name", "reason"], _props(name="string", reason="string"))
            if a
            else _schema(["name"], _props(name="string")),
        ),
        _endpoint("POST /c1", schema="C1Req"),
        _endpoint("GET /c2", query='q:string, limit*:integer "Page size"' if a else "q:string"),
        Obj(
            "plan-schema",
            "C3Resp",
            schema=_schema(
                ["id"], _props(id="string") if a else _props(id="string", total="integer")
            ),
        ),
        _endpoint("GET /c3", Obj("plan-response", "200 OK", {"schema": "C3Resp"})),
        Obj(
            "plan-schema",
            "C4Resp",
            schema=_schema(
                ["id"],
                _props(id="string", full_name="string")
                if a
                else _props(id="string", name="string"),
            ),
        ),
        _endpoint("GET /c4", Obj("plan-response", "200 OK", {"schema": "C4Resp"})),
        Obj(
            "plan-schema",
            "C5Req",
            schema=_schema(["amount"], _props(amount="integer" if a else "string")),
        ),
        _endpoint("POST /c5", schema="C5Req"),
        Obj(
            "plan-schema",
            "C6Req",
            schema=_schema(
                ["format"],
                {"format": {"type": "string", "enum": ["jsonl"] if a else ["csv", "jsonl"]}},
            ),
        ),
        _endpoint("POST /c6", schema="C6Req"),
        _endpoint(
            "GET /c7",
            Obj("plan-response", "200 OK"),
            *([] if a else [Obj("plan-response", "404 Not Found")]),
        ),
        _endpoint(
            "GET /c8",
            Obj(
                "plan-response",
                "200 OK",
                {"content-type": "application/json" if a else "application/json, text/csv"},
            ),
        ),
        *([] if a else [_endpoint("DELETE /c9")]),
        _endpoint("GET /c10", auth="bearer" if a else "none"),
        _endpoint("GET /c11", permissions="orders:read, orders:admin" if a else "orders:read"),
        _endpoint("GET /c12/v2" if a else "GET /c12", id="c12"),
        _endpoint("POST /c13", schema="c13.json"),
        Obj("plan-schema", "C14Req", {"file": "c14.json"}),
        _endpoint("POST /c14", schema="C14Req"),
        Obj(
            "plan-schema",
            "C15Card",
            schema=_schema(
                ["number", "cvc"] if a else ["number"], _props(number="string", cvc="string")
            ),
        ),
        Obj(
            "plan-schema",
            "C15Req",
            schema=_schema(["card"], {"card": {"$ref": "#/components/schemas/C15Card"}}),
        ),
        _endpoint("POST /c15", schema="C15Req"),
        _endpoint("PUT /c16" if a else "GET /c16", id="c16"),
        Obj(
            "plan-schema",
            "C17Item",
            schema=_schema(
                ["id"], _props(id="string") if a else _props(id="string", total="integer")
            ),
        ),
        _endpoint("GET /c17", Obj("plan-response", "200 OK", {"schema": "C17Item[]"})),
        # -- not breaking -------------------------------------------------------
        Obj(
            "plan-schema",
            "N1Req",
            schema=_schema(
                ["name"], _props(name="string", note="string") if a else _props(name="string")
            ),
        ),
        _endpoint("POST /n1", schema="N1Req"),
        Obj(
            "plan-schema",
            "N2Req",
            schema=_schema(
                ["format"],
                {"format": {"type": "string", "enum": ["csv", "jsonl"] if a else ["csv"]}},
            ),
        ),
        _endpoint("POST /n2", schema="N2Req"),
        *([_endpoint("GET /n3")] if a else []),
        Obj(
            "plan-security",
            "c18_key",
            {"id": "C-s18", "type": "api-key", "in": "query" if a else "header", "name": "key"},
        ),
        _endpoint("GET /c18", auth="c18_key"),
        Obj(
            "plan-security",
            "c19_oauth",
            {
                "id": "C-s19",
                "type": "oauth2",
                "flows": "clientCredentials",
                "token-url": "https://auth.example.com/token",
                "scopes": 'orders "Orders"' if a else 'orders "Orders", refunds "Refunds"',
            },
        ),
        _endpoint("GET /c19", auth="c19_oauth" if a else "c19_oauth or c18_key"),
        _endpoint("GET /n5", auth="c19_oauth or c18_key" if a else "c19_oauth"),
        _endpoint(
            "GET /n4",
            Obj("plan-response", "200 OK"),
            *([Obj("plan-response", "404 Not Found")] if a else []),
        ),
    ]
    return objs, files


#: (case, endpoint title or response id, a finding it must have) for the breaking cases
BREAKING = [
    ("new required request field", "POST /c1", "request body: required field added: reason"),
    ("new required parameter", "GET /c2", "required parameter added: limit (query)"),
    ("response property removed", "GET /c3", "response 200: property removed: total"),
    ("response property renamed", "GET /c4", "response 200: property of name renamed to full_name"),
    ("type changed", "POST /c5", "request body: type of amount changed: string → integer"),
    ("enum narrowed", "POST /c6", "request body: enum of format narrowed: csv removed"),
    ("response code removed", "C-get-c7-404", "response 404 removed from GET /c7"),
    ("media type removed", "GET /c8", "response 200: media type text/csv removed"),
    ("endpoint removed", "DELETE /c9", "endpoint removed"),
    ("auth tightened", "GET /c10", "auth tightened: none → bearer"),
    ("permissions tightened", "GET /c11", "permissions tightened: orders:admin now required"),
    ("path changed", "GET /c12/v2", "path changed: /c12 → /c12/v2"),
    ("required field in a :schema: file", "POST /c13", "request body: required field added: size"),
    (
        "required field in a plan-schema :file:",
        "POST /c14",
        "request body: field now required: kind",
    ),
    ("method changed", "PUT /c16", "method changed: GET → PUT"),
    (
        "property removed in an array (Name[])",
        "GET /c17",
        "response 200: property removed: [].total",
    ),
    ("required field behind a $ref", "POST /c15", "request body: field now required: card.cvc"),
    ("security scheme changed", "C-s18", "in changed: header → query"),
    ("scope removed from a security scheme", "C-s19", "scope removed: refunds"),
    (
        "auth tightened, named schemes",
        "GET /c19",
        "auth tightened: c19_oauth or c18_key → c19_oauth",
    ),
]
#: the same for the non-breaking counterparts
NOT_BREAKING = [
    ("new optional field", "POST /n1", "request body: optional field added: note"),
    ("enum widened", "POST /n2", "request body: enum of format widened: jsonl added"),
    ("new endpoint", "GET /n3", "endpoint added"),
    ("new response", "C-get-n4-404", "response added"),
    ("auth widened, named schemes", "GET /n5", "auth changed: c19_oauth → c19_oauth or c18_key"),
]


def _myst(obj: Obj, depth: int) -> list[str]:
    fence = ":" * (3 + depth)
    lines = [f"{fence}{{{obj.directive}}} {obj.argument}"]
    lines += [f":{k}: {v}" for k, v in obj.options.items()]
    if obj.schema is not None:
        lines += ["", "```json", json.dumps(obj.schema), "```"]
    for child in obj.children:
        lines += ["", *_myst(child, depth - 1)]
    return [*lines, fence, ""]


def _rest(obj: Obj, indent: str = "") -> list[str]:
    lines = [f"{indent}.. {obj.directive}:: {obj.argument}"]
    lines += [f"{indent}   :{k}: {v}" for k, v in obj.options.items()]
    if obj.schema is not None:
        lines += [
            "",
            f"{indent}   .. code-block:: json",
            "",
            f"{indent}      {json.dumps(obj.schema)}",
        ]
    for child in obj.children:
        lines += ["", *_rest(child, indent + "   ")]
    return [*lines, ""]


def write_project(root: Path, markup: str, *, after: bool) -> Path:
    """The catalogue project of one version, in MyST or reST."""
    objs, files = objects(after)
    root.mkdir(parents=True)
    (root / "conf.py").write_text(CONF, encoding="utf-8")
    (root / "index.md").write_text("# Catalogue\n\n```{toctree}\nplan\n```\n", encoding="utf-8")
    for name, schema in files.items():
        (root / name).write_text(json.dumps(schema), encoding="utf-8")
    plan = Obj("plan", "Catalogue", {"id": "C"})
    if markup == "myst":
        lines = ["# Catalogue plan", "", *_myst(plan, 0)]
        for obj in objs:
            lines += _myst(obj, 1 if obj.children else 0)
        (root / "plan.md").write_text("\n".join(lines), encoding="utf-8")
    else:
        lines = ["Catalogue plan", "==============", "", *_rest(plan)]
        for obj in objs:
            lines += _rest(obj)
        (root / "plan.rst").write_text("\n".join(lines), encoding="utf-8")
    return root


@pytest.fixture(scope="module", params=["myst", "rest"])
def catalogue(request, tmp_path_factory) -> tuple[str, dict[str, list[dict]], list[str]]:
    """The diff of the two versions in one markup: findings by title, and the two plan.json."""
    markup = request.param
    tmp = tmp_path_factory.mktemp(markup)
    outputs = []
    for version in ("before", "after"):
        source = write_project(tmp / version, markup, after=version == "after")
        target = tmp / f"{version}.json"
        assert main(["export", str(source), "--format", "json", "-o", str(target)]) == 0
        outputs.append(str(target))
    report = tmp / "diff.json"
    code = _diff_json(outputs, report)
    assert code == 0
    data = json.loads(report.read_text(encoding="utf-8"))
    by_title: dict[str, list[dict]] = {}
    for change in data["changes"]:
        key = change["title"] if change["type"] == "endpoint" else change["id"]
        by_title.setdefault(key, []).extend(change["findings"])
    return markup, by_title, outputs


def _diff_json(outputs: list[str], report: Path) -> int:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["diff", *outputs, "--format", "json"])
    report.write_text(out.getvalue(), encoding="utf-8")
    return code


@pytest.mark.parametrize(("case", "title", "message"), BREAKING, ids=[c[0] for c in BREAKING])
def test_breaking_case_is_breaking(catalogue, case, title, message):
    _, by_title, _ = catalogue
    found = by_title.get(title, [])
    assert {"kind": "breaking", "message": message} in [
        {"kind": f["kind"], "message": f["message"]} for f in found
    ], (case, found)


@pytest.mark.parametrize(
    ("case", "title", "message"), NOT_BREAKING, ids=[c[0] for c in NOT_BREAKING]
)
def test_non_breaking_counterpart_is_not_flagged(catalogue, case, title, message):
    _, by_title, _ = catalogue
    found = by_title.get(title, [])
    assert not [f for f in found if f["kind"] == "breaking"], (case, found)
    assert message in [f["message"] for f in found], (case, found)


def test_a_changed_security_scheme_names_the_endpoints_using_it(catalogue):
    _, by_title, _ = catalogue
    assert {"kind": "api", "message": "used by GET /c18, GET /c19, GET /n5"} in [
        {"kind": f["kind"], "message": f["message"]} for f in by_title["C-s18"]
    ]


def test_a_changed_schema_names_the_endpoints_using_it(catalogue):
    _, by_title, _ = catalogue
    schema = next(found for key, found in by_title.items() if key.lower().endswith("c15card"))
    # named through C15Req's $ref: the endpoint is found behind the reference
    assert {"kind": "api", "message": "used by POST /c15"} in [
        {"kind": f["kind"], "message": f["message"]} for f in schema
    ]


#: odd schemas: wrong types where keywords go, references to nowhere or to the root
ODD_SCHEMAS = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=3)
    | st.sampled_from(
        [
            {"$ref": "#"},
            {"$ref": "#/components/schemas/C15Card"},
            {"$ref": "#/components/schemas/Nowhere"},
            {"$ref": 3},
        ]
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "properties",
                    "required",
                    "enum",
                    "items",
                    "allOf",
                    "$ref",
                    "additionalProperties",
                    "a",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(old=ODD_SCHEMAS, new=ODD_SCHEMAS)
def test_any_schema_is_classified_without_an_error(catalogue, old, new):
    """Schemas the build would warn about still reach plan.json: the classifier
    reads whatever they hold and never fails."""
    _, _, outputs = catalogue
    base = json.loads(Path(outputs[0]).read_text(encoding="utf-8"))
    head = copy.deepcopy(base)
    for document, schema in ((base, old), (head, new)):
        for obj in document["objects"]:
            if obj["type"] == "schema":
                obj["data"]["schema"] = schema
            elif obj["type"] in ("endpoint", "response") and obj["data"].get("body"):
                obj["data"]["body"]["schema"] = schema
    diff = compare(base, head, base_side=Side("a", "file"), head_side=Side("b", "file"))
    classify(diff, index_objects(base)[0], index_objects(head)[0])
    assert to_text(diff) and to_markdown(diff) and json.dumps(to_json(diff))
