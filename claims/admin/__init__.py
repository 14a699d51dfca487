"""The editors' desk in Django admin, one module per part of the record."""

from claims.admin import catalogue, desk, reviews, sources  # noqa: F401 - registers the admins
