"""Every listener of the record's events is named in claims/events.py: a consequence of a write
wired up somewhere else fails here until it is written down there."""

import weakref

import pytest

from claims import events


def listeners(signal) -> list[str]:
    names = []
    for entry in signal.receivers:
        receiver = entry[1]
        if isinstance(receiver, weakref.ReferenceType):
            receiver = receiver()
        names.append(f"{receiver.__module__}.{receiver.__qualname__}")
    return names


@pytest.mark.parametrize(
    ("signal", "expected"),
    [
        (
            events.faces_changed,
            [
                "intake.matchtext._faces_changed",
                "webhooks.receivers.announce_content_edits",
            ],
        ),
        (
            events.claim_announced,
            ["webhooks.receivers.record_event", "follows.receivers.record_notice"],
        ),
    ],
)
def test_every_listener_is_the_documented_one_in_the_documented_order(signal, expected):
    assert listeners(signal) == expected
    for name in expected:
        module = name.rsplit(".", 2)[0]
        assert module in events.__doc__
