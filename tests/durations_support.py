"""How long each database test takes: what pytest-split balances CI's shards by.

Each shard of .ci/run's PostgreSQL pass writes `--record-durations PATH` (tests/conftest.py:
seconds per test, its fixtures' setup and teardown included). Then

    python -m tests.durations_support SHARD_FILE...            # each shard's seconds in all
    UPDATE_DURATIONS=1 python -m tests.durations_support ...   # also rewrite tests/durations.json

prints what each shard took by the tests' own clocks and how many of its tests
tests/durations.json did not know (pytest-split gives those the mean, which unbalances the
shards as the suite grows). With UPDATE_DURATIONS=1 the measured times replace the file, so a
run of `UPDATE_DURATIONS=1 bash .ci/run` on a quiet machine is how the file is kept current.
"""

import json
import os
import sys
from pathlib import Path

KEPT = Path(__file__).with_name("durations.json")


def main(paths: list[str]) -> None:
    known = json.loads(KEPT.read_text())
    measured: dict[str, float] = {}
    for number, path in enumerate(paths, start=1):
        shard = json.loads(Path(path).read_text())
        unknown = sum(1 for test in shard if test not in known)
        print(
            f"shard {number}: {len(shard)} tests, {sum(shard.values()):.0f} s by the tests' "
            f"clocks; {unknown} not in tests/durations.json"
        )
        measured.update(shard)
    if os.environ.get("UPDATE_DURATIONS"):
        rounded = {test: round(seconds, 3) for test, seconds in sorted(measured.items())}
        KEPT.write_text(json.dumps(rounded, indent=4) + "\n")
        print(f"tests/durations.json: {len(rounded)} tests written")


if __name__ == "__main__":
    main(sys.argv[1:])
