"""Helpers shared by the API tests: clients holding a token, and a set of claims in every state."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import AppearanceFactory, SourceFactory, SpeakerFactory

STATES = ("new", "researching", "in_review", "published", "rejected")


def client_for(user=None) -> APIClient:
    """An API client authenticated with `user`'s token, or anonymous."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def claims_in_every_state(make_claim) -> dict:
    """One claim per workflow state, each with an appearance by its own speaker and source."""
    claims = {}
    for state in STATES:
        claim = make_claim(state, text=f"Claim that is {state}", translation="")
        AppearanceFactory(
            claim=claim,
            speaker=SpeakerFactory(name=f"Speaker {state}", slug=f"speaker-{state}"),
            source=SourceFactory(
                title=f"Source {state}", url=f"https://news.example.org/{state}?utm_source=x"
            ),
            quote=f"Quote {state}",
        )
        claims[state] = claim
    return claims
