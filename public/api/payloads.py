"""The API's claim payloads, stored in the read model and served from it.

A public claim's representation (ClaimSerializer, as `claim_payload` gives it) is made when
claims.dependents rewrites the claim's row of the read model (registered with
claims.readmodel.keep_payloads), and the public's API pages read the stored JSON of their rows
instead of serialising every claim per request. Three parts change without the claim changing,
so they are stored as references and filled in when served, from lookups that cost the same
for any page size:
- the ratings (the verdict's, each correction's old and new): their label and description
  follow the reader's language; stored as the level's id, filled from the scale (one query);
- each source's link health: the checker rechecks links (last_checked_at) without touching the
  claims citing them; stored as the link's id, filled from the links (one query);
- `recheck_due_since`: due once the re-check date passes, which depends on today; stored as the
  date the evidence died (or null), the verdict's `recheck_after` added once it is past.
- the `page_url` of the claim and of each source start with SITE_URL, a setting: stored as the
  path, SITE_URL put before it when served (a site moved to another address keeps its rows).
Everything else a payload shows moves the claim's updated_at, which the payload shows too: every
change of a public face rewrites it (claims.dependents.touch).
"""

import json

from django.conf import settings
from django.utils import timezone, translation
from rest_framework.utils.encoders import JSONEncoder

from claims.models import Claim, PublishedClaim, RatingLevel
from claims.readmodel import digest
from claims.visibility import public_claims
from public.api.serializers import ClaimSerializer, RatingBriefSerializer, RatingSerializer
from public.api.sources import LinkHealthSerializer
from public.details import with_public_details
from sources.models import Link

RATINGS = ("rating", "previous_rating")  # a correction's two ratings


def make(claim_ids: list[int]) -> dict[int, str]:
    """The stored payloads of these claims that are public: {claim id: JSON text}."""
    claims = list(with_public_details(public_claims()).filter(pk__in=claim_ids))
    with translation.override(settings.LANGUAGE_CODE):
        data = ClaimSerializer(claims, many=True).data
    return {
        claim.pk: json.dumps(
            _referenced(claim, item), cls=JSONEncoder, ensure_ascii=False, separators=(",", ":")
        )
        for claim, item in zip(claims, data, strict=True)
    }


def _referenced(claim: Claim, data: dict) -> dict:
    """The serializer's output with the parts that change on their own as references."""
    verdict, review = data["verdict"], claim.published_review
    if verdict is not None and review is not None:
        verdict["rating"] = review.rating_id if verdict["rating"] is not None else None
        for item, evidence in zip(verdict["evidence"], review.evidence.all(), strict=True):
            item["source"]["link"] = evidence.source.link_id
    for item, appearance in zip(data["appearances"], claim.appearances.all(), strict=True):
        item["source"]["link"] = appearance.source.link_id
    for item in [data, *_sources(data)]:
        item["page_url"] = item["page_url"].removeprefix(settings.SITE_URL)
    for item, correction in zip(data["corrections"], claim.corrections.all(), strict=True):
        for key, correction_review in zip(
            RATINGS, (correction.review, correction.previous_review), strict=True
        ):
            if isinstance(item.get(key), dict):
                item[key] = correction_review.rating_id
    dead = claim.evidence_dead_since
    data["recheck_due_since"] = dead.isoformat() if dead else None
    return data


def stored(claim_ids: list[int]) -> dict[int, tuple[str, str]]:
    """What the read model holds for these claims: {claim id: (digest, payload)}, leaving out
    rows without a payload yet (a rebuild under way), or whose digest does not match it."""
    rows = PublishedClaim.objects.filter(claim_id__in=claim_ids).values_list(
        "claim_id", "payload_digest", "payload"
    )
    return {pk: found for row in rows for pk, found in held(*row).items()}


def held(pk: int, stamp: str | None, text: str | None) -> dict[int, tuple[str, str]]:
    """One claim's stored row as stored() gives it (empty when it has no sound payload)."""
    return {pk: (stamp, text)} if stamp and text and digest(text) == stamp else {}


def served(claim_ids: list[int], held: dict[int, tuple[str, str]]) -> list[dict]:
    """The public payloads of these claims, in this order, as ClaimSerializer gives them to
    this reader today: from `held` (stored()), completed for claims it lacks from the record."""
    texts = {pk: text for pk, (_stamp, text) in held.items()}
    texts.update(make([pk for pk in claim_ids if pk not in texts]))
    payloads = [json.loads(texts[pk]) for pk in claim_ids if pk in texts]
    return _filled(payloads)


def _filled(payloads: list[dict]) -> list[dict]:
    """Fill the references in: two queries for any number of payloads."""
    scale = list(RatingLevel.objects.all())
    full = {level.pk: RatingSerializer(level).data for level in scale}
    brief = {level.pk: RatingBriefSerializer(level).data for level in scale}
    sources = [source for payload in payloads for source in _sources(payload)]
    link_ids = {source["link"] for source in sources if source["link"] is not None}
    links = {
        link.pk: LinkHealthSerializer(link).data for link in Link.objects.filter(pk__in=link_ids)
    }
    for source in sources:
        source["link"] = links.get(source["link"]) if source["link"] is not None else None
        source["page_url"] = settings.SITE_URL + source["page_url"]
    today = timezone.localdate().isoformat()
    for payload in payloads:
        payload["page_url"] = settings.SITE_URL + payload["page_url"]
        verdict = payload["verdict"]
        if verdict is not None and verdict["rating"] is not None:
            verdict["rating"] = full[verdict["rating"]]
        for correction in payload["corrections"]:
            for key in RATINGS:
                if isinstance(correction.get(key), int):
                    correction[key] = brief[correction[key]]
        payload["recheck_due_since"] = _due_since(payload, today)
    return payloads


def _sources(payload: dict) -> list[dict]:
    verdict = payload["verdict"]
    evidence = verdict["evidence"] if verdict is not None else []
    return [item["source"] for item in [*payload["appearances"], *evidence]]


def _due_since(payload: dict, today: str) -> str | None:
    """Claim.recheck_due_since() from the stored date the evidence died and the verdict's
    re-check date (ISO dates compare as text)."""
    dates = [payload["recheck_due_since"]]
    verdict = payload["verdict"]
    if verdict is not None and verdict["recheck_after"] and verdict["recheck_after"] <= today:
        dates.append(verdict["recheck_after"])
    return min((d for d in dates if d), default=None)


def today_stamp() -> str:
    """What list and claim ETags add to the stored digests: payloads are filled for today."""
    return timezone.localdate().isoformat()
