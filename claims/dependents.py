"""Which claims show an object: the one map from an edited row to the claims whose public face
(claim page, API response, ClaimReview, search text) shows it, and the one set of receivers
that keeps what derives from that face fresh.

When a watched row is saved or deleted (or a link's health changes), the claims showing it get,
in the same transaction:
- `updated_at` moved, so their ETags and the API's `updated_since` see the change;
- their search text rebuilt when the edited kind is one it reads (claims.search.READS): in the
  transaction for a few claims, by a Celery task after the commit for more (SEARCH_INLINE_MAX),
  so that renaming a speaker of 10,000 claims does not hold the request for seconds;
- their rows of the read model (claims.readmodel) rewritten when the edited kind is one it
  reads (READ_MODEL_READS), with the same split: in the transaction for a few claims (always
  for a single claim's publish, reopen or delete), in tasks after the commit for more;
- the cached public pages retired (claims.pagecache);
and then `claims.events.faces_changed` is sent with their ids (webhooks listen to it).
Past TOUCH_INLINE_MAX claims (an outlet or a head of state renamed) only the cached pages are
retired in the transaction: reading the claims' ids and everything above run in tasks after the
commit, so the editor's request costs the same for 2,000 claims as for 500,000.

Each kind is one statement over the database (`claims_showing`): no per-claim Python loop, so a
speaker on 10,000 claims costs the same one query as a speaker on one.
"""

from collections.abc import Callable, Iterable

from celery import shared_task
from django.apps import apps
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_save,
)
from django.utils import timezone

from claims import pagecache, readmodel, search
from claims.events import faces_changed
from claims.models import (
    Appearance,
    Claim,
    Correction,
    Evidence,
    RatingLevel,
    Review,
    Speaker,
    Topic,
)
from claims.workflow import AppearanceState
from sources.events import link_health_changed
from sources.models import Link, Outlet, Source
from tracker import outbox

TOUCH_BATCH = 2000
# Past this many claims an edit's touch (updated_at, search text, faces_changed) runs in tasks
# after the commit, TOUCH_TASK_BATCH claims each.
TOUCH_INLINE_MAX = 2000  # one TOUCH_BATCH: about half a second of the request at most
TOUCH_TASK_BATCH = 10000
# Above this many claims an edit leaves their search text to a task (one per SEARCH_TASK_BATCH).
SEARCH_INLINE_MAX = 200
SEARCH_TASK_BATCH = 2000
# Kinds whose edits can change a claim's row of the read model: which claims are public, their
# verdict's date, rating, position and language, the ids of their facets, and their search
# text (a speaker's rename: claims.search.READS). A rename of an outlet or link changes none.
READ_MODEL_READS = (Claim, Appearance, Review, Evidence, RatingLevel, Source, Topic, Speaker)


def _any_of(*claim_ids: QuerySet) -> Q:
    """Claims whose id one of these querysets of claim ids gives: one IN over their UNION.
    Each part is then read through its own index; an OR of IN-subqueries made PostgreSQL read
    every claim instead (92 ms at 100,000 claims for publishing one verdict, 0.3 ms now)."""
    first, *rest = (ids.order_by() for ids in claim_ids)
    return Q(pk__in=first.union(*rest) if rest else first)


def _with_verdicts(reviews) -> QuerySet:
    return Claim.objects.filter(published_review__in=reviews).values_list("pk", flat=True)


def _source_parts(**lookup) -> list[QuerySet]:
    """Claims said in, or whose current verdict cites, the sources matching `lookup`."""
    said_in = Appearance.objects.filter(**{f"source__{k}": v for k, v in lookup.items()})
    cited = Evidence.objects.filter(**{f"source__{k}": v for k, v in lookup.items()})
    return [said_in.values_list("claim_id", flat=True), _with_verdicts(cited.values("review_id"))]


def _corrected(condition: Q) -> QuerySet:
    return Correction.objects.filter(condition).values_list("claim_id", flat=True)


# Kinds shown in more than one way, as the parts (querysets of claim ids) that SHOWN_BY joins:
# each part can also be read on its own and stopped early (refresh_showing).
PARTS: dict[type[Model], Callable[[list[int]], list[QuerySet]]] = {
    Source: lambda ids: _source_parts(pk__in=ids),
    Outlet: lambda ids: _source_parts(outlet__in=ids),
    Link: lambda ids: _source_parts(link__in=ids),
    # The current verdict, and the verdicts a correction names (old and new rating, its note).
    Review: lambda ids: [
        _with_verdicts(ids),
        _corrected(Q(review__in=ids) | Q(previous_review__in=ids)),
    ],
    RatingLevel: lambda ids: [
        Claim.objects.filter(published_review__rating__in=ids).values_list("pk", flat=True),
        _corrected(Q(review__rating__in=ids) | Q(previous_review__rating__in=ids)),
    ],
}


