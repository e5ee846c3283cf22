"""covtasks.shard: parsing K/N, the deterministic split, the record a manifest keeps."""

from __future__ import annotations

import random
import re
from itertools import product
from pathlib import Path

import pytest

from covtasks import shard
from covtasks.errors import CovtasksError
from covtasks.jobs import parse_expect
from covtasks.shard import Shard, ShardRecord


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1/1", Shard(1, 1)),
        ("2/4", Shard(2, 4)),
        (" 4/4 ", Shard(4, 4)),
        ("10/12", Shard(10, 12)),
        ("0003/1000", Shard(3, 1000)),
    ],
)
def test_parse_shard(text: str, expected: Shard) -> None:
    assert shard.parse_shard(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0/3", "--shard: shard '0/3': K must be from 1 to N, N from 1 to 1000"),
        ("4/3", "--shard: shard '4/3': K must be from 1 to N, N from 1 to 1000"),
        ("1/0", "--shard: shard '1/0': K must be from 1 to N, N from 1 to 1000"),
        ("1/1001", "--shard: shard '1/1001': K must be from 1 to N, N from 1 to 1000"),
        (
            "1/" + "9" * 5000,
            "--shard: shard '1/" + "9" * 5000 + "': K must be from 1 to N, N from 1 to 1000",
        ),
        ("x/3", "--shard: expected K/N (e.g. 2/4), got 'x/3'"),
        ("-1/3", "--shard: expected K/N (e.g. 2/4), got '-1/3'"),
        ("2", "--shard: expected K/N (e.g. 2/4), got '2'"),
        ("", "--shard: expected K/N (e.g. 2/4), got ''"),
    ],
)
def test_parse_shard_refuses(text: str, message: str) -> None:
    with pytest.raises(CovtasksError) as info:
        shard.parse_shard(text)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("job", "part", "group"),
    [
        ("py3.13-shard2", Shard(2, 4), "py3.13-shard"),
        ("py3.13-shard3", Shard(3, 4), "py3.13-shard"),  # not the 3 of 3.13
        ("a1-b1", Shard(1, 3), "a1-b"),
        ("s12", Shard(12, 12), "s"),
        ("py312-shard02-linux", Shard(2, 4), "py312-shard-linux"),
    ],
)
def test_group_of(job: str, part: Shard, group: str) -> None:
    assert shard.group_of(job, part) == group


@pytest.mark.parametrize(
    ("job", "part"),
    [
        ("py-shard", Shard(2, 4)),
        ("s12", Shard(1, 2)),
        ("shard2-py3.13", Shard(2, 4)),  # shard 1 would be another suite than shard 3
        ("py312-2-of-4", Shard(2, 4)),
    ],
)
def test_group_needs_the_shard_number_last_in_the_job_id(job: str, part: Shard) -> None:
    with pytest.raises(CovtasksError, match="must end its numbers with the shard number"):
        shard.group_of(job, part)


SUITE = [
    "tests/test_a.py::test_1",
    "tests/test_a.py::test_2",
    "tests/test_a.py::test_3",
    "tests/test_b.py::test_1",
    "tests/test_c.py::test_1",
    "tests/test_c.py::test_2",
]


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, [SUITE]),
        (2, [SUITE[:3], SUITE[3:]]),
        (3, [SUITE[:3], SUITE[4:], SUITE[3:4]]),
        # Fewer files than shards: single tests, dealt in sorted order.
        (4, [[SUITE[0], SUITE[4]], [SUITE[1], SUITE[5]], SUITE[2:3], SUITE[3:4]]),
        (7, [[n] for n in SUITE] + [[]]),
    ],
)
def test_split_by_files_deals_whole_files_largest_first(
    count: int, expected: list[list[str]]
) -> None:
    assert shard.split_by_files(SUITE, count) == expected


def test_split_by_files_ignores_collection_order() -> None:
    shuffled = SUITE[:]
    random.Random(4).shuffle(shuffled)
    assert shard.split_by_files(shuffled, 3) == shard.split_by_files(SUITE, 3)


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        # 5 | 4 + 1 | 3 + 2: longest first, to the least loaded shard.
        ({"a": 5, "b": 4, "c": 3, "d": 2, "e": 1}, [["a"], ["b", "e"], ["c", "d"]]),
        # Unknown tests count as the mean of the known (2): 2 | 2 | 2.
        ({"a": 2, "b": 2}, [["a"], ["b"], ["c"]]),
        # Equal times: sorted order, lowest shard first.
        ({"a": 1, "b": 1, "c": 1, "d": 1}, [["a", "d"], ["b"], ["c"]]),
    ],
)
def test_split_by_durations(times: dict[str, float], expected: list[list[str]]) -> None:
    ids = sorted(set(times) | {"c"})
    assert shard.split_by_durations(ids, times, 3) == expected


def test_split_by_durations_balances_uneven_tests() -> None:
    rng = random.Random(19)
    times = {f"t{i:03}": rng.choice([0.01, 0.1, 1.0]) * rng.uniform(1, 5) for i in range(300)}
    loads = [sum(times[n] for n in s) for s in shard.split_by_durations(sorted(times), times, 4)]
    assert max(loads) <= 1.05 * (sum(loads) / 4)


