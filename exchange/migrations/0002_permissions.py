"""Who may do what with external reviews: everyone on the desk sees them and their links,
Fact-checkers and Editors import, Editors confirm or reject links."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Reporter": ["view_externalreview", "view_reviewlink"],
    "Fact-checker": ["view_externalreview", "view_reviewlink", "add_externalreview"],
    "Editor": [
        "view_externalreview",
        "view_reviewlink",
        "add_externalreview",
        "change_externalreview",
        "change_reviewlink",
    ],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("exchange")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="exchange", codename__in=GRANTS[group.name]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0001_initial"),
        ("claims", "0002_rating_scale_and_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
