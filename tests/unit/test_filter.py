"""Unit tests of the ``:filter:`` language (no Sphinx)."""

from __future__ import annotations

import ast
import builtins
import io
import itertools
import json
import math
import os
import pickle
import subprocess
import tokenize
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinxcontrib_plan.errors import PlanError
from sphinxcontrib_plan.query import evaluate as evaluate_module
from sphinxcontrib_plan.query import filter as filter_module
from sphinxcontrib_plan.query.evaluate import evaluate
from sphinxcontrib_plan.query.filter import (
    BoolOp,
    Compare,
    Filter,
    FilterError,
    ListLit,
    Literal,
    Name,
    Not,
    QueryError,
    parse_filter,
)

CASES_FILE = Path(__file__).with_name("filter_cases.txt")
DEFAULT_RANKS = {
    "impact": {"low": 1, "medium": 2, "high": 3, "critical": 4},
    "likelihood": {"low": 1, "medium": 2, "high": 3},
}


# ------------------------------------------------------------ the cases file


@dataclass(frozen=True)
class Case:
    line: int
    filter: str
    fields: dict[str, object]
    ranks: dict[str, dict[str, int]]
    expect: str


def load_cases(path: Path) -> list[Case]:
    """Read the blocks of *path*; a malformed block fails collection loudly."""
    cases: list[Case] = []
    block: dict[str, str] = {}
    start = 0
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate([*lines, ""], start=1):
        if line.startswith("#"):
            continue
        if not line.strip():
            if block:
                cases.append(_make_case(path, start, block))
                block = {}
            continue
        key, sep, value = line.partition(":")
        if not sep or key not in ("filter", "fields", "ranks", "expect") or key in block:
            raise ValueError(f"{path.name}:{number}: bad line {line!r}")
        # Only the single space after the colon is syntax; the rest is the value.
        block[key] = value[1:] if value.startswith(" ") else value
        start = start if len(block) > 1 else number
    return cases


def _make_case(path: Path, line: int, block: dict[str, str]) -> Case:
    if "filter" not in block or "expect" not in block:
        raise ValueError(f"{path.name}:{line}: a case needs 'filter:' and 'expect:'")
    ranks = json.loads(block["ranks"]) if "ranks" in block else DEFAULT_RANKS
    fields = json.loads(block.get("fields", "{}"))
    return Case(line, block["filter"], fields, ranks, block["expect"])


CASES = load_cases(CASES_FILE)


@pytest.mark.parametrize("case", [pytest.param(c, id=f"line{c.line}") for c in CASES])
def test_case(case: Case) -> None:
    if case.expect.startswith("error:"):
        column, _, message = case.expect.removeprefix("error:").partition(" ")
        with pytest.raises(FilterError) as info:
            parse_filter(case.filter)
        assert info.value.column == int(column), str(info.value)
        if message:
            assert info.value.message == message
        return
    assert case.expect in ("true", "false"), f"line {case.line}: bad expect {case.expect!r}"
    flt = parse_filter(case.filter)
    assert evaluate(flt, case.fields, case.ranks) is (case.expect == "true")


def test_cases_file_has_every_kind() -> None:
    expects = [case.expect.partition(":")[0] for case in CASES]
    assert {"true", "false", "error"} <= set(expects)
    assert len(CASES) >= 150


def test_load_cases_rejects_unknown_keys(tmp_path: Path) -> None:
    bad = tmp_path / "cases.txt"
    bad.write_text("filter: a\nexpected: true\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad line"):
        load_cases(bad)


# ----------------------------------------------------------------- the tree