def _joined(parts: Callable[[list[int]], list[QuerySet]]) -> Callable[[list[int]], Q]:
    return lambda ids: _any_of(*parts(ids))


# For each kind: the claims showing the rows with these ids, as a condition on Claim.
SHOWN_BY: dict[type[Model], Callable[[list[int]], Q]] = {
    Claim: lambda ids: Q(pk__in=ids),
    Appearance: lambda ids: Q(pk__in=Appearance.objects.filter(pk__in=ids).values("claim_id")),
    Speaker: lambda ids: Q(pk__in=Appearance.objects.filter(speaker__in=ids).values("claim_id")),
    Topic: lambda ids: Q(pk__in=Claim.topics.through.objects.filter(topic__in=ids).values("claim")),
    Evidence: lambda ids: Q(
        published_review__in=Evidence.objects.filter(pk__in=ids).values("review_id")
    ),
    Correction: lambda ids: Q(pk__in=Correction.objects.filter(pk__in=ids).values("claim_id")),
    **{model: _joined(parts) for model, parts in PARTS.items()},
}

# Rows that can move from one claim to another: the claims showing them before count too.
MOVABLE = (Appearance, Evidence)

# Saves that change none of these fields change nothing the public sees (leases, schedules).
SHOWN_FIELDS: dict[type[Model], tuple[str, ...]] = {
    Link: ("status", "archive_url", "archived_at"),
    Appearance: tuple(f.attname for f in Appearance._meta.concrete_fields),
    Claim: tuple(
        f.attname
        for f in Claim._meta.concrete_fields
        if f.name not in ("updated_at", "search_document")
    ),
}


def claims_showing(model: type[Model], ids: Iterable[int]) -> QuerySet[Claim]:
    """The claims that show any of these rows of `model`: one query when evaluated."""
    return Claim.objects.filter(SHOWN_BY[model](list(ids)))


def claim_ids_showing(model: type[Model], ids: Iterable[int]) -> set[int]:
    return set(claims_showing(model, ids).values_list("pk", flat=True))


def refresh(sender: type[Model], claim_ids: set[int], fields: frozenset[str] | None = None) -> None:
    """Bring everything derived from these claims' public face up to date, then tell listeners.

    Cached pages are retired at once. Up to TOUCH_INLINE_MAX claims are touched in this
    transaction; past it (renaming an outlet of 50,000 claims took 9 s at 100,000 claims, as each
    claim row is rewritten with its indexes) tasks do it after the commit, TOUCH_TASK_BATCH
    claims each, so the editor's request stays short and never times out half-way."""
    ids = sorted(claim_ids)
    # The rating scale is also shown on its own (methodology, legends), with or without claims.
    if ids or sender is RatingLevel:
        pagecache.invalidate_now_and_on_commit()
    if len(ids) > TOUCH_INLINE_MAX:
        hand_on(sender, ids, fields)
        return
    touch(sender, ids, fields)


def refresh_showing(
    sender: type[Model],
    pks: list[int],
    fields: frozenset[str] | None = None,
    also: Iterable[int] = (),
) -> None:
    """refresh() the claims showing these rows of `sender` (and the claims `also`, which showed
    them before a move). At most TOUCH_INLINE_MAX + 1 of their ids are read here: past that
    many the ids themselves are read after the commit by a task (reading 560,000 ids held the
    request of an outlet's rename for 12 s), which hands them on in batches."""
    ids = _first_ids(sender, pks, TOUCH_INLINE_MAX)
    if ids is not None and len(ids | set(also)) <= TOUCH_INLINE_MAX:
        refresh(sender, ids | set(also), fields)
        return
    pagecache.invalidate_now_and_on_commit()
    kind, names = to_task(sender, fields)
    extra = sorted(set(also))
    outbox.enqueue("claims.refresh_claims_shown_by", kind, list(pks), names, extra)


