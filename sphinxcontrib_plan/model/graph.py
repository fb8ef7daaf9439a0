"""Dependency graphs of phases and components: cycle finding."""

from __future__ import annotations


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Elementary cycles found by depth-first search, one per strongly connected group.

    :param graph: node to the nodes it depends on
    :return: cycles, each starting at its smallest node, in sorted order
    """
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    seen_sets: set[frozenset[str]] = set()

    for start in sorted(graph):
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                path.append(node)
            deps = sorted(graph.get(node, ()))
            if i < len(deps):
                stack.append((node, i + 1))
                nxt = deps[i]
                if state.get(nxt) == 1:
                    cycle = path[path.index(nxt):]
                    key = frozenset(cycle)
                    if key not in seen_sets:
                        seen_sets.add(key)
                        low = cycle.index(min(cycle))
                        cycles.append(cycle[low:] + cycle[:low])
                elif not state.get(nxt):
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return sorted(cycles)
