"""Dependency cycles, found with graphlib."""

from __future__ import annotations

from sphinxcontrib_plan.model.graph import find_cycles


def test_each_cycle_once_from_its_smallest_node():
    graph = {"cc": ["ca"], "ca": ["cb"], "cb": ["cc"], "x": ["x"], "free": ["ca"]}
    assert find_cycles(graph) == [["ca", "cb", "cc"], ["x"]]


def test_two_cycles_through_one_node_are_both_named():
    assert find_cycles({"a": ["b", "c"], "b": ["a"], "c": ["a"]}) == [["a", "b"], ["a", "c"]]


def test_a_graph_without_cycle_has_none():
    assert find_cycles({"a": ["b"], "b": ["c"], "c": [], "d": ["a", "c"]}) == []
