"""The one write of the intake desk: chosen sentences become claims (status `new`) or new
appearances of existing claims, with their Source and any new Speakers, in one transaction
recorded on the ArticleImport (who, when, what was created) and in each row's history."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from claims import edits
from claims.models import Claim, Speaker
from intake import tasks
from intake.models import ArticleImport
from sources.models import Outlet, Source
from tracker import outbox


@dataclass(frozen=True)
class Choice:
    """What to do with candidate `index` of an import."""

    index: int
    speaker_id: int | None = None
    new_speaker: str = ""  # a name to create as a Speaker instead
    repeat_of: int | None = None  # an existing claim: add an appearance, not a new claim
    translation: str = ""


def _source(article_import: ArticleImport, by) -> Source:
    if article_import.source is not None:
        return article_import.source
    outlet = None
    if article_import.outlet_name:
        outlet = Outlet.objects.filter(
            name=article_import.outlet_name
        ).first() or edits.outlet_create(by=by, name=article_import.outlet_name)
    return edits.source_for_url(
        url=article_import.url,
        by=by,
        title=article_import.title or _first_line(article_import.article_text),
        outlet=outlet,
        published_on=article_import.published_on,
        language=article_import.language or "en",
    )


def _first_line(text: str) -> str:
    """A title for an article that has none: its first line, cut at a word near 120 letters."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return Truncator(line).chars(120)


def _speaker(choice: Choice, by) -> tuple[Speaker, bool]:
    """The chosen speaker, and whether it was created now."""
    if choice.new_speaker.strip():
        return edits.speaker_for_name(name=choice.new_speaker, by=by)
    if choice.speaker_id is None:
        raise ValidationError({"speaker": _("Choose the speaker of every ticked sentence.")})
    try:
        return Speaker.objects.get(pk=choice.speaker_id), False
    except Speaker.DoesNotExist:
        raise ValidationError(
            {"speaker": _("There is no speaker #%(id)s.") % {"id": choice.speaker_id}}
        ) from None


def intake_confirm(*, article_import_id: int, choices: list[Choice], by) -> ArticleImport:
    """Create what the Reporter chose, all or nothing. Raises ValidationError on bad choices
    and PermissionDenied for a role that may not capture claims."""
    if not (by.has_perm("claims.add_claim") and by.has_perm("claims.add_appearance")):
        raise PermissionDenied(_("Your role does not allow capturing claims."))
    if not choices:
        raise ValidationError({"choices": _("Tick at least one sentence.")})
    with transaction.atomic():
        article_import = ArticleImport.objects.select_for_update().get(pk=article_import_id)
        if article_import.status != ArticleImport.Status.READY:
            raise ValidationError(
                {"import": _("This import is not ready, or was confirmed already.")}
            )
        candidates = article_import.candidates
        source = _source(article_import, by)
        created: dict[str, list[int]] = {"claims": [], "appearances": [], "speakers": []}
        for choice in choices:
            if not 0 <= choice.index < len(candidates):
                raise ValidationError(
                    {"choices": _("There is no sentence #%(index)s.") % {"index": choice.index}}
                )
            quote = candidates[choice.index]["text"]
            speaker, new = _speaker(choice, by)
            if new:
                created["speakers"].append(speaker.pk)
            if choice.repeat_of is not None:
                claim = Claim.objects.filter(pk=choice.repeat_of).first()
                if claim is None:
                    raise ValidationError(
                        {"repeat_of": _("There is no claim #%(id)s.") % {"id": choice.repeat_of}}
                    )
            else:
                claim = edits.claim_create(
                    by=by,
                    text=quote,
                    language=article_import.language or "en",
                    translation=choice.translation,
                )
                created["claims"].append(claim.pk)
            # The freeze rule applies: an in-review or rejected claim takes no new appearance; a
            # published one takes a repeat, which waits for an Editor's confirmation.
            appearance = edits.appearance_create(
                claim=claim,
                by=by,
                speaker=speaker,
                source=source,
                said_on=article_import.published_on,
                quote=quote,
                quote_language=article_import.language or "en",
            )
            created["appearances"].append(appearance.pk)
        article_import.source = source
        article_import.created = created
        article_import.status = ArticleImport.Status.DONE
        article_import.confirmed_at = timezone.now()
        article_import.save()
    return article_import


def intake_start(*, by, url: str = "", text: str = "", language: str = "") -> ArticleImport:
    """Record an article to take in and queue its extraction once the row is committed."""
    if not by.has_perm("intake.add_articleimport"):
        raise PermissionDenied(_("Your role does not allow importing articles."))
    url, text = url.strip(), text.strip()
    if bool(url) == bool(text):
        raise ValidationError({"url": _("Give either the article's address or its text.")})
    article_import = ArticleImport(url=url, pasted_text=text, language=language, created_by=by)
    article_import.full_clean()
    with transaction.atomic():
        article_import.save()
        # The extraction writes its stages and refusals in the Reporter's language.
        language = translation.get_language()
        outbox.enqueue(tasks.extract_article.name, article_import.pk, language)
    return article_import