@pytest.mark.parametrize(
    ("times", "method", "note"),
    [
        (None, shard.BY_FILES, "split by test files: no durations file"),
        (
            {"tests/test_a.py::test_1": 1.0},
            shard.BY_FILES,
            "split by test files: the durations file is stale (it knows 1 of 6 selected tests)",
        ),
        (
            dict.fromkeys(SUITE[:3], 1.0),
            shard.BY_DURATIONS,
            "split by recorded durations (3 of 6 tests known)",
        ),
    ],
)
def test_plan_falls_back_to_files(times: dict[str, float] | None, method: str, note: str) -> None:
    chosen = shard.plan(SUITE, 2, times)
    assert (chosen.method, chosen.note) == (method, note)
    assert sorted(n for s in chosen.shards for n in s) == SUITE


@pytest.mark.parametrize("times", [None, {}, {"tests/test_a.py::test_1": 1.0}])
def test_plan_of_an_empty_selection_says_so(times: dict[str, float] | None) -> None:
    chosen = shard.plan([], 3, times)
    assert chosen.note == "split by test files: no test selected"
    assert chosen.shards == ((), (), ())


@pytest.mark.parametrize(
    ("indexes", "runs"),
    [([], []), ([0], [[0, 0]]), ([0, 1, 2, 5], [[0, 2], [5, 5]]), ([7, 3, 4], [[3, 4], [7, 7]])],
)
def test_ranges_round_trip(indexes: list[int], runs: list[list[int]]) -> None:
    assert shard.ranges(indexes) == runs
    assert shard.expand(runs) == sorted(indexes)


def test_pack_groups_node_ids_by_file() -> None:
    ids = ["b.py::t", "a.py::t[x::y]", "a.py::C::t", "doc.txt"]
    packed = shard.pack(ids)
    assert packed == [["a.py", ["C::t", "t[x::y]"]], ["b.py", ["t"]], ["doc.txt", [""]]]
    assert shard.unpack(packed, "m", "k") == sorted(ids)


def test_digest_ignores_order_and_sees_any_change() -> None:
    assert shard.digest(SUITE) == shard.digest(reversed(SUITE))
    assert shard.digest(SUITE) != shard.digest(SUITE[1:])


def record(**changes: object) -> ShardRecord:
    fields: dict[str, object] = {
        "index": 1,
        "count": 2,
        "group": "py-shard",
        "split": "files",
        "selection": tuple(SUITE),
        "ran": (0, 1, 2),
    }
    fields.update(changes)
    return ShardRecord(**fields)  # type: ignore[arg-type]


def test_record_round_trips_through_json() -> None:
    rec = record()
    data = rec.to_json()
    assert data["ran"] == [[0, 2]]
    assert data["selection"]["count"] == 6
    assert ShardRecord.from_json(data, "m.json") == rec


NOT_A_SHARD = "shard.index and shard.count are not a shard K/N (N at most 1000)"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(index=3), NOT_A_SHARD),
        (lambda d: d.update(count=True), NOT_A_SHARD),
        # Checking that every shard is there must not count to 10**30.
        (lambda d: d.update(count=10**30), NOT_A_SHARD),
        (lambda d: d.update(count=1001), NOT_A_SHARD),
        (lambda d: d.update(group=1), "shard.group or shard.split is not a string"),
        (lambda d: d.update(selection=[]), "shard.selection is not an object"),
        (lambda d: d["selection"].update(tests={}), "shard.selection.tests is not a list"),
        (
            lambda d: d["selection"].update(tests=[["a.py", "t"]]),
            "shard.selection.tests has an entry that is not [file, [names]]",
        ),
        (
            lambda d: d["selection"].update(digest="0" * 64),
            "shard.selection does not match its digest",
        ),
        (lambda d: d.update(ran=[[0]]), "shard.ran is not a list of [first, last] indexes"),
        (lambda d: d.update(ran=[[5, 6]]), "shard.ran has an index outside the selection"),
        (lambda d: d.update(ran=[[1, 0]]), "shard.ran has an index outside the selection"),
        (lambda d: d.update(ran=[[-1, 0]]), "shard.ran has an index outside the selection"),
        # Refused before it is expanded into 10**18 indexes.
        (lambda d: d.update(ran=[[0, 10**18]]), "shard.ran has an index outside the selection"),
        (lambda d: d.pop("ran"), "shard.ran is not a list of [first, last] indexes"),
    ],
)
def test_malformed_record_is_one_error_naming_the_manifest(change: object, message: str) -> None:
    data = record().to_json()
    change(data)  # type: ignore[operator]
    with pytest.raises(CovtasksError) as info:
        ShardRecord.from_json(data, "m.json")
    assert str(info.value) == f"m.json: {message}"


def test_the_sharded_github_example_expects_every_job_it_runs() -> None:
    """examples/github-actions/coverage-sharded.yml: the combine's --expect names
    exactly the matrix's job ids, and each id's last number is its shard."""
    text = (
        Path(__file__).parent.parent / "examples/github-actions/coverage-sharded.yml"
    ).read_text()
    pythons = re.findall(r'"([\d.]+)"', re.search(r"python: \[(.*)\]", text)[1])  # type: ignore[index]
    shards = re.search(r"shard: \[(.*)\]", text)[1].replace(" ", "").split(",")  # type: ignore[index]
    count = re.search(r"--shard \$\{\{ matrix.shard \}\}/(\d+)", text)[1]  # type: ignore[index]
    assert shards == [str(k) for k in range(1, int(count) + 1)]
    expect = re.search(r"--expect '([^']+)'", text)[1]  # type: ignore[index]
    ran = [f"py{p}-shard{k}" for p, k in product(pythons, shards)]
    assert sorted(parse_expect(expect)) == sorted(ran)  # type: ignore[arg-type]
    assert {shard.group_of(j, Shard(int(j[-1]), 4)) for j in ran} == {
        f"py{p}-shard" for p in pythons
    }
