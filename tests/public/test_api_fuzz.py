"""Property-based fuzzing of the API, enumerated from its own OpenAPI schema (so new endpoints
are covered without touching this file): any JSON body to every write endpoint and any query
string to every list answers below 500, and a refused write leaves no trace in the database."""

import base64
import json
import string
from collections.abc import Iterator

import pytest
from django.apps import apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api_support import client_for
from tests.factories import AppearanceFactory, SourceFactory

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch")
EXAMPLES_PER_OPERATION = 12

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["", "published", "false", "2026-13-45", "https://[fec0::1]/", "\x1b"])
)


def nested_lists(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


json_values = st.integers(min_value=15, max_value=600).map(nested_lists) | st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
forged_cursors = st.text(max_size=30).map(
    lambda position: base64.b64encode(f"o=0&p={position}".encode()).decode()
)
query_values = (
    st.text(max_size=30)
    | forged_cursors
    | st.sampled_from(
        ["", "0", "-1", "99999999999999999999", "2026-02-30T25:00", "%00", "http://", "a" * 300]
    )
)


def schema_operations(client) -> Iterator[tuple[str, str, dict]]:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def body_fields(operation: dict, schema: dict) -> list[str]:
    """The property names the operation's JSON body declares (followed through $ref)."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    ref = content.get("schema", {}).get("$ref", "")
    component = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
    return sorted(component.get("properties", {}))


def database_state() -> dict[str, int]:
    """Row counts of every table the API can write, history tables included: a partial write
    (or an edit that was refused after saving something) shows up here."""
    return {
        model._meta.label: model._default_manager.count()
        for app in ("claims", "sources", "webhooks")
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def rows(make_claim, editor):
    published = make_claim("published")
    researching = make_claim("researching")
    AppearanceFactory(claim=published, source=SourceFactory(url="https://example.org/a"))
    endpoint = client_for(editor).post(
        "/api/v1/webhooks/", {"url": "https://hooks.example.org/x"}, format="json"
    )
    ids = {
        str(pk)
        for pk in (
            published.pk,
            researching.pk,
            published.published_review_id,
            endpoint.json()["id"],
            *published.appearances.values_list("pk", flat=True),
            *published.appearances.values_list("source_id", flat=True),
        )
    }
    slugs = {a.speaker.slug for a in published.appearances.all()} | {"false", "nope"}
    return {"id": sorted(ids | {"0", "999999999999999"}), "slug": sorted(slugs)}


def fill_path(path: str, rows: dict, data: st.DataObject) -> str:
    for name, choices in rows.items():
        if "{" + name + "}" in path:
            path = path.replace("{" + name + "}", data.draw(st.sampled_from(choices)))
    return path


def test_any_body_to_any_write_endpoint_is_answered_below_500_with_no_partial_write(editor, rows):
    client = client_for(editor)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    writes = [
        (path, method, body_fields(op, schema))
        for path, method, op in schema_operations(client)
        if method in WRITE_METHODS
    ]
    assert len(writes) >= 15  # the schema really was read

    for path, method, fields in writes:
        fuzz_write(client, rows, path, method, fields)()


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def fuzz_write(client, rows: dict, path: str, method: str, fields: list[str]):
    bodies = json_values | st.fixed_dictionaries(
        {}, optional={name: json_values for name in fields}
    )

    @FUZZ_SETTINGS
    @given(data=st.data(), body=bodies)
    def fuzz(data, body):
        url = fill_path(path, rows, data)
        before = database_state()
        response = getattr(client, method)(
            url, data=json.dumps(body), content_type="application/json"
        )
        assert response.status_code < 500, (method, url, body, response.content[:500])
        if response.status_code >= 400:
            assert database_state() == before, (method, url, body, response.status_code)

    return fuzz


def fuzz_list(clients: tuple, rows: dict, path: str, names: list[str]):
    keys = st.sampled_from([*names, "junk", "ordering", "cursor"]) | st.text(
        string.ascii_letters + "[]_", max_size=10
    )

    @FUZZ_SETTINGS
    @given(data=st.data(), query=st.dictionaries(keys, query_values, max_size=5))
    def fuzz(data, query):
        url = fill_path(path, rows, data)
        for client in clients:
            response = client.get(url, query)
            assert response.status_code < 500, (url, query, response.content[:500])

    return fuzz


def test_any_query_string_to_any_list_is_answered_below_500(editor, rows):
    anonymous, newsroom = client_for(), client_for(editor)
    lists = [
        (path, [p["name"] for p in op.get("parameters", []) if p["in"] == "query"])
        for path, method, op in schema_operations(anonymous)
        if method == "get"
    ]
    assert len(lists) >= 15

    for path, names in lists:
        fuzz_list((anonymous, newsroom), rows, path, names)()
