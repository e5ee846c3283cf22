"""Print a governance overview of the agents in a database.

Usage: python -m tools.report --db backend.sqlite3 [--format text|json]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Sequence

from core.database import connect

DESCRIPTION = "Print a governance overview of the agents in a database."


def build_report(conn: sqlite3.Connection) -> dict[str, object]:
    maturity = {
        row["maturity"]: row["n"]
        for row in conn.execute("SELECT maturity, COUNT(*) AS n FROM agents GROUP BY maturity")
    }
    pending = conn.execute("SELECT COUNT(*) FROM proposals WHERE status = 'pending'").fetchone()[0]
    episodes = conn.execute("SELECT COUNT(*) FROM episodes WHERE status = 'active'").fetchone()[0]
    return {
        "agents_by_maturity": maturity,
        "pending_proposals": pending,
        "active_episodes": episodes,
    }


def format_text(report: dict[str, object]) -> str:
    lines = ["Agents by maturity:"]
    maturity = report["agents_by_maturity"]
    if isinstance(maturity, dict) and maturity:
        for level, count in sorted(maturity.items()):
            lines.append(f"  {level:<12}{count:>5}")
    else:
        lines.append("  (no agents)")
    lines.append(f"Pending proposals: {report['pending_proposals']}")
    lines.append(f"Active episodes:   {report['active_episodes']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("--db", required=True, help="path to the SQLite database")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    try:
        conn = connect(args.db)
    except sqlite3.OperationalError as exc:
        print(f"error: cannot open {args.db}: {exc}", file=sys.stderr)
        return 2
    try:
        report = build_report(conn)
    finally:
        conn.close()
    if args.format == "json":
        print(json.dumps(report, sort_keys=True))
    else:
        print(format_text(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
