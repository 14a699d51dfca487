"""JSON from outside, read within bounds: the one way Claimtrack parses a document it did not
write (ClaimReview files, feeds and pages, the archive's answers).

A hostile document cannot crash or stall the process:
- numbers: ijson's C backend segfaults on an integer of more than 4,300 digits unless numbers
  are read as floats (`use_float=True`); then an integer or a float too large for a double is a
  parse error, like any other;
- depth: every container opened counts; past `max_depth` the document is refused at once,
  before ijson builds prefixes that grow with the depth (200,000 brackets took minutes and
  gigabytes) or Python's own json recurses past its limit;
- size: the caller bounds what it reads (a file, a page, a response body).
Streams (feeds of any length) go through ijson (`items`); a value held whole through Python's
json (`loads`), checked for depth after parsing (its own recursion limit is the backstop).

Plain Python (no Django): the link checker's archive lookups use it too.
"""

import json
import math
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

import ijson

MAX_DEPTH = 32  # a ClaimReview inside a DataFeed inside an @graph nests about eight levels
# ijson hands over the events of one buffer at a time, each with a prefix as long as its depth:
# a small buffer gives the depth check control before a wall of brackets costs seconds.
BUFFER = 4096


class BadJSON(ValueError):
    """Not JSON, or JSON beyond the bounds; `str()` says which, for the person importing."""


def events(stream: IO[bytes], *, max_depth: int = MAX_DEPTH) -> Iterator[tuple[str, str, Any]]:
    """ijson's parse events of `stream`, numbers as floats, refused past `max_depth`."""
    depth = 0
    try:
        for prefix, event, value in ijson.parse(stream, buf_size=BUFFER, use_float=True):
            if event in ("start_map", "start_array"):
                depth += 1
                if depth > max_depth:
                    raise BadJSON(f"nested deeper than {max_depth} levels")
            elif event in ("end_map", "end_array"):
                depth -= 1
            yield prefix, event, value
    except ijson.JSONError as exc:
        raise BadJSON(_reason(exc)) from None


def items(stream: IO[bytes], path: str, *, max_depth: int = MAX_DEPTH) -> Iterator[Any]:
    """Each value at `path` ("item" for a top-level list), one at a time: a feed of any length
    is never held whole. A bad document raises BadJSON where it breaks off."""
    return ijson.items(_reraised(events(stream, max_depth=max_depth)), path)


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """One JSON value held whole (a page's JSON-LD script, a file, an archive's answer), read
    by Python's json, which, unlike ijson, takes the raw line breaks and tabs inside strings
    that pages write. Raises BadJSON."""
    try:
        value = json.loads(text, strict=False, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise BadJSON(f"nested deeper than {max_depth} levels") from None
    except ValueError as exc:  # not JSON, an integer of more than 4,300 digits, NaN, 1e999
        raise BadJSON(str(exc)) from None
    if depth(value) > max_depth:
        raise BadJSON(f"nested deeper than {max_depth} levels")
    return value


def depth(value: object) -> int:
    """How deeply `value` nests lists and objects (a scalar is 0), without recursing."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, Mapping | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, Mapping) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # as ijson: a float beyond a double is an overflow
        raise ValueError(f"numeric overflow: {text[:20]}")
    return number


def _reraised(source: Iterable[tuple[str, str, Any]]) -> Iterator[tuple[str, str, Any]]:
    # ijson.items wraps what the events raise; keep our own reason visible to callers.
    yield from source


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else exc.__class__.__name__
