"""Reporter and up may import articles and see the imports (SPEC: intake, Reporter and up)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Reporter", "Fact-checker", "Editor"]
CODENAMES = ["add_articleimport", "change_articleimport", "view_articleimport"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("intake")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="intake", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_matching_indexes"),
        ("claims", "0002_rating_scale_and_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
