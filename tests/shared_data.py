"""Data built once for the tests of a module (or a class), where building it costs more than
the tests: in a transaction rolled back after the last of them, each test running in a
savepoint inside it (pytest-django's `db` nests in it, so a test's writes are rolled back after
it as usual).

pytest keeps a module-scoped fixture until the module's last test, whether that test asks for
it or not: use one only where every test of the module does (else scope it to a class). A test
must not keep what an earlier one changed in memory: it reads the rows again
(tests/record_support.py, `afresh`)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.test import override_settings


@contextmanager
def rolled_back_after_its_tests(django_db_blocker) -> Iterator[None]:
    """For a module- or class-scoped fixture: `with rolled_back_after_its_tests(django_db_blocker):`
    build the data, then yield it. Users get the tests' fast password hasher."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)
