"""What examples are checked with, the same on every machine: ``pattern`` and
``patternProperties`` matched by the ``regex`` library in bounded time, and the
formats asserted with the standard library alone (used by
:class:`~sphinxcontrib_plan.model.schema.SchemaSet`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

#: longest instance text shown in a message
_MAX_MESSAGE = 200

#: longest time one pattern may take on one value, in seconds
PATTERN_SECONDS = 0.1


def short(message: str) -> str:
    """*message*, cut to a readable length.

    :param message: a message
    :return: at most 200 characters
    """
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"


#: the attribute marking a ``ValidationError`` as a value a pattern could not check
UNCHECKED = "plan_unchecked"


def _unchecked_error(message: str) -> Any:
    from jsonschema import ValidationError

    error = ValidationError(message)
    setattr(error, UNCHECKED, True)
    return error


class PatternMatcher:
    """``pattern`` and ``patternProperties`` matched in bounded time.

    Each pattern is compiled once; one that cannot be compiled, or that ran
    out of time once, is not run again: every value it should check is
    reported as unchecked at once.
    """

    def __init__(self, seconds: float = PATTERN_SECONDS) -> None:
        self.seconds = seconds
        self._compiled: dict[str, Any] = {}
        self._broken: dict[str, str] = {}

    def search(self, pattern: str, value: str) -> bool | str:
        """Whether *pattern* is found in *value*, or why that cannot be told.

        :param pattern: a JSON Schema pattern (not anchored)
        :param value: the string to search
        :return: ``True``/``False``, or the reason it could not be checked
        """
        import regex

        if pattern in self._broken:
            return self._broken[pattern]
        try:
            compiled = self._compiled.get(pattern) or regex.compile(pattern)
            self._compiled[pattern] = compiled
            return compiled.search(value, timeout=self.seconds) is not None
        except regex.error as err:
            reason = f"the pattern {pattern!r} cannot be read: {err}"
        except TimeoutError:
            reason = (
                f"the pattern {pattern!r} took over {self.seconds:g} s on "
                f"{short(repr(value))} (a nested repetition such as (a+)+ backtracks "
                "without end); the value is not checked against it"
            )
        self._broken[pattern] = reason
        return reason

    def keywords(self) -> dict[str, Any]:
        """The ``pattern`` and ``patternProperties`` keyword functions, for ``extend``."""

        def pattern(validator: Any, patrn: str, instance: Any, schema: Any) -> Iterator[Any]:
            from jsonschema import ValidationError

            if not validator.is_type(instance, "string"):
                return
            found = self.search(patrn, instance)
            if isinstance(found, str):
                yield _unchecked_error(found)
            elif not found:
                yield ValidationError(f"{instance!r} does not match {patrn!r}")

        def pattern_properties(
            validator: Any, patterns: Any, instance: Any, schema: Any
        ) -> Iterator[Any]:
            if not validator.is_type(instance, "object"):
                return
            for patrn, subschema in patterns.items():
                for key, value in instance.items():
                    found = self.search(patrn, key)
                    if isinstance(found, str):
                        yield _unchecked_error(found)
                    elif found:
                        yield from validator.descend(value, subschema, path=key, schema_path=patrn)

        return {"pattern": pattern, "patternProperties": pattern_properties}


def format_checker() -> Any:
    """The formats asserted in examples: the same on every machine.

    jsonschema checks some formats only when optional packages are installed;
    a plan must give the same warnings everywhere, so only formats checked
    with the standard library are asserted.

    :return: a ``jsonschema.FormatChecker``
    """
    from jsonschema import FormatChecker

    checker = FormatChecker(("date", "email", "ipv4", "ipv6", "regex", "uuid"))
    checker.checks("date-time", raises=ValueError)(_date_time)
    return checker


_RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")


def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    import datetime

    if not _RFC3339.fullmatch(value):
        return False
    datetime.datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    return True
