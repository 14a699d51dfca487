"""Seed the default rating scale and create the editorial groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RATINGS = [
    # slug, value, English, Vietnamese, colour, description (en), description (vi)
    ("false", 1, "False", "Sai", "#b3261e",
     "The claim is not accurate.", "Tuyên bố không chính xác."),
    ("mostly-false", 2, "Mostly false", "Phần lớn sai", "#d9622b",
     "The claim has an element of truth but ignores facts that would give a different "
     "impression.",
     "Tuyên bố có phần đúng nhưng bỏ qua những dữ kiện sẽ cho ấn tượng khác."),
    ("half-true", 3, "Half true", "Đúng một nửa", "#c9a227",
     "The claim is partially accurate but leaves out important details or takes things out "
     "of context.",
     "Tuyên bố đúng một phần nhưng bỏ sót chi tiết quan trọng hoặc tách khỏi bối cảnh."),
    ("mostly-true", 4, "Mostly true", "Phần lớn đúng", "#5e9c3a",
     "The claim is accurate but needs clarification or additional information.",
     "Tuyên bố chính xác nhưng cần làm rõ hoặc bổ sung thông tin."),
    ("true", 5, "True", "Đúng", "#2e7d32",
     "The claim is accurate and nothing significant is missing.",
     "Tuyên bố chính xác và không thiếu điều gì quan trọng."),
    ("misleading", None, "Misleading", "Gây hiểu lầm", "#6a4c93",
     "Accurate facts presented so that they leave a false impression.",
     "Dữ kiện có thể đúng nhưng được trình bày để tạo ấn tượng sai."),
    ("unverifiable", None, "Unverifiable", "Không thể kiểm chứng", "#607d8b",
     "The available evidence can neither confirm nor refute the claim.",
     "Bằng chứng hiện có không thể xác nhận hay bác bỏ tuyên bố."),
]

CAPTURE = ["speaker", "topic", "claim", "appearance"]
SOURCES = ["outlet", "source"]
RESEARCH = ["review", "evidence"]
READ_ONLY = ["ratinglevel", "correction", "claimtransition"]

GROUPS = {
    "Reporter": {
        "claims": {**{m: "add change view" for m in CAPTURE},
                   **{m: "view" for m in RESEARCH + READ_ONLY}},
        "sources": {m: "add change view" for m in SOURCES},
        "transitions": [],
    },
    "Fact-checker": {
        "claims": {**{m: "add change view" for m in CAPTURE},
                   **{m: "add change delete view" for m in RESEARCH},
                   **{m: "view" for m in READ_ONLY}},
        "sources": {m: "add change view" for m in SOURCES},
        "transitions": ["start_research", "submit"],
    },
    "Editor": {
        "claims": {**{m: "add change delete view" for m in CAPTURE + RESEARCH},
                   "ratinglevel": "add change view", "correction": "view",
                   "claimtransition": "view"},
        "sources": {m: "add change delete view" for m in SOURCES},
        "transitions": ["start_research", "submit", "publish", "send_back", "reject", "reopen"],
    },
}


def seed(apps, schema_editor):
    RatingLevel = apps.get_model("claims", "RatingLevel")
    for position, (slug, value, en, vi, color, desc_en, desc_vi) in enumerate(RATINGS):
        RatingLevel.objects.get_or_create(
            slug=slug,
            defaults=dict(value=value, label_en=en, label_vi=vi, color=color, position=position,
                          description_en=desc_en, description_vi=desc_vi),
        )

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, spec in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [
            (app, f"{action}_{model}")
            for app in ("claims", "sources")
            for model, actions in spec[app].items()
            for action in actions.split()
        ] + [("claims", f"{t}_claim") for t in spec["transitions"]]
        for app, codename in codenames:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("sources", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