def show(node: object) -> str:
    """The tree as a compact S-expression."""
    if isinstance(node, Literal):
        return repr(node.value)
    if isinstance(node, Name):
        return node.name
    if isinstance(node, ListLit):
        return "[" + ", ".join(show(item) for item in node.items) + "]"
    if isinstance(node, Not):
        return f"(not {show(node.item)})"
    if isinstance(node, BoolOp):
        return f"({node.op} " + " ".join(show(item) for item in node.items) + ")"
    assert isinstance(node, Compare)
    return f"({node.op} {show(node.left)} {show(node.right)})"


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("a", "a"),
        ("a or b and c", "(or a (and b c))"),
        ("a and b or c", "(or (and a b) c)"),
        ("a or b or c", "(or a b c)"),
        ("a and b and c or d", "(or (and a b c) d)"),
        ("not a and b", "(and (not a) b)"),
        ("not a or not b", "(or (not a) (not b))"),
        ("not not a", "(not (not a))"),
        ("not a == b", "(not (== a b))"),
        ("not (a and b)", "(not (and a b))"),
        ("(a or b) and c", "(and (or a b) c)"),
        ("a == b and c != d or e", "(or (and (== a b) (!= c d)) e)"),
        ("a not in [b]", "(not in a [b])"),
        ("(a)", "a"),
        ("((a))", "a"),
        ("(a,)", "[a]"),
        ("(a, b)", "[a, b]"),
        ("(a, b,)", "[a, b]"),
        ("()", "[]"),
        ("[]", "[]"),
        ("[a]", "[a]"),
        ("[a,]", "[a]"),
        ("[(a or b), c]", "[(or a b), c]"),
        ("((a or b), c)", "[(or a b), c]"),
        ("((a), b)", "[a, b]"),
        ("[[a, b], (c,)]", "[[a, b], [c]]"),
        ("(not a)", "(not a)"),
        ("x in ()", "(in x [])"),
        ("(a == b) == (c)", "(== (== a b) c)"),
        ("TRUE or False or NONE or null", "(or True False None None)"),
        ("A AND b Or NOT c", "(or (and A b) (not c))"),
        ("x NOT IN y", "(not in x y)"),
        ("x In y", "(in x y)"),
        ('\'it\\\'s\' == "say \\"hi\\""', '(== "it\'s" \'say "hi"\')'),
        ("a == 'back\\\\slash' ", "(== a 'back\\\\slash')"),
        ("x == -3 or x == 2.50", "(or (== x -3) (== x 2.5))"),
        ("rate-limit > 10", "(> rate-limit 10)"),
        ("_x_1 == y-2", "(== _x_1 y-2)"),
        ("a\n  and\tb", "(and a b)"),
    ],
)
def test_tree_shape(text: str, tree: str) -> None:
    assert show(parse_filter(text).root) == tree


def test_bare_comparison_and_name_nodes() -> None:
    root = parse_filter("impact >= medium").root
    assert root == Compare(">=", Name("impact"), Name("medium"))
    assert isinstance(parse_filter("true").root, Literal)
    assert parse_filter("'a b'").root == Literal("a b")


def test_number_literals_keep_their_type() -> None:
    root = parse_filter("[1, -2, 3.5, -0.25]").root
    assert isinstance(root, ListLit)
    values = [item.value for item in root.items if isinstance(item, Literal)]
    assert values == [1, -2, 3.5, -0.25]
    assert [type(v) for v in values] == [int, int, float, float]


def test_columns_of_nodes() -> None:
    root = parse_filter("a == 'x' or not [b, (c)]").root
    assert isinstance(root, BoolOp) and root.column == 1
    compare, negation = root.items
    assert isinstance(compare, Compare) and compare.column == 1
    assert (compare.left.column, compare.right.column) == (1, 6)
    assert isinstance(negation, Not) and negation.column == 13
    assert isinstance(negation.item, ListLit) and negation.item.column == 17
    assert [item.column for item in negation.item.items] == [18, 22]


def test_columns_are_not_part_of_equality() -> None:
    assert parse_filter("a==b").root == parse_filter("  a  ==  b").root


def test_nodes_are_frozen() -> None:
    node = parse_filter("a").root
    with pytest.raises(AttributeError):
        node.name = "b"  # type: ignore[misc, union-attr]


# ------------------------------------------------------------------- errors


def test_error_format_and_attributes() -> None:
    with pytest.raises(FilterError) as info:
        parse_filter("impact >=")
    err = info.value
    assert (err.message, err.column) == ("expected a value after '>='", 10)
    assert str(err) == "expected a value after '>=' (column 10)"
    assert isinstance(err, QueryError) and isinstance(err, PlanError)


