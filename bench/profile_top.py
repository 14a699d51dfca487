"""Top functions of a py-spy raw profile (collapsed stacks): self and total share of samples.

python bench/profile_top.py PROFILE.txt [--top 25]
"""

import argparse
import re
from collections import Counter

FRAME = re.compile(r"^(?P<name>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def short(frame: str) -> str:
    match = FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match["file"]
    for marker in ("site-packages/", "lib/python3.11/", "/i13/", "/main/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['name']} ({path})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("profile")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    own: Counter = Counter()
    total: Counter = Counter()
    samples = 0
    with open(args.profile) as lines:
        for line in lines:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            if not stack:
                continue
            n = int(count)
            frames = [
                short(f) for f in stack.split(";") if not f.startswith(("process ", "thread "))
            ]
            if not frames:
                continue
            samples += n
            own[frames[-1]] += n
            for frame in set(frames):
                total[frame] += n
    print(f"{samples} samples")
    print("| self % | total % | function |\n|---:|---:|---|")
    for frame, n in own.most_common(args.top):
        print(f"| {100 * n / samples:.1f} | {100 * total[frame] / samples:.1f} | `{frame}` |")


if __name__ == "__main__":
    main()
