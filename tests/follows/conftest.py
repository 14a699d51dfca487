import pytest

from tests.smtp_support import SmtpServer


@pytest.fixture(scope="session")
def smtp_server(tmp_path_factory):
    server = SmtpServer(tmp_path_factory.mktemp("smtp")).start()
    yield server
    server.stop()


@pytest.fixture
def inbox(smtp_server, settings, eager_tasks):
    """Django's SMTP backend pointed at the local aiosmtpd server, tasks run in-process."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    smtp_server.clear()
    return smtp_server