def test_error_survives_pickling() -> None:
    with pytest.raises(FilterError) as info:
        parse_filter("(a")
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is FilterError
    assert (copy.message, copy.column, str(copy)) == (
        info.value.message,
        info.value.column,
        str(info.value),
    )


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        # Trailing blanks do not move the end: it sits after the last character.
        ("impact >=   ", 10, "expected a value after '>='"),
        ("impact >=\n", 10, "expected a value after '>='"),
        (" \t\n", 1, "empty filter"),
        ("a and\n(b or c", 7, "unbalanced parenthesis: '(' is never closed"),
        ("x == 'unterminated \\'", 6, "unterminated string"),
        ("x == 'a\\\\' and y == \"b", 21, "unterminated string"),
        ("x == 1" + "0" * 5000 + "x", 6, f"'1{'0' * 5000}x' is not a number; quote it as a string"),
        ("café == 1", 4, "unexpected character 'é'"),
        ("a == b\x00", 7, "unexpected character '\\x00'"),
    ],
)
def test_error_columns(text: str, column: int, message: str) -> None:
    with pytest.raises(FilterError) as info:
        parse_filter(text)
    assert (info.value.column, info.value.message) == (column, message)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    ok = "(" * 40 + "a" + ")" * 40
    assert show(parse_filter(ok).root) == "a"
    assert evaluate(parse_filter("not " * 40 + "true"), {}) is True
    with pytest.raises(FilterError, match="nested too deeply") as info:
        parse_filter("(" * 1000 + "a" + ")" * 1000)
    assert info.value.column == 51
    with pytest.raises(FilterError, match="nested too deeply"):
        parse_filter("not " * 1000 + "a")
    with pytest.raises(FilterError, match="nested too deeply"):
        parse_filter("[" * 1000 + "]" * 1000)


def test_long_flat_filters_parse() -> None:
    text = " or ".join(f"x == v{i}" for i in range(2000))
    flt = parse_filter(text)
    assert evaluate(flt, {"x": "v1999"}) is True
    assert evaluate(parse_filter("x in [" + ", ".join(map(str, range(5000))) + "]"), {"x": 4999})


def test_huge_integer_literal() -> None:
    flt = parse_filter("x < " + "9" * 5000)
    assert evaluate(flt, {"x": 10**100}) is True


# ----------------------------------------------------------- names, pickling


def test_names() -> None:
    flt = parse_filter("impact >= medium and (tags in [a, 'b', 3] or not rate-limit) and x == true")
    assert flt.names() == frozenset({"impact", "medium", "tags", "a", "rate-limit", "x"})
    assert parse_filter("'a' == \"b\"").names() == frozenset()
    assert parse_filter("Owner == owner").names() == frozenset({"Owner", "owner"})


def test_filter_is_plain_picklable_data() -> None:
    text = "impact >= medium and 'security' in tags or not (x,)"
    flt = parse_filter(text)
    copy = pickle.loads(pickle.dumps(flt))
    assert copy == flt and hash(copy) == hash(flt)
    assert copy.source == text
    assert isinstance(copy, Filter)
    fields = {"impact": "high", "tags": ["security"], "x": "y"}
    assert evaluate(copy, fields, DEFAULT_RANKS) is evaluate(flt, fields, DEFAULT_RANKS) is True
    with pytest.raises(AttributeError):
        flt.source = "other"  # type: ignore[misc]


# ------------------------------------------------------- evaluation details


def test_ranks_default_to_none() -> None:
    flt = parse_filter("impact >= medium")
    # Without ranks, "high" >= "medium" is a lexical comparison.
    assert evaluate(flt, {"impact": "high"}) is False
    assert evaluate(flt, {"impact": "high"}, DEFAULT_RANKS) is True


def test_ranks_lookup_is_case_insensitive_both_ways() -> None:
    ranks = {"impact": {"Low": 1, "HIGH": 3}}
    assert evaluate(parse_filter("impact > LOW"), {"impact": "high"}, ranks) is True


def test_bare_word_that_is_not_a_field() -> None:
    flt = parse_filter("status == open")
    assert evaluate(flt, {"status": "open"}) is True
    # A record that has a field named "open" compares with its value instead.
    assert evaluate(flt, {"status": "open", "open": "yes"}) is False


