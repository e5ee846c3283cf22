"""Graduation criteria derived from an agent's episodic memory."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

# maturity -> (minimum episodes, minimum success rate)
REQUIREMENTS = {
    "STUDENT": (10, 0.6),
    "INTERN": (25, 0.75),
    "SUPERVISED": (50, 0.9),
}


@dataclass(frozen=True)
class EpisodeStats:
    total: int
    successes: int
    failures: int
    average_importance: float

    @property
    def success_rate(self) -> float | None:
        judged = self.successes + self.failures
        return None if judged == 0 else self.successes / judged


def episode_stats(conn: sqlite3.Connection, agent_id: int) -> EpisodeStats:
    row = conn.execute(
        "SELECT COUNT(*) AS total,"
        " SUM(outcome = 'success') AS successes,"
        " SUM(outcome = 'failure') AS failures,"
        " AVG(importance) AS average_importance"
        " FROM episodes WHERE agent_id = ?",
        (agent_id,),
    ).fetchone()
    return EpisodeStats(
        total=row["total"],
        successes=row["successes"] or 0,
        failures=row["failures"] or 0,
        average_importance=round(row["average_importance"] or 0.0, 4),
    )


def graduation_gaps(stats: EpisodeStats, maturity: str) -> list[str]:
    """What the agent still lacks to graduate from ``maturity`` (empty = ready)."""
    if maturity not in REQUIREMENTS:
        return [f"no graduation path from {maturity}"]
    min_episodes, min_rate = REQUIREMENTS[maturity]
    gaps = []
    if stats.total < min_episodes:
        gaps.append(f"{stats.total}/{min_episodes} episodes")
    rate = stats.success_rate
    if rate is None:
        gaps.append("no judged episodes")
    elif rate < min_rate:
        gaps.append(f"success rate {rate:.0%} < {min_rate:.0%}")
    return gaps


def is_ready(conn: sqlite3.Connection, agent_id: int, maturity: str) -> bool:
    return not graduation_gaps(episode_stats(conn, agent_id), maturity)
