"""The rating scale's positions stay distinct: the list edit and the change form refuse a
position given twice, and a swap of two positions in one list edit goes through."""

import pytest
from django.urls import reverse

from claims.models import RatingLevel

pytestmark = pytest.mark.django_db


def list_edit(levels, positions) -> dict:
    data = {
        "form-TOTAL_FORMS": str(len(levels)),
        "form-INITIAL_FORMS": str(len(levels)),
        "_save": "Save",
    }
    for i, (level, position) in enumerate(zip(levels, positions, strict=True)):
        data[f"form-{i}-id"] = str(level.pk)
        data[f"form-{i}-position"] = str(position)
    return data


def test_the_list_edit_refuses_one_position_for_every_level(client, editor):
    editor.user_permissions.add(*_change_permission())
    client.force_login(editor)
    levels = list(RatingLevel.objects.order_by("position"))
    before = [level.position for level in levels]
    page = client.post(
        reverse("admin:claims_ratinglevel_changelist"), list_edit(levels, [1] * len(levels))
    )
    assert page.status_code == 200
    assert "needs its own position" in page.content.decode()
    assert list(RatingLevel.objects.order_by("position").values_list("position", flat=True)) == (
        before
    )


def test_two_levels_swap_positions_in_one_list_edit(client, editor):
    editor.user_permissions.add(*_change_permission())
    client.force_login(editor)
    levels = list(RatingLevel.objects.order_by("position"))
    positions = [level.position for level in levels]
    swapped = [positions[1], positions[0], *positions[2:]]
    page = client.post(reverse("admin:claims_ratinglevel_changelist"), list_edit(levels, swapped))
    assert page.status_code == 302
    levels[0].refresh_from_db()
    assert levels[0].position == positions[1]


def _change_permission():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename__in=["change_ratinglevel", "view_ratinglevel"])
