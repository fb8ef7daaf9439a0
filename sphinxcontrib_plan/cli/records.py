"""Warnings of an in-process build as log records, not text.

A logging handler beside Sphinx's own keeps each warning and error as a
record: its type and subtype, location and message, after
``suppress_warnings``, whatever the project's ``show_warning_types`` or
colours. Imported only when a command builds: it needs Sphinx.
"""

from __future__ import annotations

import io
import logging
import os
import re
from dataclasses import dataclass
from typing import Any

from sphinx.application import Sphinx
from sphinx.util.logging import (
    OnceFilter,
    SafeEncodingWriter,
    WarningStreamHandler,
    WarningSuppressor,
)


@dataclass(frozen=True)
class BuildWarning:
    """One warning or error of the build."""

    #: source file as Sphinx located it, ``None`` without location
    path: str | None
    #: line in that file, if known
    line: int | None
    #: the message without location, level and code, on one line
    message: str
    #: ``type.subtype`` such as ``plan.field`` (or just the type), if given
    code: str | None
    #: ``WARNING``, ``ERROR`` or ``CRITICAL``
    level: str = "WARNING"

    @classmethod
    def from_record(cls, record: logging.LogRecord) -> BuildWarning:
        """The warning a log record of Sphinx's ``sphinx`` logger carries.

        :param record: the record, its location translated by Sphinx to ``path:line``
        :return: the warning
        """
        kind, subtype = getattr(record, "type", None), getattr(record, "subtype", None)
        code = f"{kind}.{subtype}" if kind and subtype else kind or None
        # the plain message: Sphinx's record class puts the location in front,
        # and Sphinx adds the code at the end when show_warning_types is on
        text = logging.LogRecord.getMessage(record).removesuffix(f" [{code}]")
        # docutils appends the offending source after a blank line: the report is its head
        message = " ".join(re.split(r"\n\s*\n", text.strip(), maxsplit=1)[0].split())
        location = getattr(record, "location", None)
        path, line = (str(location) if location else None), None
        if path:
            head, _, tail = path.rpartition(":")
            if head and tail.isdigit():
                path, line = head, int(tail)
        return cls(path, line, message, code, record.levelname)

    @property
    def is_plan(self) -> bool:
        """Whether this is one of the extension's ``plan.*`` warnings."""
        return self.code is not None and (self.code == "plan" or self.code.startswith("plan."))

    @property
    def kind(self) -> str:
        """The code, or ``untyped`` for a warning Sphinx gave no type."""
        return self.code or "untyped"

    def sort_key(self) -> tuple[str, int, str, str, str]:
        """Document, line, message, code, level: an order independent of parallel
        reading, and of whether a cached check read the document again."""
        return self.path or "", self.line or 0, self.message, self.code or "", self.level

    def format(self) -> str:
        """``file:line: message [code]``, the form editors and CI annotate."""
        where = _display(self.path) if self.path else ""
        if where and self.line:
            where = f"{where}:{self.line}"
        level = "" if self.level == "WARNING" else f"{self.level}: "
        code = f" [{self.code}]" if self.code else ""
        return f"{where}: {level}{self.message}{code}" if where else f"{level}{self.message}{code}"


def _display(path: str) -> str:
    # relative to the working directory when below it: short and clickable
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith("..") else rel


class RecordingHandler(WarningStreamHandler):
    """Keeps the warnings and errors Sphinx shows, as records.

    A kind of Sphinx's warning handler, so that Sphinx holds warnings back
    from it as from its own while it sorts them (``pending_warnings``); it
    comes after Sphinx's own, which has given each record its ``path:line``
    location by then. Once attached, it has the filters that decide what
    Sphinx shows: ``suppress_warnings`` and warnings given only once.
    """

    def __init__(self) -> None:
        # emit() keeps the records: the stream is never written to
        super().__init__(SafeEncodingWriter(io.StringIO()))
        self.setLevel(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record."""
        self.records.append(record)

    def attach(self, app: Sphinx) -> None:
        """Join the handlers of Sphinx's logger, once Sphinx has set them up.

        :param app: the application being made
        """
        logger = logging.getLogger("sphinx")
        if self not in logger.handlers:
            self.addFilter(WarningSuppressor(app))
            self.addFilter(OnceFilter())
            logger.addHandler(self)

    def detach(self) -> None:
        """Leave Sphinx's logger."""
        logging.getLogger("sphinx").removeHandler(self)

    def warnings(self) -> list[BuildWarning]:
        """Every warning, sorted by file, line and message."""
        return sorted(map(BuildWarning.from_record, self.records), key=BuildWarning.sort_key)


def recording_app(handler: RecordingHandler, **kwargs: Any) -> Sphinx:
    """A Sphinx application whose warnings *handler* records from its first extension on.

    Sphinx sets up its logging handlers when the application is made; the
    handler joins them before the first extension is set up, so that the
    warnings of the configuration and of the extensions are recorded too.

    :param handler: the handler
    :param kwargs: the arguments of :class:`~sphinx.application.Sphinx`
    :return: the application
    """

    class RecordingSphinx(Sphinx):
        def setup_extension(self, extname: str) -> None:
            handler.attach(self)
            super().setup_extension(extname)

    return RecordingSphinx(**kwargs)
