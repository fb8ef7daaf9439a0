"""Unit tests of ``:sort:`` parsing and record sorting (no Sphinx)."""

from __future__ import annotations

import functools
import math
import pickle
import random
import time
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinxcontrib_plan.errors import PlanError
from sphinxcontrib_plan.query.filter import QueryError
from sphinxcontrib_plan.query.sort import (
    SortError,
    SortKey,
    natural_key,
    parse_sort,
    sort_records,
)

RANKS = {"impact": {"low": 1, "medium": 2, "high": 3}}


Record = dict[str, Any]


def get(record: Record, name: str) -> object:
    return record.get(name)


def ids(records: Sequence[Record]) -> list[object]:
    return [record["id"] for record in records]


# ----------------------------------------------------------------- parse_sort


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("id", (SortKey("id"),)),
        ("-severity, id", (SortKey("severity", True), SortKey("id", False))),
        ("  -a ,b,  -c  ", (SortKey("a", True), SortKey("b"), SortKey("c", True))),
        ("- spaced", (SortKey("spaced", True),)),
        ("rate-limit,-approved-by", (SortKey("rate-limit"), SortKey("approved-by", True))),
        ("_private,X1", (SortKey("_private"), SortKey("X1"))),
        ("a,\nb", (SortKey("a"), SortKey("b"))),
    ],
)
def test_parse_sort(text: str, keys: tuple[SortKey, ...]) -> None:
    assert parse_sort(text) == keys


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("", 1, "empty sort specification"),
        ("  ", 1, "empty sort specification"),
        ("id,", 4, "empty sort key"),
        (",id", 1, "empty sort key"),
        ("a,,b", 3, "empty sort key"),
        ("a, ,b", 4, "empty sort key"),
        ("-", 2, "expected a field name after '-'"),
        ("a, -,b", 5, "expected a field name after '-'"),
        ("--a", 2, "unexpected character '-' in sort key"),
        ("+a", 1, "unexpected character '+' in sort key"),
        ("1a", 1, "unexpected character '1' in sort key"),
        ("a, é", 4, "unexpected character 'é' in sort key"),
        ("a b", 3, "unexpected character 'b' after 'a'; separate sort keys with ','"),
        ("a.b", 2, "unexpected character '.' after 'a'; separate sort keys with ','"),
        ("id desc", 4, "unexpected character 'd' after 'id'; separate sort keys with ','"),
        ("a;b", 2, "unexpected character ';' after 'a'; separate sort keys with ','"),
    ],
)
def test_parse_sort_errors(text: str, column: int, message: str) -> None:
    with pytest.raises(SortError) as info:
        parse_sort(text)
    assert (info.value.column, info.value.message) == (column, message)
    assert str(info.value) == f"{message} (column {column})"


def test_sort_error_hierarchy_and_pickling() -> None:
    with pytest.raises(SortError) as info:
        parse_sort("a b")
    assert isinstance(info.value, QueryError) and isinstance(info.value, PlanError)
    copy = pickle.loads(pickle.dumps(info.value))
    assert (type(copy), copy.message, copy.column) == (SortError, info.value.message, 3)


def test_sort_key_is_frozen_and_picklable() -> None:
    key = SortKey("id", True)
    assert pickle.loads(pickle.dumps(key)) == key
    with pytest.raises(AttributeError):
        key.field = "other"  # type: ignore[misc]


# ---------------------------------------------------------------- natural_key


@pytest.mark.parametrize(
    "ordered",
    [
        ["R1", "R2", "R10", "R11", "R100"],
        ["r1", "R2", "r10"],
        ["a", "B", "c"],
        [1, 2, 10, 100],
        [-3, -1.5, 0, 0.5, 2],
        ["v1.2", "v1.10", "v2.0"],
        ["2", "10", "a"],
        ["", "a"],
        ["API-2", "API-10", "DB-1"],
        [False, True],
        ["9" * 5000, "1" + "0" * 5000],
        ["x", None],
        [10**30, "a", None],
    ],
)
def test_natural_order(ordered: list[object]) -> None:
    shuffled = ordered[::-1]
    assert sorted(shuffled, key=natural_key) == ordered


