"""The appearance side of the published record, attacked by every role through every write path.

Role × path × object, as tests/claims/test_record_freeze_matrix.py does for the claim and its
verdict:
a public appearance, a repeat waiting for confirmation (confirm, reject), the source the claim
was said in, its speaker and its outlet. Each cell asserts the answer, and that a refused write
changes no row, writes no history and leaves the claim's ETag alone; an allowed one is recorded
with its author and moves the ETag when readers see the change.
"""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from claims import edits, services
from claims.models import Appearance, Speaker
from sources.models import Outlet, Source
from tests.claims.test_record_freeze_matrix import (
    ROLES,
    change_url,
    make_user,
    try_cell,
)
from tests.factories import SourceFactory, SpeakerFactory, UserFactory
from tests.record_support import afresh, published_record, snapshot
from tests.shared_data import rolled_back_after_its_tests
from tracker.refusals import NotAllowedNow, NotPermitted

EDITED = "Edited outside the workflow"


def setup(checker, editor):
    record = published_record(checker=checker, editor=editor)
    recorder = UserFactory(username="rita-recorder", groups=["Reporter"])
    record.repeat = services.appearance_record_repeat(
        claim=record.claim,
        by=recorder,
        speaker=SpeakerFactory(name="Said it again"),
        source=SourceFactory(url="https://example.org/said-again"),
        said_on=datetime.date(2025, 3, 2),
        quote="The same claim, said again",
        quote_language="vi",
    )
    record.said_in = record.appearance.source
    record.speaker = record.appearance.speaker
    record.outlet = record.said_in.outlet
    return record


def rows(record) -> tuple:
    return (
        snapshot(record),
        model_to_dict(Appearance.objects.get(pk=record.repeat.pk)),
        model_to_dict(Source.objects.get(pk=record.said_in.pk)),
        model_to_dict(Speaker.objects.get(pk=record.speaker.pk)),
        model_to_dict(Outlet.objects.get(pk=record.outlet.pk)),
        Appearance.history.count(),
    )


def form_of(obj, **changes) -> dict:
    data = {k: ("" if v is None else v) for k, v in model_to_dict(obj).items()}
    data.pop("id", None)
    return {**data, **changes}


def decide_url(record) -> str:
    return reverse("admin:claims_claim_decide_repeat", args=[record.claim.pk, record.repeat.pk])


API = {
    "public appearance": lambda r, a: a.patch(
        f"/api/v1/appearances/{r.appearance.pk}/", {"quote": EDITED}, format="json"
    ),
    "confirm repeat": lambda r, a: a.post(f"/api/v1/appearances/{r.repeat.pk}/confirm/"),
    "reject repeat": lambda r, a: a.post(
        f"/api/v1/appearances/{r.repeat.pk}/reject/", {"reason": EDITED}, format="json"
    ),
    "said-in source": lambda r, a: a.patch(
        f"/api/v1/sources/{r.said_in.pk}/", {"title": EDITED}, format="json"
    ),
    "speaker": lambda r, a: a.patch(
        f"/api/v1/speakers/{r.speaker.slug}/", {"name": EDITED}, format="json"
    ),
    "outlet": lambda r, a: a.patch(
        f"/api/v1/outlets/{r.outlet.slug}/", {"name": EDITED}, format="json"
    ),
}
SHELL = {
    "public appearance": lambda r, by: edits.appearance_update(
        appearance=r.appearance, by=by, quote=EDITED
    ),
    "confirm repeat": lambda r, by: services.appearance_confirm(appearance_id=r.repeat.pk, by=by),
    "reject repeat": lambda r, by: services.appearance_reject(
        appearance_id=r.repeat.pk, by=by, reason=EDITED
    ),
    "said-in source": lambda r, by: edits.source_update(source=r.said_in, by=by, title=EDITED),
    "speaker": lambda r, by: edits.speaker_update(speaker=r.speaker, by=by, name=EDITED),
    "outlet": lambda r, by: edits.outlet_update(outlet=r.outlet, by=by, name=EDITED),
}
ADMIN = {
    "confirm repeat": lambda r, c: c.post(decide_url(r), {"decision": "confirm"}),
    "reject repeat": lambda r, c: c.post(decide_url(r), {"decision": "reject", "reason": EDITED}),
    "said-in source": lambda r, c: c.post(change_url(r.said_in), form_of(r.said_in, title=EDITED)),
    "speaker": lambda r, c: c.post(change_url(r.speaker), form_of(r.speaker, name=EDITED)),
    "outlet": lambda r, c: c.post(change_url(r.outlet), form_of(r.outlet, name=EDITED)),
}
PATHS = {"API": API, "shell service": SHELL, "admin": ADMIN}

# Who may make each change at all: Editors (and superusers) decide repeats and change what
# published claims show of the catalogue; nobody edits a public appearance or a said-in source.
EDITORS = {"Editor", "superuser"}
ALLOWED = {
    "confirm repeat": EDITORS,
    "reject repeat": EDITORS,
    "speaker": EDITORS,
    "outlet": EDITORS,
}
NEEDS = {
    "public appearance": "claims.change_appearance",
    "said-in source": "sources.change_source",
}


def expected(role: str, path: str, obj: str, user) -> object:
    if role in ALLOWED.get(obj, ()):
        return "allowed"
    may = user is not None and user.has_perm(NEEDS.get(obj, "-"))
    if path == "shell service":
        return NotAllowedNow if may else NotPermitted
    if user is None:
        return 401 if path == "API" else 302
    if path == "API":
        return 409 if may else 403
    if obj in ("confirm repeat", "reject repeat"):
        return 302  # back to the desk page, with the refusal as its message
    return 403


def changed(record, obj: str, user) -> bool:
    """The allowed write took effect, recorded with its author."""
    if obj == "confirm repeat":
        row = Appearance.objects.get(pk=record.repeat.pk)
        return row.state == "public" and row.confirmed_by == user
    if obj == "reject repeat":
        row = Appearance.objects.get(pk=record.repeat.pk)
        return row.state == "rejected" and row.history.latest().history_user == user
    model = {"speaker": Speaker, "outlet": Outlet}[obj]
    row = model.objects.get(pk=getattr(record, obj).pk)
    return row.name == EDITED and row.history.latest().history_user == user


CELLS = [(role, path, obj) for role in ROLES for path, objs in PATHS.items() for obj in objs]


@pytest.fixture(scope="module")
def built_record(django_db_setup, django_db_blocker):
    """One record for every cell (each cell's writes are rolled back after it): building it
    took most of a cell's time."""
    with rolled_back_after_its_tests(django_db_blocker):
        yield setup(
            UserFactory(username="fred-checker", groups=["Fact-checker"]),
            UserFactory(username="erin-editor", groups=["Editor"]),
        )


@pytest.mark.parametrize(("role", "path", "obj"), CELLS, ids=[" × ".join(c) for c in CELLS])
def test_the_appearance_side_changes_only_as_the_contract_says(role, path, obj, built_record, db):
    record = afresh(built_record)
    user = make_user(role)
    answer = expected(role, path, obj, user)
    before = rows(record)

    outcome = try_cell(path, PATHS[path][obj], record, user, answer, api_success=200)

    assert outcome == answer
    if answer == "allowed":
        assert changed(record, obj, user)
        readers_see_it = obj != "reject repeat"
        assert (snapshot(record)[3] != before[0][3]) == readers_see_it  # the claim's ETag
    else:
        assert rows(record) == before