@pytest.mark.parametrize(
    ("text", "fields", "ranks"),
    [
        ("x == y", {"x": object(), "y": object()}, None),
        ("x < y", {"x": {"a": 1}, "y": {1, 2}}, None),
        ("x in y", {"x": b"bytes", "y": b"bytes and more"}, None),
        ("x == 1", {"x": math.nan}, None),
        ("x < 1 or x > 1 or x == x", {"x": math.nan}, None),
        ("x", {"x": math.nan}, None),
        ("x > 1", {"x": "9" * 5000}, None),
        ("x == 1", {"x": "1" * 5000}, None),
        ("x >= 1e3", {"x": 1}, None),
        ("impact > low", {"impact": "high"}, {"impact": "not a mapping"}),
        ("impact > low", {"impact": "high"}, {"impact": {"low": "one", 3: "high"}}),
        ("impact > low", {"impact": "high"}, "not a mapping"),
        ("impact > low", {"impact": ["high"]}, DEFAULT_RANKS),
        ("tags == [a]", {"tags": [[["deep"]]]}, None),
    ],
)
def test_odd_values_never_raise(text: str, fields: dict[str, object], ranks: object) -> None:
    try:
        flt = parse_filter(text)
    except FilterError:
        return
    assert isinstance(evaluate(flt, fields, ranks), bool)  # type: ignore[arg-type]


def test_unknown_objects_are_never_compared_with_their_own_eq() -> None:
    class Hostile:
        def __eq__(self, other: object) -> bool:
            raise RuntimeError("compared")

        def __lt__(self, other: object) -> bool:
            raise RuntimeError("compared")

        def __bool__(self) -> bool:
            raise RuntimeError("tested")

        __hash__ = object.__hash__

    hostile = Hostile()
    for text in ("x == y", "x != y", "x < y", "x in y", "y in x", "x", "not x", "x == [y]"):
        assert isinstance(evaluate(parse_filter(text), {"x": hostile, "y": [hostile, 1]}), bool)


def test_self_containing_list_does_not_crash() -> None:
    loop: list[object] = []
    loop.append(loop)
    assert evaluate(parse_filter("x in y"), {"x": loop, "y": "text"}) is False
    assert evaluate(parse_filter("x == [1]"), {"x": loop}) is False


def test_hand_built_deep_tree_does_not_crash() -> None:
    node: object = Literal(True)
    for _ in range(5000):
        node = Not(node)  # type: ignore[arg-type]
    assert evaluate(Filter("hand built", node), {}) is False  # type: ignore[arg-type]


# ---------------------------------------------- no eval, exec or Python parsing


@pytest.mark.parametrize("module", [filter_module, evaluate_module], ids=["filter", "evaluate"])
def test_module_never_uses_python_evaluation(module: ModuleType) -> None:
    source = Path(str(module.__file__)).read_text(encoding="utf-8")
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    # Names used on their own, not as attributes (``re.compile`` is fine).
    names = {
        tok.string
        for before, tok in itertools.pairwise(tokens)
        if tok.type == tokenize.NAME and before.string != "."
    }
    assert not names & {"eval", "exec", "compile", "__import__", "ast", "importlib", "getattr"}


