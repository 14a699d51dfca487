import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from tests.api_support import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings):
    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "5/minute"},
    }
    yield
    cache.clear()


def test_anonymous_callers_over_their_rate_get_429_with_retry_after(low_rates):
    answers = [client_for().get("/api/v1/ratings/") for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert answers[-1].json()["code"] == "throttled"


def test_token_holders_have_their_own_higher_rate(low_rates, reporter):
    client = client_for(reporter)
    codes = [client.get("/api/v1/ratings/").status_code for _ in range(6)]

    assert codes == [200] * 5 + [429]
    assert client_for().get("/api/v1/ratings/").status_code == 200


@pytest.mark.parametrize("value", ["lots", "10/fortnight", "0/minute", "-1/day", "²/minute"])
def test_a_bad_rate_setting_fails_at_start_naming_the_variable(monkeypatch, value):
    from tracker.env import envrate

    monkeypatch.setenv("API_THROTTLE_ANON", value)
    with pytest.raises(ImproperlyConfigured, match="API_THROTTLE_ANON"):
        envrate("API_THROTTLE_ANON", "1/minute")


def test_rates_come_from_the_environment():
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] == "100000/minute"


@pytest.mark.parametrize(
    "forwarded", ["", "203.0.113.9", "198.51.100.1, 203.0.113.9", ", ", "198.51.100.1,", " , ,"]
)
@pytest.mark.parametrize("proxies", [0, 1, 2])
def test_the_throttles_know_the_client_by_the_same_rule_as_the_admin_lockout(
    rf, settings, forwarded, proxies
):
    from tracker.api_limits import AnonThrottle
    from tracker.clientip import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/api/v1/claims/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="192.0.2.7")
    assert AnonThrottle().get_ident(request) == client_ip(request)
