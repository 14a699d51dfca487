"""The published record, attacked by every role through every write path.

Role × path × object. Every cell is refused (nothing changed, no history row, the claim's ETag
unchanged) except relabelling the rating scale, which is data an Editor (or a superuser) keeps
through the change form and the shell. Cells that do not exist are left out: appearances and
evidence have no admin of their own (they are inlines) and no history page; corrections have
no API and no service (they are written only by publishing a corrected verdict).
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from claims import edits
from claims.models import RatingLevel
from tests.api_support import client_for
from tests.factories import UserFactory
from tests.record_support import (
    afresh,
    claim_form,
    published_record,
    rating_form,
    review_form,
    snapshot,
    source_form,
)
from tests.shared_data import rolled_back_after_its_tests
from tracker.refusals import NotAllowedNow, NotPermitted

ROLES = ["anonymous", "no-group", "Reporter", "Fact-checker", "Editor", "superuser"]
EDITED = "Edited outside the workflow"


def make_user(role: str):
    if role == "anonymous":
        return None
    if role == "no-group":
        return UserFactory(username="nora-nogroup")
    if role == "superuser":
        return UserFactory(username="sam-superuser", is_superuser=True)
    return UserFactory(username=f"{role.lower()}-actor", groups=[role])


def admin_client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def revert_url(obj) -> str:
    meta = obj._meta
    first = obj.history.order_by("history_id").first()
    return reverse(
        f"admin:{meta.app_label}_{meta.model_name}_simple_history",
        args=[obj.pk, first.history_id],
    )


def changelist_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")


# What each path sends for each object: (record, user) -> HTTP status or service outcome.
ADMIN_FORM = {
    "claim": lambda r, c: c.post(change_url(r.claim), claim_form(r.claim, text=EDITED)),
    "topic link": lambda r, c: c.post(change_url(r.claim), claim_form(r.claim, topics=[])),
    "review": lambda r, c: c.post(change_url(r.review), review_form(r.review, summary=EDITED)),
    "cited source": lambda r, c: c.post(change_url(r.source), source_form(r.source, title=EDITED)),
    "rating level": lambda r, c: c.post(
        change_url(r.rating), rating_form(r.rating, label_en=EDITED)
    ),
    "correction": lambda r, c: c.post(change_url(r.correction), {"note": EDITED}),
}
ADMIN_INLINE = {
    "appearance": lambda r, c: c.post(change_url(r.claim), claim_form(r.claim, quote=EDITED)),
    "evidence": lambda r, c: c.post(change_url(r.review), review_form(r.review, quotation=EDITED)),
}
ADMIN_REVERT = {
    "claim": lambda r, c: c.post(revert_url(r.claim), claim_form(r.claim, text=EDITED)),
    "review": lambda r, c: c.post(revert_url(r.review), review_form(r.review, summary=EDITED)),
    "cited source": lambda r, c: c.post(revert_url(r.source), source_form(r.source, title=EDITED)),
    "rating level": lambda r, c: c.post(
        revert_url(r.rating), rating_form(r.rating, label_en=EDITED)
    ),
    "correction": lambda r, c: c.post(revert_url(r.correction), {"note": EDITED}),
}


def delete_action(obj):
    return lambda r, c: c.post(
        changelist_url(obj(r)),
        {"action": "delete_selected", "_selected_action": [obj(r).pk], "post": "yes"},
    )


ADMIN_ACTION = {
    "claim": delete_action(lambda r: r.claim),
    "topic link": delete_action(lambda r: r.topic),
    "review": delete_action(lambda r: r.review),
    "cited source": delete_action(lambda r: r.source),
    "rating level": delete_action(lambda r: r.rating),
    "correction": delete_action(lambda r: r.correction),
}
API = {
    "claim": lambda r, a: a.patch(f"/api/v1/claims/{r.claim.pk}/", {"text": EDITED}, format="json"),
    "topic link": lambda r, a: a.patch(
        f"/api/v1/claims/{r.claim.pk}/", {"topics": []}, format="json"
    ),
    "appearance": lambda r, a: a.patch(
        f"/api/v1/appearances/{r.appearance.pk}/", {"quote": EDITED}, format="json"
    ),
    "review": lambda r, a: a.patch(
        f"/api/v1/reviews/{r.review.pk}/", {"summary": EDITED}, format="json"
    ),
    "evidence": lambda r, a: a.patch(
        f"/api/v1/evidence/{r.evidence.pk}/", {"quotation": EDITED}, format="json"
    ),
    "cited source": lambda r, a: a.patch(
        f"/api/v1/sources/{r.source.pk}/", {"title": EDITED}, format="json"
    ),
    "rating level": lambda r, a: a.patch(
        f"/api/v1/ratings/{r.rating.slug}/", {"label_en": EDITED}, format="json"
    ),
}
SHELL = {
    "claim": lambda r, by: edits.claim_update(claim=r.claim, by=by, text=EDITED),
    "topic link": lambda r, by: edits.claim_update(claim=r.claim, by=by, topics=[]),
    "appearance": lambda r, by: edits.appearance_update(
        appearance=r.appearance, by=by, quote=EDITED
    ),
    "review": lambda r, by: edits.review_update(review=r.review, by=by, summary=EDITED),
    "evidence": lambda r, by: edits.evidence_update(evidence=r.evidence, by=by, quotation=EDITED),
    "cited source": lambda r, by: edits.source_update(source=r.source, by=by, title=EDITED),
    "rating level": lambda r, by: edits.rating_level_update(level=r.rating, by=by, label_en=EDITED),
}
PATHS = {
    "admin change form": ADMIN_FORM,
    "admin inline": ADMIN_INLINE,
    "admin history revert": ADMIN_REVERT,
    "admin action": ADMIN_ACTION,
    "API": API,
    "shell service": SHELL,
}

# The model permission each object's write needs (API and shell check it before the freeze).
NEEDS = {
    "claim": "claims.change_claim",
    "topic link": "claims.change_claim",
    "appearance": "claims.change_appearance",
    "review": "claims.change_review",
    "evidence": "claims.change_evidence",
    "cited source": "sources.change_source",
    "rating level": "claims.change_ratinglevel",
}


def expected(role: str, path: str, obj: str, user) -> object:
    """The contract's answer: "allowed", an HTTP status, a set of them, or a refusal class."""
    may = user is not None and user.has_perm(NEEDS.get(obj, "-"))
    if obj == "rating level" and may and path in ("admin change form", "shell service"):
        return "allowed"
    if path == "shell service":
        return NotAllowedNow if may else NotPermitted
    if path == "API":
        if obj == "rating level":
            return 405  # the scale is edited in admin only
        if user is None:
            return 401
        return 409 if may else 403
    if user is None:
        return 302  # to the login page
    if path == "admin action":
        # Django's "cannot delete" page, the action not offered, or the service's refusal
        return {200, 302, 403, 409}
    return 403


