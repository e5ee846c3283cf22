"""Names shared by several stages: the row and series names every output agrees on."""

from __future__ import annotations

# The whole project's figure, in gate checks, tables, trend series and charts.
OVERALL = "overall"
# The row of the files that belong to no domain.
UNASSIGNED = "(unassigned)"
