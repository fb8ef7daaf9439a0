"""What every importer returns: the document and a report of what became what."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from sphinxcontrib_plan.errors import PlanError
from sphinxcontrib_plan.model.codedata import DataError, parse

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinxcontrib_plan.importers.emit import Document
    from sphinxcontrib_plan.model.codedata import Parsed

#: file name endings that say an input is data (JSON or YAML)
DATA_SUFFIXES = (".json", ".yaml", ".yml")
#: file name endings that say an input is Markdown
MARKDOWN_SUFFIXES = (".md", ".markdown")


class ImporterError(PlanError):
    """The input cannot be imported; the message is one line for the user."""


@dataclass
class Input:
    """An input of ``sphinx-plan import``: its text and name, and its reading as data.

    The text is read as JSON or YAML at most once, when an importer first asks
    (a ``.md`` file never is); the importer that takes the input gets that reading.
    """

    text: str
    #: the file's name, ``""`` when unknown
    filename: str = ""

    @cached_property
    def parsed(self) -> Parsed | None:
        """The whole text read as JSON or YAML; ``None`` when it is neither, or Markdown by name."""
        if self.markdown_name:
            return None
        try:
            return parse(self.text)
        except DataError:
            return None

    @property
    def markdown_name(self) -> bool:
        """Whether the file's name says Markdown."""
        return self.filename.lower().endswith(MARKDOWN_SUFFIXES)

    @property
    def data_name(self) -> bool:
        """Whether the file's name says JSON or YAML."""
        return self.filename.lower().endswith(DATA_SUFFIXES)


@dataclass
class Report:
    """What an import made of its input."""

    #: the plan's id and title
    plan_id: str = ""
    title: str = ""
    #: object type to the 1-based source lines of its objects
    objects: dict[str, list[int]] = field(default_factory=dict)
    #: blocks kept as prose: (first line, last line, why), lines 1-based
    prose: list[tuple[int, int, str]] = field(default_factory=list)
    #: other things the user should know
    notes: list[str] = field(default_factory=list)

    def prose_note(self, line: int, blocks: Sequence[object], why: str) -> None:
        """Record that a whole section stayed prose.

        :param line: its heading's line
        :param blocks: its blocks
        :param why: the reason
        """
        self.prose.append((line, max([line, *(getattr(b, "end", line) for b in blocks)]), why))

    def counts(self) -> dict[str, int]:
        """Objects per type."""
        return {t: len(lines) for t, lines in self.objects.items()}

    def format(self, source: str, output: str) -> str:
        """The report as printed by ``sphinx-plan import``.

        :param source: the input file, as given
        :param output: the written file
        :return: the text, several lines
        """
        total = sum(self.counts().values())
        out = [
            f"{source} -> {output}: plan {self.plan_id} ({self.title or 'untitled'}), "
            f"{total} object{'s' * (total != 1)}"
        ]
        for type_name, lines in sorted(self.objects.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            shown = ", ".join(str(n) for n in lines[:12]) + (", …" if len(lines) > 12 else "")
            name = type_name if type_name == "plan" else f"plan-{type_name}"
            out.append(f"  {name:<16} {len(lines):>4}  line{'s' if len(lines) > 1 else ''} {shown}")
        if self.prose:
            n = len(self.prose)
            out.append(f"kept as prose ({n} block{'s' * (n != 1)}):")
            for first, last, why in self.prose:
                where = f"line {first}" if last <= first else f"lines {first}-{last}"
                out.append(f"  {where:<15} {why}")
        out += [f"note: {note}" for note in self.notes]
        return "\n".join(out)


@dataclass
class ImportResult:
    """An imported document and its report."""

    document: Document
    report: Report