def _first_ids(model: type[Model], pks: list[int], limit: int) -> set[int] | None:
    """The ids of the claims showing these rows, or None when there may be more than `limit`,
    found without reading them all. Kinds in PARTS are read part by part, each stopped after
    `limit` + 1 rows: their UNION is only answered once it is whole (4.7 s for an outlet of
    560,000 claims). A part that reaches the limit answers None even if some of its rows repeat
    a claim: then the task reads them all."""
    parts = (
        PARTS[model](list(pks))
        if model in PARTS
        else [claims_showing(model, pks).values_list("pk", flat=True)]
    )
    ids: set[int] = set()
    for part in parts:
        rows = list(part.order_by()[: limit + 1])
        if len(rows) > limit:
            return None
        ids.update(rows)
    return ids if len(ids) <= limit else None


def to_task(sender: type[Model], fields: frozenset[str] | None) -> tuple[str, list[str] | None]:
    """A sender and its changed fields as a task's JSON arguments (`from_task` reads them)."""
    return sender._meta.label, sorted(fields) if fields is not None else None


def from_task(kind: str, names: list[str] | None) -> tuple[type[Model], frozenset[str] | None]:
    return apps.get_model(kind), frozenset(names) if names is not None else None


def hand_on(
    sender: type[Model], ids: list[int], fields: frozenset[str] | None, *, now: bool = False
) -> None:
    """Give these claims to the touch tasks, TOUCH_TASK_BATCH each, through the outbox: after
    the commit, or `now` (from a task, whose edit is committed already)."""
    kind, names = to_task(sender, fields)
    for start in range(0, len(ids), TOUCH_TASK_BATCH):
        batch = ids[start : start + TOUCH_TASK_BATCH]
        outbox.enqueue("claims.refresh_claims_showing", kind, batch, names, now=now)


def touch(sender: type[Model], ids: list[int], fields: frozenset[str] | None = None) -> None:
    """Move these claims' updated_at, rebuild their search text if it shows `sender`, and send
    faces_changed (webhooks listen)."""
    now = timezone.now()
    for start in range(0, len(ids), TOUCH_BATCH):
        Claim.objects.filter(pk__in=ids[start : start + TOUCH_BATCH]).update(updated_at=now)
    if sender in search.READS:
        refresh_search_text(ids)
    if sender in READ_MODEL_READS:
        refresh_read_model(ids)
    faces_changed.send(sender=sender, claim_ids=frozenset(ids), fields=fields)


def refresh_search_text(ids: list[int]) -> None:
    """Rebuild these claims' search text now when they are few, else after the commit in
    tasks (which read the committed rows; running one twice rebuilds the same text)."""
    if len(ids) <= SEARCH_INLINE_MAX:
        search.refresh(ids)
        return
    for start in range(0, len(ids), SEARCH_TASK_BATCH):
        batch = ids[start : start + SEARCH_TASK_BATCH]
        outbox.enqueue("claims.refresh_search_text", batch)


def refresh_read_model(ids: list[int]) -> None:
    """Rewrite these claims' rows of the read model now when they are few, else after the
    commit in tasks (which read the committed record; running one twice writes the same rows)."""
    if len(ids) <= SEARCH_INLINE_MAX:
        readmodel.refresh(ids)
        return
    for start in range(0, len(ids), SEARCH_TASK_BATCH):
        batch = ids[start : start + SEARCH_TASK_BATCH]
        outbox.enqueue("claims.refresh_read_model", batch)


# The tasks the functions above hand work on to, after the commit, through the outbox
# (tracker.outbox, by these names): thin, taking ids, safe to run twice (each reads the
# committed rows).


@shared_task(name="claims.refresh_search_text")
def refresh_search_text_task(claim_ids: list[int]) -> None:
    """Rebuild the search text of many claims after an edit they all show."""
    search.refresh(claim_ids)


@shared_task(name="claims.refresh_read_model")
def refresh_read_model_task(claim_ids: list[int]) -> None:
    """Rewrite the read model's rows of many claims after an edit they all show."""
    readmodel.refresh(claim_ids)


@shared_task(name="claims.refresh_claims_showing")
def refresh_claims_showing(kind: str, claim_ids: list[int], fields: list[str] | None) -> None:
    """Touch many claims after an edit they all show, with their search text and the
    faces_changed event; their cached pages were retired by the edit itself."""
    model, changed = from_task(kind, fields)
    with transaction.atomic():
        touch(model, claim_ids, changed)
        pagecache.invalidate_now_and_on_commit()