CELLS = [(role, path, obj) for role in ROLES for path, objs in PATHS.items() for obj in objs]


def try_cell(path: str, attempt, record, user, answer, *, api_success: int | None = None):
    """Make one cell's write attempt: "allowed" when it went through, else the refusal's type
    (shell) or the status code (API, admin). An API write counts as "allowed" by its own
    status when `api_success` names it; the admin's by its redirect."""
    if path == "shell service":
        try:
            attempt(record, user or AnonymousUser())
            return "allowed"
        except (NotAllowedNow, NotPermitted) as refusal:
            return type(refusal)
    if path == "API":
        status = attempt(record, client_for(user)).status_code
        return "allowed" if answer == "allowed" and status == api_success else status
    status = attempt(record, admin_client(user)).status_code
    return "allowed" if answer == "allowed" and status == 302 else status


@pytest.fixture(scope="module")
def built_record(django_db_setup, django_db_blocker):
    """One published record for every cell (each cell's writes are rolled back after it):
    building it took 85% of a cell's time."""
    with rolled_back_after_its_tests(django_db_blocker):
        yield published_record(
            checker=UserFactory(username="fred-checker", groups=["Fact-checker"]),
            editor=UserFactory(username="erin-editor", groups=["Editor"]),
        )


@pytest.mark.parametrize(("role", "path", "obj"), CELLS, ids=[" × ".join(c) for c in CELLS])
def test_the_published_record_changes_only_as_the_contract_says(role, path, obj, built_record, db):
    record = afresh(built_record)
    user = make_user(role)
    answer = expected(role, path, obj, user)
    before = snapshot(record)

    outcome = try_cell(path, PATHS[path][obj], record, user, answer)

    if isinstance(answer, set):
        assert outcome in answer
    else:
        assert outcome == answer
    if answer == "allowed":
        level = RatingLevel.objects.get(pk=record.rating.pk)
        assert level.label_en == EDITED
        assert level.history.latest().history_user == user
    else:
        assert snapshot(record) == before
