"""covtasks.shardcheck: combine's proof that each suite's shards ran every test once."""

from __future__ import annotations

import pytest

from covtasks import shardcheck
from covtasks.shard import ShardRecord

SUITE = tuple(f"tests/test_{f}.py::test_{i}" for f in "abc" for i in range(3))


def shard(index: int, ran: range | tuple[int, ...], **changes: object) -> ShardRecord:
    fields: dict[str, object] = {
        "index": index,
        "count": 3,
        "group": "py-shard",
        "split": "files",
        "selection": SUITE,
        "ran": tuple(ran),
    }
    fields.update(changes)
    return ShardRecord(**fields)  # type: ignore[arg-type]


WHOLE = [("s1", shard(1, range(3))), ("s2", shard(2, range(3, 6))), ("s3", shard(3, (6, 7, 8)))]
ID = "tests/test_{}.py::test_{}".format


@pytest.mark.parametrize(
    ("shards", "expected"),
    [
        (WHOLE, []),
        ([], []),
        (
            WHOLE[:2],
            ["suite 'py-shard': missing shard(s) 3/3"],
        ),
        (
            [*WHOLE, ("s3b", shard(3, (6, 7, 8)))],
            ["suite 'py-shard': shard 3/3 ran more than once (jobs s3, s3b)"],
        ),
        (
            [*WHOLE[:2], ("s3", shard(3, (6, 7, 8), count=4))],
            [
                "suite 'py-shard': its shards disagree on the number of shards: "
                "s1=1/3, s2=2/3, s3=3/4"
            ],
        ),
        (
            [*WHOLE[:2], ("s3", shard(3, (6, 7), selection=SUITE[:8]))],
            [
                "suite 'py-shard': shard 3/3 (job s3) collected a different selection (8 tests, "
                f"the others 9): 1 missing from it: {ID('c', 2)}"
            ],
        ),
        (
            [*WHOLE[:2], ("s3", shard(3, (6, 7, 8, 9), selection=(*SUITE, "x.py::t")))],
            [
                "suite 'py-shard': shard 3/3 (job s3) collected a different selection (10 tests, "
                "the others 9): 1 not in the others': x.py::t"
            ],
        ),
        (
            [("s1", shard(1, (0,))), ("s2", shard(2, (3,))), ("s3", shard(3, (6, 7, 8)))],
            [
                f"suite 'py-shard': 4 test(s) ran in no shard: {ID('a', 1)}, {ID('a', 2)}, "
                f"{ID('b', 1)} and 1 more"
            ],
        ),
        (
            [("s1", shard(1, range(4))), ("s2", shard(2, range(3, 6))), WHOLE[2]],
            [f"suite 'py-shard': 1 test(s) ran in more than one shard: {ID('b', 0)} (shards 1, 2)"],
        ),
        # Two matrix cells, each whole: two groups, both complete.
        (
            [*WHOLE, *((f"{j}-b", shard(r.index, r.ran, group="b")) for j, r in WHOLE)],
            [],
        ),
        # One cell misses a shard: only that group is named.
        (
            [*WHOLE, *((f"{j}-b", shard(r.index, r.ran, group="b")) for j, r in WHOLE[1:])],
            ["suite 'b': missing shard(s) 1/3"],
        ),
    ],
    ids=[
        "whole",
        "no-shards",
        "missing",
        "twice",
        "other-count",
        "narrower",
        "wider",
        "gap",
        "overlap",
        "two-groups",
        "one-group-missing",
    ],
)
def test_problems(shards: list[tuple[str, ShardRecord]], expected: list[str]) -> None:
    assert shardcheck.problems(shards) == expected


def test_the_majority_selection_is_the_suites() -> None:
    narrow = SUITE[1:]
    shards = [
        ("s1", shard(1, range(3), selection=narrow)),
        ("s2", shard(2, range(3, 6))),
        ("s3", shard(3, (6, 7, 8))),
    ]
    [problem] = shardcheck.problems(shards)
    assert problem.startswith("suite 'py-shard': shard 1/3 (job s1) collected a different")
