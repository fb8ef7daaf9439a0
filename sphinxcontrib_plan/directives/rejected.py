"""reST directives that docutils rejected for their options, read again leniently.

docutils drops a whole directive, body included, when its option block has a
repeated option, a line that is no option, or an option name of several
words; MyST keeps the body in such cases. This transform gives reST the same
outcome: the directive is read from a repaired copy of its text, with a
``plan.option`` warning for each repair. docutils' own report of the
rejection is held back while the extension is set up, so that each problem
is reported once, by the extension, at its line.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms import SphinxTransform

from sphinxcontrib_plan.directives.pending import PARENTS, PENDING
from sphinxcontrib_plan.warnings import PlanWarning, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: the logger through which Sphinx passes on docutils' reports
DOCUTILS_LOGGER = "sphinx.sphinx.util.docutils"
#: docutils' message when it rejects a directive's options before running it
_REJECTED = re.compile(r'Error in "(?P<name>plan(?:-[a-z-]+)?)" directive:\s*invalid option')
_FIELD = re.compile(r":((?:[^:\\]|\\.)+):(?:\s+.*)?$")


def repair_options(text: str, name: str, has_content: bool) -> tuple[str, list[tuple[int, str]]]:
    """Rewrite a directive whose options docutils rejected, so that it reads.

    docutils drops the whole directive, body included, for a repeated option
    or a line in the option block that is no option; MyST keeps the body.
    Here a repeated option keeps its last value, as in MyST, and a stray line
    goes to the body (or is dropped, for a directive without one).

    :param text: the directive's source, its first line first
    :param name: the directive name, for messages
    :param has_content: whether the directive takes a body
    :return: the rewritten text (same length, so lines keep their numbers) and
        ``(line offset, message)`` of each problem
    """
    lines = text.splitlines()
    end = next((i for i, line in enumerate(lines[1:], 1) if not line.strip()), len(lines))
    block = lines[1:end]
    indent = min((len(x) - len(x.lstrip()) for x in block), default=3)
    title: list[str] = []
    fields: dict[str, list[str]] = {}
    stray: list[str] = []
    problems: list[tuple[int, str]] = []
    current: list[str] | None = None
    for offset, line in enumerate(block, 1):
        rest = line[indent:]
        match = _FIELD.match(rest)
        if match and not rest[:1].isspace():
            key = match.group(1).lower()
            if len(key.split()) > 1:
                # docutils rejects a name of several words; "rate limit" means rate-limit
                new = "-".join(key.split())
                problems.append((offset, f"{name}: the option name {key!r} has spaces; it is "
                                         f"read as {new!r}"))
                line = line.replace(f":{match.group(1)}:", f":{new}:", 1)
                key = new
            if key in fields:
                problems.append((offset, f"{name}: the option {key!r} is given more than once; "
                                         "the last value is used"))
            current = fields[key] = [line]
        elif current is not None and rest[:1].isspace():
            current.append(line)  # the value goes on on a deeper indented line
        elif not fields:
            title.append(line)
        else:
            stray.append(" " * indent + line.strip())
            where = "kept as text of the body" if has_content else "ignored"
            word, colon, value = line.strip().partition(":")
            hint = (f"; did you mean ':{word}: {value.strip()}'?"
                    if colon and re.fullmatch(r"[\w-]+", word) else "")
            problems.append((offset, f"{name}: {line.strip()!r} is not an option "
                                     f"(':name: value'); it is {where}{hint}"))
    kept = [line for value in fields.values() for line in value]
    moved = ["", *stray] if stray and has_content else []
    filler = [""] * (len(block) - len(title) - len(kept) - len(moved))
    return "\n".join([lines[0], *title, *kept, *filler, *moved, *lines[end:]]), problems


class RejectedDirectiveTransform(SphinxTransform):
    """Read again, leniently, a plan directive docutils rejected for its options (reST).

    Runs before every transform that handles targets and references, and
    before the domain notes the document's objects (``SphinxDomains``, 850).
    """

    default_priority = 100

    def apply(self, **kwargs: Any) -> None:
        """Replace each rejection by the directive read from its repaired text."""
        if self.document.reporter.max_level < self.document.reporter.ERROR_LEVEL:
            return  # docutils rejects a directive with an error: there is none to look for
        self.recover_all(self.document, "")

    def recover_all(self, root: nodes.Element, outer: str) -> None:
        """Recover every rejected plan directive under *root*.

        :param root: where to look
        :param outer: the text of the directive whose recovery made *root*: a
            rejection of that same text is not recovered twice, but reported
        """
        for message in list(root.findall(nodes.system_message)):
            match = (_REJECTED.match(message[0].astext())
                     if message.children and isinstance(message[0], nodes.paragraph) else None)
            blocks = list(message.findall(nodes.literal_block)) if match else []
            if not blocks:
                continue
            if blocks[0].astext() != outer:
                message.replace_self(self.recover(message, match["name"], blocks[0].astext()))
                continue
            # even the repaired text is rejected: docutils' reason, as our one warning
            reason = " ".join(message[0].astext().partition(":")[2].split()).rstrip(".")
            warn(PlanWarning.OPTION, f"{match['name']}: the options cannot be read ({reason}); "
                 "write each as ':name: value' on one line", location=message, env=self.env)
            message.parent.remove(message)

    def recover(self, message: nodes.system_message, name: str, text: str) -> list[nodes.Node]:
        """The nodes of the directive read from its repaired text.

        :param message: docutils' error, where the directive was
        :param name: the directive name
        :param text: the directive's source
        :return: the nodes to put in place of the error
        """
        from docutils.parsers.rst import Parser

        from sphinxcontrib_plan.model.collectors import COLLECTORS

        repaired, problems = repair_options(
            text, name, has_content=name.removeprefix("plan-") not in COLLECTORS)
        source = message.get("source") or self.document["source"]
        line = message.get("line") or 1
        for offset, problem in problems:
            warn(PlanWarning.OPTION, problem, location=f"{source}:{line + offset}", env=self.env)
        document = nodes.document(self.document.settings, self.document.reporter, source=source)
        document.note_source(source, -1)
        # the objects enclosing the rejected one are its parents (a response's endpoint)
        pending = self.env.temp_data.get(PENDING, [])
        parents = self.env.temp_data.setdefault(PARENTS, [])
        enclosing: list[tuple[str, int]] = []
        node: nodes.Node | None = message.parent
        while node is not None:
            if isinstance(node, nodes.Element) and "plan_key" in node.attributes:
                enclosing.insert(0, (pending[node["plan_key"]].type, node["plan_key"]))
            node = node.parent
        parents.extend(enclosing)
        try:
            # blank lines first, so that every line keeps its number
            Parser().parse("\n" * (line - 1) + repaired, document)
        finally:
            del parents[len(parents) - len(enclosing):]
        # a directive nested in the body may have been rejected too
        self.recover_all(document, text)
        for key, value in document.ids.items():
            self.document.ids.setdefault(key, value)
        for key, value in document.nameids.items():
            if key not in self.document.nameids:
                self.document.nameids[key] = value
                self.document.nametypes[key] = document.nametypes.get(key, True)
        return list(document.children)


class RejectionFilter(logging.Filter):
    """Holds back docutils' report of a plan directive it rejected for its options.

    :class:`RejectedDirectiveTransform` reads every such directive again and
    reports each problem itself; docutils' ``ERROR`` beside it would say the
    directive is gone when it is not.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but a rejection of a plan directive's options."""
        return not _REJECTED.match(record.getMessage())


_FILTER = RejectionFilter()


def _hold_back(app: Sphinx) -> None:
    logging.getLogger(DOCUTILS_LOGGER).addFilter(_FILTER)


def _release(app: Sphinx, exception: BaseException | None) -> None:
    logging.getLogger(DOCUTILS_LOGGER).removeFilter(_FILTER)


def setup_recovery(app: Sphinx) -> None:
    """Register the transform reading rejected reST directives again.

    The filter on docutils' reports is in place from ``builder-inited`` to
    ``build-finished`` only: other projects built in the same process keep
    every report.

    :param app: the Sphinx application
    """
    app.add_transform(RejectedDirectiveTransform)
    app.connect("builder-inited", _hold_back)
    app.connect("build-finished", _release)
