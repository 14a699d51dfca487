"""CI's check that its two passes run every test, from what the passes themselves selected.

`pytest --record-selection PATH` (tests/conftest.py) writes the ids of the tests a run selected,
one a line, each followed by a tab and `both_databases` when it is so marked. .ci/run records
the SQLite pass, each shard of the PostgreSQL pass and a plain `pytest --collect-only`, then runs
`python -m tests.selection_support COLLECTED SQLITE SHARD...`, which fails unless every
collected test ran in the SQLite pass or in the PostgreSQL pass; a test ran in both only when it
is marked both_databases (and every such test that touches the database did); each test of the
PostgreSQL pass ran in exactly one shard; and nothing ran that was not collected.
"""

import sys
from collections import Counter
from pathlib import Path


def read(path: str) -> dict[str, bool]:
    """{test id: marked both_databases} from a --record-selection file."""
    selected = {}
    for line in Path(path).read_text().splitlines():
        test, _, marks = line.partition("\t")
        selected[test] = marks == "both_databases"
    return selected


def problems(
    collected: dict[str, bool], sqlite: dict[str, bool], shards: list[dict[str, bool]]
) -> list[str]:
    in_shards = Counter(test for shard in shards for test in shard)
    postgres = set(in_shards)
    marked = {test for test, both in collected.items() if both}
    found = [f"{test} ran in {n} shards" for test, n in in_shards.items() if n > 1]
    found += [f"{test} ran in neither pass" for test in set(collected) - set(sqlite) - postgres]
    found += [
        f"{test} ran but was not collected" for test in (set(sqlite) | postgres) - set(collected)
    ]
    found += [
        f"{test} ran in both passes without the both_databases mark"
        for test in (set(sqlite) & postgres) - marked
    ]
    found += [
        f"{test} is marked both_databases but did not run on SQLite"
        for test in (marked & postgres) - set(sqlite)
    ]
    return sorted(found)


def main(collected_path: str, sqlite_path: str, *shard_paths: str) -> int:
    collected, sqlite = read(collected_path), read(sqlite_path)
    shards = [read(path) for path in shard_paths]
    postgres = {test for shard in shards for test in shard}
    print(
        f"{len(collected)} tests collected; {len(sqlite)} ran in the SQLite pass, "
        f"{len(postgres)} in the PostgreSQL pass "
        f"({' + '.join(str(len(shard)) for shard in shards)} in {len(shards)} shards); "
        f"{len(set(sqlite) & postgres)} in both (marked both_databases); "
        f"{len(set(sqlite) | postgres)} in one pass or both."
    )
    found = problems(collected, sqlite, shards)
    for problem in found:
        print(problem)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
