"""Fetching and extraction off the request: thin tasks that load the import and fill it in."""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from intake import article, extraction
from intake.models import ArticleImport

MATCH_ABOVE = 0.3  # sentences below this are shown but not compared with existing claims


def _report(article_import_id: int, **fields) -> None:
    ArticleImport.objects.filter(pk=article_import_id).update(**fields)


@shared_task(ignore_result=True)
def extract_article(article_import_id: int, language: str | None = None) -> None:
    """Fetch (through the SSRF guard) or read the article, then extract its candidates.
    Safe to run twice: only a pending import is claimed, by a conditional UPDATE. Its stages
    and refusals are written in `language`, the one the Reporter used to start it."""
    with translation.override(language or settings.LANGUAGE_CODE):
        _extract_article(article_import_id)


def _extract_article(article_import_id: int) -> None:
    with transaction.atomic():
        claimed = ArticleImport.objects.filter(
            pk=article_import_id, status=ArticleImport.Status.PENDING
        ).update(status=ArticleImport.Status.RUNNING, progress=5, stage=_("Reading the article"))
    if not claimed:
        return
    job = ArticleImport.objects.select_related("created_by").get(pk=article_import_id)
    try:
        _extract(job)
    except Exception:
        # A bug must not leave the Reporter watching a progress bar forever.
        _report(job.pk, status=ArticleImport.Status.FAILED, error=_("Extraction failed."), stage="")
        raise


def _extract(job: ArticleImport) -> None:
    try:
        if job.url:
            found = article.fetch(job.url, language=job.language)
        else:
            found = article.from_text(job.pasted_text, language=job.language)
    except article.IntakeError as exc:
        _report(job.pk, status=ArticleImport.Status.FAILED, error=str(exc), stage="", progress=100)
        return
    _report(
        job.pk,
        progress=30,
        stage=_("Finding check-worthy sentences"),
        title=found.title[:500],
        outlet_name=found.outlet[:200],
        author=found.author[:300],
        published_on=found.published_on,
        article_text=found.text,
        language=found.language,
    )

    def progress(done: int, total: int) -> None:
        if done % 5 == 0 or done == total:
            _report(job.pk, progress=30 + 65 * done // total, stage=_("Looking for repeats"))

    every = extraction.candidates(found.text)
    kept = every[: settings.INTAKE_MAX_CANDIDATES]  # a desk of 100,000 rows helps nobody
    extraction.add_matches(kept, user=job.created_by, match_above=MATCH_ABOVE, progress=progress)
    _report(
        job.pk,
        status=ArticleImport.Status.READY,
        progress=100,
        stage="",
        sentences=len(every),
        candidates=[c.as_json() for c in kept],
    )