def test_natural_key_is_case_insensitive() -> None:
    assert natural_key("Risk-2") == natural_key("risk-2")


def test_natural_key_numbers_and_numeric_strings_agree() -> None:
    assert natural_key(7) == natural_key("7")
    assert natural_key(7) < natural_key("10") < natural_key(11)


def test_natural_key_of_lists_joins_items() -> None:
    assert natural_key(["b", "a"]) == natural_key("b, a")
    assert natural_key(("R2", "x")) < natural_key(["R10"])
    assert natural_key([]) == natural_key(None) == natural_key([None])


def test_natural_key_none_and_nan_last() -> None:
    values = [None, "z", math.nan, -math.inf, math.inf, 0]
    ordered = sorted(values, key=natural_key)
    assert ordered[:4] == [-math.inf, 0, math.inf, "z"]
    assert all(v is None or math.isnan(v) for v in ordered[4:])  # type: ignore[arg-type]


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.floats(),
            st.text(),
            st.lists(st.one_of(st.text(max_size=3), st.integers(), st.none()), max_size=3),
        )
    )
)
def test_natural_key_of_any_values_is_comparable(values: list[object]) -> None:
    sorted(values, key=natural_key)


# --------------------------------------------------------------- sort_records


def test_single_key_ascending_and_descending() -> None:
    records: list[Record] = [{"id": i} for i in ["R10", "R2", "r1", "R3"]]
    assert ids(sort_records(records, parse_sort("id"), get)) == ["r1", "R2", "R3", "R10"]
    assert ids(sort_records(records, parse_sort("-id"), get)) == ["R10", "R3", "R2", "r1"]


def test_missing_values_last_in_both_directions() -> None:
    records: list[Record] = [
        {"id": "a", "due": "2024-03-01"},
        {"id": "b", "due": None},
        {"id": "c", "due": "2024-01-01"},
        {"id": "d"},
        {"id": "e", "due": "2024-02-01"},
    ]
    assert ids(sort_records(records, parse_sort("due"), get)) == ["c", "e", "a", "b", "d"]
    assert ids(sort_records(records, parse_sort("-due"), get)) == ["a", "e", "c", "b", "d"]


def test_empty_lists_count_as_missing() -> None:
    records: list[Record] = [
        {"id": 1, "tags": []},
        {"id": 2, "tags": ["b"]},
        {"id": 3, "tags": ["a", "z"]},
    ]
    assert ids(sort_records(records, parse_sort("tags"), get)) == [3, 2, 1]
    assert ids(sort_records(records, parse_sort("-tags"), get)) == [2, 3, 1]


def test_enum_fields_sort_by_rank() -> None:
    records: list[Record] = [
        {"id": 1, "impact": "medium"},
        {"id": 2, "impact": None},
        {"id": 3, "impact": "HIGH"},
        {"id": 4, "impact": "bogus"},
        {"id": 5, "impact": "low"},
        {"id": 6, "impact": "aardvark"},
    ]
    # Values outside the enum follow the ranked ones; missing values come last.
    assert ids(sort_records(records, parse_sort("impact"), get, RANKS)) == [5, 1, 3, 6, 4, 2]
    assert ids(sort_records(records, parse_sort("-impact"), get, RANKS)) == [3, 1, 5, 4, 6, 2]
    # Without ranks the same field sorts naturally.
    assert ids(sort_records(records, parse_sort("impact"), get)) == [6, 4, 3, 5, 1, 2]


def test_multiple_keys_with_mixed_directions() -> None:
    records: list[Record] = [
        {"id": "R1", "impact": "low", "owner": "bob"},
        {"id": "R2", "impact": "high", "owner": "amy"},
        {"id": "R3", "impact": "high", "owner": "Bob"},
        {"id": "R4", "impact": "low", "owner": "amy"},
        {"id": "R10", "impact": "high", "owner": None},
    ]
    result = sort_records(records, parse_sort("-impact, owner, -id"), get, RANKS)
    assert ids(result) == ["R2", "R3", "R10", "R4", "R1"]


