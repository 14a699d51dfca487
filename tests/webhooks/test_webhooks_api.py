import pytest

from tests.api_support import client_for
from webhooks.models import Delivery, DeliveryAttempt, Endpoint, Event

pytestmark = pytest.mark.django_db


def test_an_account_registers_an_endpoint_and_gets_a_secret(outsider):
    answer = client_for(outsider).post(
        "/api/v1/webhooks/", {"url": "https://hooks.example.org/claimtrack"}, format="json"
    )

    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["events"] == [
        "claim.corrected",
        "claim.published",
        "claim.repeated",
        "claim.updated",
    ]
    assert len(body["secret"]) >= 32
    assert Endpoint.objects.get().owner == outsider


def test_a_consumer_may_bring_its_own_secret_and_pick_events(outsider):
    answer = client_for(outsider).post(
        "/api/v1/webhooks/",
        {
            "url": "https://hooks.example.org/x",
            "secret": "a-secret-of-our-own-choosing",
            "events": ["claim.corrected"],
        },
        format="json",
    )

    assert answer.json()["events"] == ["claim.corrected"]
    assert Endpoint.objects.get().secret == "a-secret-of-our-own-choosing"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://[::1]/hook",
        "http://0x7f.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.8/hook",
        "ftp://hooks.example.org/",
        "https://user:pass@hooks.example.org/",
    ],
)
def test_a_private_or_odd_destination_is_refused_at_registration(outsider, url):
    answer = client_for(outsider).post("/api/v1/webhooks/", {"url": url}, format="json")

    assert answer.status_code == 400
    assert "url" in answer.json()["fields"]


def test_an_unknown_event_is_a_field_error(outsider):
    answer = client_for(outsider).post(
        "/api/v1/webhooks/",
        {"url": "https://hooks.example.org/", "events": ["claim.deleted"]},
        format="json",
    )

    assert answer.status_code == 400
    assert "events" in answer.json()["fields"]


def test_endpoints_belong_to_their_owner(outsider, reporter):
    mine = Endpoint.objects.create(owner=outsider, url="https://a.example.org/")
    Endpoint.objects.create(owner=reporter, url="https://b.example.org/")

    listed = client_for(outsider).get("/api/v1/webhooks/").json()["results"]

    assert [e["id"] for e in listed] == [mine.pk]
    assert client_for(reporter).get(f"/api/v1/webhooks/{mine.pk}/").status_code == 404
    assert client_for(reporter).delete(f"/api/v1/webhooks/{mine.pk}/").status_code == 404
    assert client_for().get("/api/v1/webhooks/").status_code == 401


def test_the_owner_reads_the_delivery_log_and_resumes_a_paused_endpoint(outsider):
    endpoint = Endpoint.objects.create(
        owner=outsider,
        url="https://a.example.org/",
        is_active=False,
        paused_reason="Paused after 5 deliveries in a row failed.",
        consecutive_failures=5,
    )
    event = Event.objects.create(type="claim.published", data={"claim": {}})
    delivery = Delivery.objects.create(
        endpoint=endpoint, event=event, status="failed", attempts=2, last_status_code=500
    )
    DeliveryAttempt.objects.create(delivery=delivery, number=1, status_code=500, latency_ms=12)
    DeliveryAttempt.objects.create(delivery=delivery, number=2, status_code=500, latency_ms=9)
    client = client_for(outsider)

    log = client.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()["results"]
    resumed = client.patch(f"/api/v1/webhooks/{endpoint.pk}/", {"is_active": True}, format="json")

    assert log[0]["event_id"] == str(event.uuid)
    assert [a["status_code"] for a in log[0]["history"]] == [500, 500]
    assert resumed.json()["is_active"] is True
    assert resumed.json()["paused_reason"] == ""
    assert resumed.json()["consecutive_failures"] == 0


def test_the_admin_shows_endpoints_and_their_deliveries(admin_client, outsider):
    endpoint = Endpoint.objects.create(owner=outsider, url="https://a.example.org/")
    event = Event.objects.create(type="claim.published", data={"claim": {}})
    delivery = Delivery.objects.create(endpoint=endpoint, event=event, attempts=1)
    DeliveryAttempt.objects.create(delivery=delivery, number=1, error="Refused: loopback")

    assert admin_client.get(f"/admin/webhooks/endpoint/{endpoint.pk}/change/").status_code == 200
    page = admin_client.get(f"/admin/webhooks/delivery/{delivery.pk}/change/")
    assert page.status_code == 200
    assert "Refused: loopback" in page.content.decode()
    assert admin_client.get("/admin/webhooks/delivery/").status_code == 200


def test_staff_register_an_endpoint_for_a_consumer_in_the_admin(admin_client, outsider):
    assert admin_client.get("/admin/webhooks/endpoint/add/").status_code == 200

    answer = admin_client.post(
        "/admin/webhooks/endpoint/add/",
        {
            "owner": outsider.pk,
            "url": "https://hooks.example.org/newsroom",
            "description": "Partner newsroom",
            "events": ["claim.published", "claim.corrected"],
            "secret": "a-long-enough-shared-secret",
            "is_active": "on",
        },
    )

    assert answer.status_code == 302, answer.content.decode()[:2000]
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["claim.published", "claim.corrected"]
    assert endpoint.owner == outsider


def test_the_admin_refuses_a_private_destination_too(admin_client, outsider):
    answer = admin_client.post(
        "/admin/webhooks/endpoint/add/",
        {
            "owner": outsider.pk,
            "url": "http://192.168.1.10/hook",
            "events": ["claim.published"],
            "secret": "a-long-enough-shared-secret",
        },
    )

    assert answer.status_code == 200
    assert "private-network address" in answer.content.decode()
    assert not Endpoint.objects.exists()
