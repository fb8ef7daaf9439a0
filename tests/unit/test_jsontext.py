"""The exports' JSON writer gives exactly the standard library's indented text."""

from __future__ import annotations

import io
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sphinxcontrib_plan.export.jsontext import Unsupported, write_json_text


def _dumps(data: object) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)


def _ours(data: object) -> str:
    out = io.StringIO()
    write_json_text(data, out.write)
    return out.getvalue()


_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
            | st.text())
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(_values)
def test_same_text_as_the_standard_library(data: object) -> None:
    assert _ours(data) == _dumps(data)


@pytest.mark.parametrize("data", [
    {}, [], "", {"b": [], "a": {}}, [[[]], [{}]], {"é": "数据 \u2028 \x00 \"q\" \\ </script>"},
    {"n": math.inf, "m": -math.inf, "x": 1e300, "y": -0.0, "z": 10**30}, (1, (2, 3)),
    [True, False, None, 1, 1.5],
])
def test_edge_values(data: object) -> None:
    assert _ours(data) == _dumps(data)


def test_nan_is_written_as_json_module_writes_it() -> None:
    assert _ours([math.nan]) == _dumps([math.nan]) == "[\n  NaN\n]"


@pytest.mark.parametrize("data", [{1: "int key"}, {"a": object()}, [{1, 2}], {"a": b"bytes"}])
def test_values_the_standard_library_handles_otherwise_are_refused(data: object) -> None:
    with pytest.raises(Unsupported):
        _ours(data)


def test_write_json_falls_back_to_the_standard_library(tmp_path) -> None:
    from sphinxcontrib_plan.export.writer import write_json

    data = {2: "int keys", 1: [1, {"c": None}]}
    path = tmp_path / "out" / "plan.json"
    assert write_json(path, data) is True
    assert path.read_text(encoding="utf-8") == _dumps(data) + "\n"
    # the same content again: the file is left as it is
    assert write_json(path, data) is False
