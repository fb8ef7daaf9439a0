"""Dependency graphs of phases and components: cycle finding, with :mod:`graphlib`."""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """The dependency cycles of *graph*, each once.

    :mod:`graphlib` reports one cycle at a time; one of its edges is cut and
    the graph sorted again, until it sorts.

    :param graph: node to the nodes it depends on
    :return: cycles (each node depending on the next, the last on the first),
        each starting at its smallest node, in sorted order
    """
    # sorted, so that the cycles found do not depend on the order of the documents
    remaining = {node: sorted(set(graph[node])) for node in sorted(graph)}
    cycles: list[list[str]] = []
    while True:
        try:
            TopologicalSorter(remaining).prepare()
        except CycleError as err:
            # graphlib lists each node before the one depending on it, the first again last
            cycle = list(reversed(err.args[1][1:]))
            low = cycle.index(min(cycle))
            cycle = cycle[low:] + cycle[:low]
            cycles.append(cycle)
            remaining[cycle[0]].remove(cycle[1] if len(cycle) > 1 else cycle[0])
        else:
            return sorted(cycles)
