"""Beat schedule: every night, flag published verdicts whose evidence died and renew the claims
whose re-check date has come (editable afterwards in admin, Periodic tasks)."""

from django.db import migrations

TASK_NAME = "Flag verdicts due for a re-check"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*"
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={
            "task": "claims.recheck_sweep",
            "crontab": nightly,
            "description": (
                "Flags published claims whose evidence links are dead with no archived copy; "
                "they join the admin's 'Due for re-check' queue with those past their date."
            ),
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_recheck_after"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
