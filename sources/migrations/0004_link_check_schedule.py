"""The default beat schedule for link health (editable afterwards in admin, Periodic tasks),
and link permissions for the editorial groups: everyone may see link health and ask for a
recheck."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TASK_NAME = "Check due links"
GROUPS = ["Reporter", "Fact-checker", "Editor"]
PERMISSIONS = ["view_link", "change_link", "view_linkcheck"]


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "sources.tasks.dispatch_due_links",
            "interval": every_minute,
            "description": (
                "Leases links that are due for a check in bounded batches and hands each batch "
                "to a worker. Healthy links are rechecked weekly; failing ones back off."
            ),
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


def grant_link_permissions(apps, schema_editor):
    app_config = apps.get_app_config("sources")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="sources", codename__in=PERMISSIONS
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0003_link_checks"),
        ("claims", "0002_rating_scale_and_groups"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_schedule, remove_schedule),
        migrations.RunPython(grant_link_permissions, migrations.RunPython.noop),
    ]
