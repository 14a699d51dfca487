import pytest

from tests.factories import ClaimFactory, UserFactory, walk_to


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.3 s per user; tests do not need its strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def static_files_without_collectstatic(settings):
    """Production serves hashed files from collectstatic; tests read them from the apps."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def reporter(db):
    return UserFactory(username="rita-reporter", groups=["Reporter"])


@pytest.fixture
def checker(db):
    return UserFactory(username="fred-checker", groups=["Fact-checker"])


@pytest.fixture
def checker2(db):
    return UserFactory(username="fiona-checker", groups=["Fact-checker"])


@pytest.fixture
def editor(db):
    return UserFactory(username="erin-editor", groups=["Editor"])


@pytest.fixture
def editor2(db):
    return UserFactory(username="ed-editor", groups=["Editor"])


@pytest.fixture
def outsider(db):
    return UserFactory(username="olga-outsider", is_staff=False)


@pytest.fixture
def make_claim(checker, editor):
    """make_claim("published", rating="true", **claim_fields) walks a new claim there."""

    def make(status: str = "new", *, rating: str = "false", **fields):
        return walk_to(
            ClaimFactory(**fields), status, checker=checker, editor=editor, rating=rating
        )

    return make


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` or `worker` run in CI's second pass (PostgreSQL + Redis)."""
    from django.conf import settings
    from django.db import connection

    no_postgres = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgresql://…")
    no_broker = pytest.mark.skip(reason="needs a broker and real workers: set CELERY_BROKER_URL")
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(no_postgres)
        if "worker" in item.keywords and not settings.CELERY_BROKER_URL:
            item.add_marker(no_broker)
