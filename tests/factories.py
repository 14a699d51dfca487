"""Test data. The catalogue and claims are created through claims.edits, the services that
admin, API and demo loader call, as `factory_user()`; appearances, reviews and evidence are
written directly (see ThroughEdits), and `walk_to` moves claims along the real workflow."""

import datetime

import factory
from django.contrib.auth.models import Group, User

from claims.models import Appearance, Claim, Evidence, RatingLevel, Review, Speaker, Topic
from sources.models import Outlet, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        for name in names or ():
            self.groups.add(Group.objects.get(name=name))


def factory_user() -> User:
    """The account factories write as: a superuser, so that what the services check is the
    freeze rule and full_clean, not a role."""
    user, _ = User.objects.get_or_create(
        username="test-factories", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


class ThroughEdits(factory.django.DjangoModelFactory):
    """Creates with `claims.edits.<model>_create(by=factory_user(), **fields)`.

    AppearanceFactory, ReviewFactory and EvidenceFactory stay plain: tests build rows for
    claims at every workflow state (an appearance of a published claim, a review in any state),
    which the services refuse by design (the freeze rule: appearances change only while the
    claim is new or researched; reviews are opened by services.review_start while researching
    and written only as drafts). Use walk_to, or the services, to go through the workflow."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from claims import edits

        keys = cls._meta.django_get_or_create
        if keys:
            found = model_class.objects.filter(**{k: kwargs[k] for k in keys}).first()
            if found is not None:
                return found
        create = getattr(edits, f"{model_class._meta.model_name}_create")
        return create(by=factory_user(), **kwargs)


class OutletFactory(ThroughEdits):
    class Meta:
        model = Outlet
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Outlet {n}")


class SourceFactory(ThroughEdits):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Source document {n}")
    outlet = factory.SubFactory(OutletFactory)
    language = "en"
    published_on = datetime.date(2024, 10, 13)


class SpeakerFactory(ThroughEdits):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Speaker {n}")


class TopicFactory(ThroughEdits):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ClaimFactory(ThroughEdits):
    class Meta:
        model = Claim

    text = factory.Sequence(lambda n: f"Trung Quốc có hơn {n} mô hình ngôn ngữ lớn")
    language = "vi"
    translation = factory.Sequence(lambda n: f"China has over {n} large language models")


class AppearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appearance

    claim = factory.SubFactory(ClaimFactory)
    speaker = factory.SubFactory(SpeakerFactory)
    source = factory.SubFactory(SourceFactory)
    quote = factory.LazyAttribute(lambda a: a.claim.text)
    quote_language = "vi"
    said_on = datetime.date(2024, 10, 1)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    claim = factory.SubFactory(ClaimFactory)
    rating = factory.LazyFunction(lambda: RatingLevel.objects.get(slug="mostly-true"))
    summary = "The count is roughly right."
    reasoning = "Regulators listed the registered models."
    author = factory.SubFactory(UserFactory)


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    review = factory.SubFactory(ReviewFactory)
    source = factory.SubFactory(SourceFactory)
    stance = Evidence.Stance.SUPPORTS
    quotation = "A quotation from the source."


def walk_to(
    claim: Claim, status: str, *, checker: User, editor: User, rating: str = "false", note: str = ""
) -> Claim:
    """Move `claim` along the real workflow to `status`, writing a review on the way."""
    from claims import edits, services

    path = {
        "new": [],
        "researching": ["start_research"],
        "in_review": ["start_research", "submit"],
        "published": ["start_research", "submit", "publish"],
        "rejected": ["reject"],
    }[status]
    for name in path:
        by = editor if name in ("publish", "reject") else checker
        if name == "submit":
            review = services.review_start(claim=claim, by=checker)
            edits.review_update(
                review=review,
                by=checker,
                rating=RatingLevel.objects.get(slug=rating),
                summary=review.summary or "Example verdict for tests.",
            )
            edits.evidence_add(
                review=review,
                by=checker,
                source=SourceFactory(),
                stance=Evidence.Stance.SUPPORTS,
                quotation="A quotation from the source.",
            )
        services.claim_transition(
            claim_id=claim.pk, name=name, by=by, note=note or f"{name} in a test"
        )
    claim.refresh_from_db()
    return claim
