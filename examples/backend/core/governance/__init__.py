"""Governance of AI agents: maturity levels and the services that move agents."""

from __future__ import annotations

from enum import IntEnum


class MaturityLevel(IntEnum):
    """How much autonomy an agent has earned."""

    STUDENT = 0
    INTERN = 1
    SUPERVISED = 2
    AUTONOMOUS = 3

    def next_level(self) -> MaturityLevel | None:
        """The level an agent graduates to, or None at the top."""
        if self is MaturityLevel.AUTONOMOUS:
            return None
        return MaturityLevel(self + 1)
