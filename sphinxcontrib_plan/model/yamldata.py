"""YAML's safe loader giving JSON data only, within the limits.

Used by :mod:`sphinxcontrib_plan.model.codedata`, the one reader of JSON and
YAML; see :func:`~sphinxcontrib_plan.model.codedata.parse` for what becomes
what. Pure: no Sphinx, no docutils.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import yaml
from yaml.constructor import ConstructorError

from sphinxcontrib_plan.model.limits import MAX_ALIAS_VALUES, MAX_DEPTH

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence


class Refused(yaml.MarkedYAMLError):
    """YAML that has no JSON form or passes a limit: the problem is the whole message."""


def refused(problem: str, mark: Any) -> Refused:
    """The error for *problem* at *mark* (a pure-Python or a libyaml mark).

    :param problem: what is wrong
    :param mark: where
    :return: the error, to raise
    """
    return Refused(None, None, problem, mark)


class JsonLoader(yaml.SafeLoader):
    """YAML's safe loader, giving JSON data only, within the limits.

    Composing counts what aliases add (each node's size is measured once, so
    the count is linear however the aliases nest) and the nesting depth.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._open: set[str] = set()
        self._measured: dict[int, tuple[int, int]] = {}
        self._added = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Compose one node, refusing a cycle, too many alias values or deep nesting."""
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in self._open:
                raise refused(
                    f"not JSON data: the alias *{event.anchor} is inside "
                    "the value it names (a cycle)",
                    event.start_mark,
                )
            node = self.anchors.get(event.anchor)
            if node is not None:
                values, depth = self._measure(node)
                self._added += values
                if self._added > MAX_ALIAS_VALUES:
                    raise refused(
                        f"too large: its aliases expand to more than "
                        f"{MAX_ALIAS_VALUES:,} values (the limit)",
                        event.start_mark,
                    )
                if self._depth + depth > MAX_DEPTH:
                    raise refused(
                        f"nested more than {MAX_DEPTH} levels deep (with its aliases)",
                        event.start_mark,
                    )
            return super().compose_node(parent, index)
        container = isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent))
        anchor = getattr(event, "anchor", None)
        if container:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise refused(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        if anchor:
            self._open.add(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= container
            self._open.discard(anchor or "")

    def _measure(self, root: yaml.Node) -> tuple[int, int]:
        """``(values, depth)`` of a composed node, each node measured once."""
        memo = self._measured
        stack: list[tuple[yaml.Node, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            if id(node) in memo:
                continue
            children = _children(node)
            if done or not children:
                memo[id(node)] = (
                    1 + sum(memo[id(c)][0] for c in children),
                    (1 + max((memo[id(c)][1] for c in children), default=0))
                    if not isinstance(node, yaml.ScalarNode)
                    else 0,
                )
            else:
                stack.append((node, True))
                stack += [(c, False) for c in children if id(c) not in memo]
        return memo[id(root)]

    def mapping_key(self, node: yaml.Node) -> str:
        """A mapping key as JSON has it: the text of a scalar."""
        if isinstance(node, yaml.ScalarNode):
            return str(node.value)
        raise refused("not JSON data: a mapping key is a list or a mapping", node.start_mark)

    # JSON's keys are text; PyYAML's stubs say dict[Hashable, Any], and dict is invariant
    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[str, Any]:  # type: ignore[override]
        """A mapping with the keys' text as keys (merge keys ``<<`` applied)."""
        if not isinstance(node, yaml.MappingNode):
            found = getattr(node, "id", "value")
            raise ConstructorError(
                None, None, f"expected a mapping, found a {found}", node.start_mark
            )
        self.flatten_mapping(node)
        return {
            self.mapping_key(key): self.construct_object(value, deep=deep)
            for key, value in node.value
        }

    def construct_text(self, node: yaml.ScalarNode) -> str:
        """A timestamp or a date: the text as written."""
        return str(self.construct_scalar(node))

    def construct_base64(self, node: yaml.ScalarNode) -> str:
        """``!!binary``: its base64 text, without the line breaks."""
        self.construct_yaml_binary(node)  # refuses what is not base64
        return "".join(str(node.value).split())

    def construct_number(self, node: yaml.ScalarNode) -> float:
        """A float that JSON can hold (not ``.nan`` nor ``.inf``)."""
        value = float(self.construct_yaml_float(node))
        if not math.isfinite(value):
            raise refused(f"not JSON data: {node.value!r} has no JSON form", node.start_mark)
        return value

    def construct_integer(self, node: yaml.ScalarNode) -> int:
        """An integer Python reads (at most 4,300 digits)."""
        try:
            return int(self.construct_yaml_int(node))
        except ValueError:
            raise refused(
                f"not JSON data: {len(str(node.value)):,} digits is more "
                "than Python reads in an integer",
                node.start_mark,
            ) from None

    def construct_ordered(self, node: yaml.Node) -> Iterator[Any]:
        """``!!omap`` as a mapping, ``!!pairs`` as a list of ``[key, value]`` lists."""
        pairs = node.tag.endswith(":pairs")
        data: Any = [] if pairs else {}
        yield data
        for sub in node.value if isinstance(node, yaml.SequenceNode) else ():
            if not isinstance(sub, yaml.MappingNode) or len(sub.value) != 1:
                raise ConstructorError(None, None, "expected a mapping of one key", sub.start_mark)
            key, value = self.mapping_key(sub.value[0][0]), self.construct_object(sub.value[0][1])
            if pairs:
                data.append([key, value])
            else:
                data[key] = value


for _tag, _method in (
    ("timestamp", JsonLoader.construct_text),
    ("set", JsonLoader.construct_yaml_map),  # a mapping to nulls, as in YAML
    ("binary", JsonLoader.construct_base64),
    ("float", JsonLoader.construct_number),
    ("int", JsonLoader.construct_integer),
    ("omap", JsonLoader.construct_ordered),
    ("pairs", JsonLoader.construct_ordered),
):
    JsonLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _method)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def node_line(node: yaml.Node | None, path: Sequence[str | int]) -> int | None:
    """The 0-based line of the value at *path* below a composed *node*.

    :param node: the root
    :param path: keys and indices
    :return: the line, ``None`` when nothing is there
    """
    for step in path:
        if isinstance(node, yaml.MappingNode):
            pair = next((p for p in node.value if str(p[0].value) == str(step)), None)
            node = None if pair is None else pair[1]
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(step, int)
            and 0 <= step < len(node.value)
        ):
            node = node.value[step]
        else:
            node = None
        if node is None:
            return None
    return node.start_mark.line if node is not None else None


def node_key_lines(root: yaml.Node, depth: int) -> dict[tuple[str | int, ...], int]:
    """The 0-based line of every mapping key and list item below *root*, *depth* levels down.

    :param root: a composed node
    :param depth: how many levels to index
    :return: path of keys (their text) and indices → line
    """
    lines: dict[tuple[str | int, ...], int] = {}
    stack: list[tuple[yaml.Node, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if len(path) >= depth:
            continue
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                step = (*path, str(key.value))
                lines.setdefault(step, key.start_mark.line)
                stack.append((value, step))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines[(*path, i)] = item.start_mark.line
                stack.append((item, (*path, i)))
    return lines