def test_sort_is_stable() -> None:
    records: list[Record] = [{"id": i, "group": "ab"[i % 2]} for i in range(20)]
    evens, odds = list(range(0, 20, 2)), list(range(1, 20, 2))
    assert ids(sort_records(records, parse_sort("group"), get)) == evens + odds
    assert ids(sort_records(records, parse_sort("-group"), get)) == odds + evens
    assert ids(sort_records(records, [], get)) == list(range(20))


def test_input_is_not_modified_and_any_sequence_works() -> None:
    records: tuple[Record, ...] = ({"id": 2}, {"id": 1})
    result = sort_records(records, parse_sort("id"), get)
    assert ids(result) == [1, 2] and isinstance(result, list)
    assert ids(list(records)) == [2, 1]


def test_get_is_called_once_per_record_and_key() -> None:
    calls = []

    def counting_get(record: Record, name: str) -> object:
        calls.append(name)
        return record.get(name)

    records: list[Record] = [{"id": i, "x": i % 7} for i in range(1000)]
    sort_records(records, parse_sort("x, -id"), counting_get)
    assert len(calls) == 2000


def test_ten_thousand_records_sort_fast() -> None:
    rng = random.Random(42)
    impacts = ["low", "medium", "high", "HIGH", None, "other"]
    records: list[Record] = [
        {
            "id": f"R{rng.randrange(100_000)}",
            "impact": rng.choice(impacts),
            "tags": rng.sample(["a", "b", "c", "d"], rng.randrange(3)),
            "share": rng.choice([None, rng.randrange(100), str(rng.randrange(100))]),
        }
        for _ in range(10_000)
    ]
    start = time.perf_counter()
    result = sort_records(records, parse_sort("-impact, tags, share, id"), get, RANKS)
    elapsed = time.perf_counter() - start
    assert len(result) == 10_000
    assert elapsed < 2.0, f"sorting 10,000 records took {elapsed:.2f}s"
    assert [r["impact"] for r in result[:3]] != [None, None, None]


# ------------------------------------------------------------------ properties


def reference_sort(
    records: list[dict[str, object]], keys: tuple[SortKey, ...], ranks: dict[str, dict[str, int]]
) -> list[dict[str, object]]:
    """An independent comparator-based statement of the ordering rules."""

    def classify(value: object, field: str) -> tuple[int, object]:
        if natural_key(value) == (1,):
            return 2, None
        enum = {k.lower(): r for k, r in ranks.get(field, {}).items()}
        if isinstance(value, str) and value.lower() in enum:
            return 0, enum[value.lower()]
        return 1, natural_key(value)

    def compare(a: dict[str, object], b: dict[str, object]) -> int:
        for key in keys:
            group_a, order_a = classify(a.get(key.field), key.field)
            group_b, order_b = classify(b.get(key.field), key.field)
            if group_a != group_b:
                return -1 if group_a < group_b else 1  # groups never flip
            if group_a == 2 or order_a == order_b:
                continue
            result = -1 if order_a < order_b else 1  # type: ignore[operator]
            return -result if key.descending else result
        return 0

    return sorted(records, key=functools.cmp_to_key(compare))


_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["low", "MEDIUM", "high", "odd", "R2", "R10", "r1", ""]),
    st.integers(-3, 30),
    st.lists(st.sampled_from(["a", "B", "c"]), max_size=2),
)
_RECORDS = st.lists(
    st.fixed_dictionaries({}, optional={"impact": _VALUES, "id": _VALUES, "x": _VALUES}),
    max_size=30,
)
_KEYS = st.lists(
    st.builds(SortKey, st.sampled_from(["impact", "id", "x"]), st.booleans()), max_size=3
).map(tuple)


@settings(max_examples=300, deadline=None)
@given(records=_RECORDS, keys=_KEYS)
def test_matches_reference_ordering(
    records: list[dict[str, object]], keys: tuple[SortKey, ...]
) -> None:
    tagged = [{**record, "_n": n} for n, record in enumerate(records)]
    result = sort_records(tagged, keys, get, RANKS)
    expected = reference_sort(tagged, keys, RANKS)
    assert [r["_n"] for r in result] == [r["_n"] for r in expected]
