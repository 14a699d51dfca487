"""One outbound-URL policy on every URL the server fetches (a source's URL, a webhook
endpoint): the SSRF guard's rule, as a validator on the model fields, so the admin and the API
refuse the same URLs for the same reason."""

import ipaddress

import pytest
from django.core.exceptions import ValidationError

from sources.models import Source
from sources.validators import validate_outbound_url
from tests.api_support import client_for
from webhooks.models import Endpoint

REFUSED = [
    "http://127.0.0.1:8000/report",
    "http://[::1]/report",
    "http://0x7f.1/report",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.8/report",
    "ftp://files.example.org/report",
    "https://user:pass@example.org/report",
]


@pytest.mark.parametrize("url", REFUSED)
def test_a_source_url_the_guard_refuses_is_a_field_error_in_the_api(reporter, url):
    answer = client_for(reporter).post(
        "/api/v1/sources/", {"title": "Report", "url": url, "language": "en"}, format="json"
    )

    assert answer.status_code == 400
    assert "url" in answer.json()["fields"]
    assert not Source.objects.exists()


def test_the_admin_refuses_a_private_source_url_with_the_guards_reason(admin_client):
    answer = admin_client.post(
        "/admin/sources/source/add/",
        {"title": "Intranet memo", "url": "http://192.168.1.10/memo", "kind": "report",
         "language": "en"},
    )  # fmt: skip

    assert answer.status_code == 200
    assert "private-network address" in answer.content.decode()
    assert not Source.objects.exists()


def test_a_public_source_url_is_accepted_everywhere(reporter, admin_client):
    answer = client_for(reporter).post(
        "/api/v1/sources/",
        {"title": "Report", "url": "https://example.org/report", "language": "en"},
        format="json",
    )
    assert answer.status_code == 201
    admin_client.post(
        "/admin/sources/source/add/",
        {"title": "Memo", "url": "https://example.org/memo", "kind": "report", "language": "en"},
    )
    assert Source.objects.count() == 2


@pytest.mark.parametrize("model", [Source, Endpoint])
def test_the_models_carry_the_policy_themselves(model):
    validators = model._meta.get_field("url").validators
    assert validate_outbound_url in validators


def test_networks_the_operator_allows_are_accepted(settings):
    with pytest.raises(ValidationError) as refused:
        validate_outbound_url("http://127.0.0.1:8000/hook")
    assert refused.value.code == "refused_url"

    settings.LINKCHECK_ALLOWED_PRIVATE_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    validate_outbound_url("http://127.0.0.1:8000/hook")