def test_parse_and_evaluate_without_python_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("Python evaluation was used")

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, forbidden)
    monkeypatch.setattr(ast, "parse", forbidden)
    monkeypatch.setattr(os, "system", forbidden)
    monkeypatch.setattr(subprocess, "Popen", forbidden)
    for text in (
        "impact >= medium and status != closed",
        'owner == "DBA" or not (likelihood in [high, medium])',
        "__import__ == 'os' or system in ('x',)",
        "\"__import__('os').system('x')\" in title",
        "eval",
    ):
        flt = parse_filter(text)
        assert isinstance(evaluate(flt, {"impact": "high", "title": "t"}, DEFAULT_RANKS), bool)


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('x')",
        '__import__("os").system("touch /tmp/pwned")',
        "exec('import os')",
        "eval('1+1')",
        "().__class__.__bases__[0].__subclasses__()",
        "x.__class__",
        "[x for x in y]",
        "lambda: os.system('x')",
        "1 + 1",
        "a if b else c",
        "f'{x}'",
        "x == y; import os",
        "`whoami`",
        "$(whoami)",
        "{{ 7*7 }}",
        "x == 'a' # comment",
    ],
)
def test_python_code_is_rejected_or_harmless(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a command was run")

    monkeypatch.setattr(os, "system", forbidden)
    monkeypatch.setattr(subprocess, "Popen", forbidden)
    try:
        flt = parse_filter(text)
    except FilterError:
        return
    assert isinstance(evaluate(flt, {"x": "a", "y": ["b"], "os": "os"}), bool)


# ----------------------------------------------------------------- properties

_WORDS = st.sampled_from(["a", "b", "impact", "tags", "share", "low", "high", "x-y"])
_FIELD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "low", "HIGH", "medium", "70", "a", "2024-06-01", "x-y"]),
    st.text(max_size=5),
    st.lists(st.sampled_from(["a", "b", "low", "A"]), max_size=3),
)
_FIELDS = st.dictionaries(_WORDS, _FIELD_VALUES, max_size=6)


def _operands() -> st.SearchStrategy[str]:
    scalar = st.one_of(
        _WORDS,
        st.sampled_from(["true", "FALSE", "none", "null", "0", "-1", "2.5", "70", "'a'", '"HIGH"']),
    )
    return st.recursive(
        scalar,
        lambda inner: (
            st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]")
            | st.lists(inner, min_size=1, max_size=3).map(lambda xs: "(" + ", ".join(xs) + ",)")
        ),
        max_leaves=5,
    )


def _expressions() -> st.SearchStrategy[str]:
    ops = st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "in", "not in", "IN", "Not In"])
    compare = st.one_of(
        _operands(),
        st.tuples(_operands(), ops, _operands()).map(" ".join),
    )
    return st.recursive(
        compare,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["and", "or", "AND", "Or"]), inner).map(" ".join),
            inner.map(lambda x: f"not ({x})"),
            inner.map(lambda x: f"({x})"),
        ),
        max_leaves=8,
    )


_RANKS = st.sampled_from([None, {}, DEFAULT_RANKS])


@settings(max_examples=300, deadline=None)
@given(text=_expressions(), fields=_FIELDS, ranks=_RANKS)
def test_generated_filters_parse_and_evaluate(text: str, fields: dict, ranks: dict | None) -> None:
    flt = parse_filter(text)
    result = evaluate(flt, fields, ranks)
    assert isinstance(result, bool)
    assert evaluate(parse_filter(f"not ({text})"), fields, ranks) is (not result)
    assert pickle.loads(pickle.dumps(flt)) == flt


@settings(max_examples=200, deadline=None)
@given(left=_expressions(), right=_expressions(), fields=_FIELDS, ranks=_RANKS)
def test_and_or_agree_with_python(left: str, right: str, fields: dict, ranks: dict | None) -> None:
    a = evaluate(parse_filter(left), fields, ranks)
    b = evaluate(parse_filter(right), fields, ranks)
    assert evaluate(parse_filter(f"({left}) and ({right})"), fields, ranks) is (a and b)
    assert evaluate(parse_filter(f"({left}) or ({right})"), fields, ranks) is (a or b)


@settings(max_examples=500, deadline=None)
@given(
    text=st.lists(
        st.sampled_from([*"ab-_ 0129.'\"\\()[],=!<>&|@", "and ", "or ", "not ", "in ", "true "]),
        max_size=20,
    ).map("".join)
)
def test_any_text_is_a_filter_or_a_filter_error(text: str) -> None:
    try:
        flt = parse_filter(text)
    except FilterError as err:
        assert 1 <= err.column <= len(text) + 1
        assert str(err).endswith(f"(column {err.column})")
        return
    assert isinstance(evaluate(flt, {"a": ["x"], "b": None}), bool)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40))
def test_arbitrary_unicode_never_crashes(text: str) -> None:
    try:
        flt = parse_filter(text)
    except FilterError as err:
        assert 1 <= err.column <= len(text) + 1
        return
    assert isinstance(evaluate(flt, {}), bool)
