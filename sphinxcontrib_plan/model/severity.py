"""Risk severity, impact × likelihood on the 3×3 scale: the one definition every
renderer, derived value, consistency rule and export reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sphinxcontrib_plan.model.types import LEVEL

if TYPE_CHECKING:
    from collections.abc import Mapping

#: rank of each level, 1 for low
RANK = {level: i for i, level in enumerate(LEVEL, start=1)}
#: the level of each possible score: 1–2 low, 3–4 medium, 6–9 high
_LEVEL_OF = {1: "low", 2: "low", 3: "medium", 4: "medium", 6: "high", 9: "high"}


@dataclass(frozen=True)
class Severity:
    """A risk's severity score and the level it falls in."""

    #: impact × likelihood, 1 to 9
    score: int

    @property
    def level(self) -> str:
        """``low``, ``medium`` or ``high``."""
        return _LEVEL_OF[self.score]

    @property
    def high(self) -> bool:
        """Whether the score is 6 or more (the open-high-risk threshold)."""
        return self.level == "high"

    @property
    def label(self) -> str:
        """Display text, e.g. ``High (6)``."""
        return f"{self.level.capitalize()} ({self.score})"

    @classmethod
    def of(cls, fields: Mapping[str, object]) -> Severity | None:
        """The severity of a risk's fields.

        :param fields: the risk's typed fields
        :return: the severity, or ``None`` when impact or likelihood is missing
        """
        impact = RANK.get(str(fields.get("impact")))
        likelihood = RANK.get(str(fields.get("likelihood")))
        return cls(impact * likelihood) if impact and likelihood else None

    @classmethod
    def from_score(cls, score: object) -> Severity | None:
        """The severity of a stored score (a derived value).

        :param score: the score, or ``None``
        :return: the severity, or ``None``
        """
        return cls(score) if isinstance(score, int) and score in _LEVEL_OF else None
