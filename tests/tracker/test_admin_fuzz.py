"""Property-based fuzzing of the admin, enumerated from its own registry (so a new admin, URL,
action or filter is covered without touching this file): for every role, any URL of any
admin with ids good and forged, any changelist parameters, any bulk action on any selection,
and every add or change form as its page shows it with a few fields made hostile.

Each request is answered below 500; a request that does not succeed (anything but a redirect
after a POST) leaves every table's row count as it was, history included; and the public
pages still answer after whatever was saved. A fixed budget (derandomized, no example
database) keeps it within seconds on either database."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, URLPattern, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.models import Claim
from tests.factories import SourceFactory, TopicFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

EXAMPLES = 70
HOSTILE = [
    "",
    "abc",
    "²",
    "NaN",
    "-1",
    "0",
    "99999999999999999999",
    str(2**63),
    "1e309",
    "(",
    "(a*)*$",
    "0000-01-01",
    "2026-02-30",
    "x\x0cy",
    "<script>alert(1)</script>",
    "https://[fec0::1]/",
    "Nguyễn Văn A",
    "a" * 2100,
]
FORM_KEYS = [
    "transition",
    "note",
    "expected_status",
    "recheck_after",
    "decision",
    "reason",
    "state",
    "pick",
    "speaker",
    "speaker-0",
    "action-0",
    "url",
    "text",
    "title",
    "quote",
    "quote_language",
    "said_on",
    "index",
    "select_across",
]
ROLES = ["Reporter", "Fact-checker", "Editor", None]  # None: a superuser
PUBLIC_PAGES = ["/", "/claims/", "/speakers/", "/corrections/", "/feeds/claims.atom"]
NOT_COUNTED = {"sessions", "axes", "django_celery_beat"}  # a login's and the clock's own rows


def table_counts() -> tuple[int, ...]:
    """Every table's row count in one query (history and the admin's log included)."""
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in NOT_COUNTED and model._meta.managed
    )
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return tuple(cursor.fetchone())


def admin_urls() -> list[tuple[str, tuple[str, ...], object]]:
    """(URL name, its parameters, its admin) of every registered admin's views."""
    found = []
    for model_admin in admin.site._registry.values():
        for pattern in model_admin.get_urls():
            if isinstance(pattern, URLPattern) and pattern.name:
                regex = pattern.pattern.regex
                # Named parameters, or positional ones (django-simple-history's re_path).
                params = tuple(sorted(regex.groupindex)) or tuple(
                    f"#{i}" for i in range(regex.groups)
                )
                found.append((pattern.name, params, model_admin))
    return sorted(found, key=lambda view: view[0])


def filter_parameters(model_admin) -> list[str]:
    names = []
    for item in model_admin.list_filter:
        if isinstance(item, type):
            names.append(item.parameter_name)
        else:
            path = item[0] if isinstance(item, list | tuple) else item
            names += [f"{path}__exact", f"{path}__id__exact", f"{path}__isnull", f"{path}__gte"]
    if model_admin.date_hierarchy:
        names += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    fields = [f.name for f in model_admin.model._meta.concrete_fields]
    names += [f"{field}__{lookup}" for field in fields[:4] for lookup in ("in", "regex", "year")]
    return [*names, "q", "o", "p", "e", "_to_field", "all"]


def _posted(value) -> object:
    if value is None or value is False:
        return ""
    if value is True:
        return "on"
    if isinstance(value, list | tuple):
        return [str(each) for each in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def form_as_shown(page) -> dict:
    """What a Save of the page posts untouched (the form, its inlines' management forms)."""
    context = page.context
    if context is None or "adminform" not in context:
        return {}
    data = {b.html_name: _posted(b.value()) for b in context["adminform"].form}
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update({b.html_name: _posted(b.value()) for b in formset.management_form})
        for form in formset.forms:
            data.update({b.html_name: _posted(b.value()) for b in form})
    return data


@pytest.fixture
def seeded(make_claim, checker):
    published = make_claim("published")
    make_claim("researching")
    make_claim("new")
    SourceFactory(url="https://stats.example.org/report")
    TopicFactory(name="Economy")
    ids = [
        str(pk)
        for model in (Claim, *[m for m in admin.site._registry if m is not Claim])
        for pk in model._default_manager.order_by("pk").values_list("pk", flat=True)[:2]
    ]
    users = {}
    for role in ROLES:
        name = f"fuzz-{role or 'root'}".lower().replace(" ", "-")
        user = User.objects.create_user(name, is_staff=True, is_superuser=role is None)
        if role:
            user.groups.add(Group.objects.get(name=role))
        users[role] = user
    return {"ids": sorted(set(ids)), "users": users, "published": published}


def _reversed(name: str, params: tuple[str, ...], values: dict) -> str | None:
    positional = [values[p] for p in params if p.startswith("#")]
    named = {p: values[p] for p in params if not p.startswith("#")}
    try:
        return reverse(f"admin:{name}", args=positional or None, kwargs=named or None)
    except NoReverseMatch:
        return None


def public_pages_answer(published) -> None:
    client = Client()
    for url in [*PUBLIC_PAGES, published.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code in (200, 301, 302), (url, response.status_code)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_no_admin_request_answers_500_or_writes_half(seeded, data):
    client = Client(raise_request_exception=False)
    role = data.draw(st.sampled_from(ROLES), label="role")
    client.force_login(seeded["users"][role])
    ids = st.sampled_from(seeded["ids"]) | st.sampled_from(HOSTILE)
    hostile = st.sampled_from(HOSTILE) | st.text(max_size=12)

    name, params, model_admin = data.draw(st.sampled_from(admin_urls()), label="view")
    url = _reversed(name, params, {p: data.draw(ids, label=p) for p in params})
    if url is None:  # an <int:…> the value does not fit: an id that does
        url = _reversed(name, params, {p: seeded["ids"][0] for p in params})
    assert url is not None

    how = data.draw(st.sampled_from(["get", "form", "action", "post"]), label="how")
    before = table_counts()
    if how == "get":
        query = data.draw(
            st.dictionaries(st.sampled_from(filter_parameters(model_admin)), hostile, max_size=3),
            label="query",
        )
        response = client.get(url, query)
    elif how == "form":
        shown = client.get(url)
        assert shown.status_code < 500, (url, shown.status_code)
        form = form_as_shown(shown)
        keys = sorted(form) or FORM_KEYS
        changes = data.draw(st.dictionaries(st.sampled_from(keys), hostile, max_size=3))
        before = table_counts()
        response = client.post(url, {**form, **changes, "_save": "Save"})
    elif how == "action":
        actions = sorted(model_admin.get_actions(_request(seeded["users"][role]))) or ["none"]
        selection = data.draw(st.lists(ids, max_size=3), label="selection")
        response = client.post(
            url,
            {
                "action": data.draw(st.sampled_from(actions), label="action"),
                "_selected_action": selection,
                "index": "0",
            },
        )
    else:
        body = data.draw(st.dictionaries(st.sampled_from(FORM_KEYS), hostile, max_size=4))
        response = client.post(url, body)

    assert response.status_code < 500, (role, how, url, response.status_code)
    succeeded = how != "get" and response.status_code == 302
    if not succeeded:
        assert table_counts() == before, (role, how, url, response.status_code)
    else:
        public_pages_answer(seeded["published"])


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_fuzzer_reaches_every_admin_and_its_own_views():
    names = {name for name, _params, _admin in admin_urls()}
    for model in admin.site._registry:
        assert f"{model._meta.app_label}_{model._meta.model_name}_changelist" in names
    assert {"claims_claim_transition", "exchange_reviewlink_decide"} <= names
