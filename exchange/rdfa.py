"""RDFa as extruct gives it (expanded JSON-LD: a flat list of nodes, full property IRIs,
values as lists of {"@value"} or {"@id"}) turned into the compact shape of a JSON-LD
ClaimReview, so that one reader serves both. Plain Python."""

from typing import Any

SCHEMA = ("http://schema.org/", "https://schema.org/")
MAX_NESTING = 8  # a ClaimReview's rating, author, claim and its author: four levels


def compacted(nodes: list[dict]) -> list[dict]:
    """Every node typed with a schema.org type, its properties named as in JSON-LD and the
    nodes it points to inlined (blank or not), to MAX_NESTING levels, never in a cycle."""
    by_id = {node["@id"]: node for node in nodes if isinstance(node, dict) and "@id" in node}
    return [
        _compact(node, by_id, frozenset(), 0)
        for node in nodes
        if isinstance(node, dict) and any(_short(t) for t in node.get("@type", ()))
    ]


def _compact(node: dict, by_id: dict[str, dict], seen: frozenset[str], depth: int) -> dict:
    seen = seen | {node.get("@id", "")}
    out: dict[str, Any] = {"@type": [_short(t) or t for t in node.get("@type", ())]}
    for key, values in node.items():
        name = _short(key)
        if not name or not isinstance(values, list):
            continue
        read = [_value(v, by_id, seen, depth) for v in values if isinstance(v, dict)]
        out[name] = read[0] if len(read) == 1 else read
    return out


def _value(value: dict, by_id: dict[str, dict], seen: frozenset[str], depth: int) -> Any:
    if "@value" in value:
        return value["@value"]
    target = value.get("@id", "")
    if target in by_id and target not in seen and depth < MAX_NESTING:
        return _compact(by_id[target], by_id, seen, depth + 1)
    return "" if target.startswith("_:") else target


def _short(iri: str) -> str:
    for prefix in SCHEMA:
        if iri.startswith(prefix):
            return iri[len(prefix) :]
    return ""
