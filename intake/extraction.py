"""From an article to its candidate claims, best first: sentences, scores with reasons,
suggested speakers and the existing claims each may repeat. Writes nothing."""

from dataclasses import asdict, dataclass, field

from claims.models import Speaker
from intake import scoring, sentences, speakers
from intake.matching import match_claims


@dataclass
class Candidate:
    text: str  # verbatim: article_text[start:end]
    start: int
    end: int
    score: float
    reasons: list[str]
    speaker: str | None = None
    speaker_id: int | None = None
    speaker_reason: str = ""
    matches: list[dict] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


def known_speakers() -> list[speakers.KnownSpeaker]:
    return [
        speakers.KnownSpeaker(pk, name, role)
        for pk, name, role in Speaker.objects.values_list("pk", "name", "role")
    ]


def candidates(text: str, *, known: list[speakers.KnownSpeaker] | None = None) -> list[Candidate]:
    """Every sentence of `text` as a candidate, best first, with its score, reasons and
    suggested speaker; no matches yet (see `add_matches`)."""
    known = known_speakers() if known is None else known
    paragraphs: list[list[sentences.Sentence]] = []
    places: list[str | None] = []  # why a sentence's line is boilerplate by its place
    offset = 0
    lines = text.splitlines(keepends=True)
    for line, place in zip(lines, scoring.layout(lines), strict=True):
        split = sentences.split(line)
        if split:
            paragraphs.append(
                [sentences.Sentence(s.start + offset, s.end + offset, s.text) for s in split]
            )
            places += [place] * len(split)
        offset += len(line)
    flat = [s for paragraph in paragraphs for s in paragraph]
    suggested = speakers.suggest([[s.text for s in p] for p in paragraphs], known)
    found: list[Candidate] = []
    for sentence, suggestion, place in zip(flat, suggested, places, strict=True):
        scored = scoring.score(sentence.text, place)
        found.append(
            Candidate(
                text=sentence.text,
                start=sentence.start,
                end=sentence.end,
                score=scored.value,
                reasons=scored.reasons,
                speaker=suggestion.name if suggestion else None,
                speaker_id=suggestion.speaker_id if suggestion else None,
                speaker_reason=suggestion.reason if suggestion else "",
            )
        )
    found.sort(key=lambda c: (-c.score, c.start))
    return found


def add_matches(
    found: list[Candidate],
    *,
    user=None,
    newsroom: bool = False,
    match_above: float = 0.0,
    progress=None,
) -> None:
    """Fill in the existing claims each candidate scoring at least `match_above` may repeat,
    among those `user` may see; `progress(done, total)` is called as it goes (the slow part:
    a database query per candidate)."""
    to_match = [c for c in found if c.score >= match_above]
    for done, candidate in enumerate(to_match, start=1):
        candidate.matches = [
            {"claim": m.claim_id, "score": m.score, "text": m.text, "status": m.status}
            for m in match_claims(candidate.text, user=user, newsroom=newsroom, limit=3)
        ]
        if progress:
            progress(done, len(to_match))


def extract(
    text: str,
    *,
    user=None,
    newsroom: bool = False,
    known: list[speakers.KnownSpeaker] | None = None,
    match_above: float = 0.0,
    progress=None,
) -> list[Candidate]:
    """Every sentence of `text` as a candidate, best first, those scoring at least
    `match_above` matched against the claims `user` may see."""
    found = candidates(text, known=known)
    add_matches(found, user=user, newsroom=newsroom, match_above=match_above, progress=progress)
    return found