@shared_task(name="claims.refresh_claims_shown_by")
def refresh_claims_shown_by(
    kind: str, pks: list[int], fields: list[str] | None, also: list[int]
) -> None:
    """Read which claims show these rows (too many to read in the editor's request) and hand
    them to refresh_claims_showing in batches."""
    model, changed = from_task(kind, fields)
    ids = sorted(claim_ids_showing(model, pks) | set(also))
    hand_on(model, ids, changed, now=True)


def _snapshot(instance: Model) -> tuple:
    return tuple(instance.__dict__.get(name) for name in SHOWN_FIELDS[type(instance)])


def _remember(sender, instance: Model, **kwargs) -> None:
    instance._shown_snapshot = _snapshot(instance)  # type: ignore[attr-defined]


# A repeat waiting for confirmation, or rejected, is seen by no reader: its saves (recording,
# correcting, rejecting it) change no claim's public face. Its confirmation does.
UNSEEN_STATES = frozenset({AppearanceState.AWAITING_CONFIRMATION, AppearanceState.REJECTED})


def _changed_fields(instance: Model) -> frozenset[str] | None:
    """The shown fields a save changed, for kinds that have them; None for the others."""
    names = SHOWN_FIELDS.get(type(instance))
    if names is None:
        return None
    before = getattr(instance, "_shown_snapshot", (None,) * len(names))
    after = _snapshot(instance)
    instance._shown_snapshot = after  # type: ignore[attr-defined]
    changed = frozenset(n for n, old, new in zip(names, before, after, strict=True) if old != new)
    if isinstance(instance, Appearance):
        state_before = dict(zip(names, before, strict=True))["state"]
        if instance.state in UNSEEN_STATES and state_before in UNSEEN_STATES:
            return frozenset()
    return changed


def _before_save(sender, instance: Model, raw: bool = False, **kwargs) -> None:
    if not raw and instance.pk is not None:
        instance._shown_before = claim_ids_showing(sender, [instance.pk])  # type: ignore[attr-defined]


def _saved(sender, instance: Model, raw: bool = False, **kwargs) -> None:
    if raw:
        return  # fixtures being loaded
    fields = _changed_fields(instance)
    if fields is not None and not fields:
        return
    refresh_showing(sender, [instance.pk], fields, also=getattr(instance, "_shown_before", set()))


def _before_delete(sender, instance: Model, **kwargs) -> None:
    # Afterwards the row is gone and with it the way to its claims.
    instance._shown_before = claim_ids_showing(sender, [instance.pk])  # type: ignore[attr-defined]


def _deleted(sender, instance: Model, **kwargs) -> None:
    refresh(sender, instance._shown_before)  # type: ignore[attr-defined]


def _topics_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action == "pre_clear" and reverse:
        instance._shown_before = claim_ids_showing(Topic, [instance.pk])
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        ids = set(pk_set) if pk_set is not None else instance._shown_before
    else:
        ids = {instance.pk}
    refresh(Claim, ids, frozenset({"topics"}))


def _link_health_changed(sender, link_ids, **kwargs) -> None:
    # The link checker writes with plain SQL for speed: no model signal reaches us from it.
    refresh_showing(Link, list(link_ids))


def register(model: type[Model], shown_by: Callable[[list[int]], Q], fields: tuple = ()) -> None:
    """Another app's kind that claims show (e.g. exchange's confirmed external reviews): its
    saves and deletes then refresh the claims showing it, like the kinds above. `fields`, when
    given, limits that to saves changing one of them."""
    SHOWN_BY[model] = shown_by
    if fields:
        SHOWN_FIELDS[model] = fields
        post_init.connect(_remember, sender=model, dispatch_uid=f"dependents-{model}-init")
    uid = f"dependents-{model._meta.label_lower}"
    post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}-saved")
    pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"{uid}-deleting")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}-deleted")


for model, shown_by in list(SHOWN_BY.items()):
    register(model, shown_by)
for model in MOVABLE:
    pre_save.connect(_before_save, sender=model, dispatch_uid=f"dependents-{model}-moving")
for model in SHOWN_FIELDS:
    post_init.connect(_remember, sender=model, dispatch_uid=f"dependents-{model}-init")
m2m_changed.connect(_topics_changed, sender=Claim.topics.through, dispatch_uid="dependents-topics")
link_health_changed.connect(_link_health_changed, dispatch_uid="dependents-link-health")
