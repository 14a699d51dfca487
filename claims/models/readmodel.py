"""The read model of the published record: one row per public claim with what lists filter and
sort by, and its facets (speakers, topics, outlets, sources) as narrow rows.

Kept by claims.readmodel (called by claims.dependents in the writing transaction, or by its
tasks after the commit for large fan-outs); never written anywhere else. It holds published
faces only: a claim that is not public has no row.
"""

from collections.abc import Iterable

from django.db import models
from django.db.models import Lookup
from django.utils.translation import gettext_lazy as _

from claims.models.catalogue import RatingLevel
from claims.models.claim import Claim


class HasTags(Lookup):
    """`tags__has_tags=["r1", "s12"]`: rows whose tags hold every one of these tokens (letters
    and digits only, as claims.readmodel writes them). PostgreSQL answers from the GIN index over
    the row's search vector, which holds each tag as a lexeme `~<tag>` beside the words of the
    search text (migration 0019; no word can start with `~`), intersecting the tokens' posting
    lists, so a combination of filters costs what its rarest part costs; SQLite matches each
    token between the spaces that surround every token."""

    lookup_name = "has_tags"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", list(value))

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        conditions, params = [], []
        for token in self.rhs:
            conditions.append(f"{lhs} LIKE %s")
            params += [*lhs_params, f"% {token} %"]
        return "(" + " AND ".join(conditions or ["1 = 1"]) + ")", params

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            return "TRUE", []
        vector = f"{compiler.quote_name_unless_alias(self.lhs.alias)}.search_vector"
        return f"{vector} @@ %s::tsquery", [tag_query(self.rhs)]


def tag_query(tokens: Iterable[str]) -> str:
    """The tsquery text matching rows that hold every one of these tags (PostgreSQL): each a
    quoted lexeme, read as it is (a cast, not to_tsquery, whose parser would drop the `~`)."""
    return " & ".join(f"'~{token}'" for token in tokens)


class PublishedClaim(models.Model):
    """A public claim as lists read it: its verdict's date, rating and language."""

    claim = models.OneToOneField(
        Claim,
        verbose_name=_("claim"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="published_entry",
    )
    published_at = models.DateTimeField(_("verdict published"))
    rating = models.ForeignKey(
        RatingLevel, verbose_name=_("rating"), on_delete=models.PROTECT, related_name="+"
    )
    rating_position = models.PositiveSmallIntegerField(_("rating position"))
    language = models.CharField(_("language"), max_length=10)
    # What the list filters combine, as tokens between spaces: " r<rating> l<language>
    # s<speaker>… t<topic>… " (claims.readmodel.tags_for).
    tags = models.TextField(_("filter tags"), default="")
    # The folded words a search matches (claims.search.document_for of the public face). On
    # PostgreSQL a generated column `search_vector` holds its tsvector and the tags as lexemes
    # `~<tag>`, under one GIN index (migration 0019): filters and words in one index.
    document = models.TextField(_("search text"), default="")
    # The claim's API representation as JSON text, with what changes without the claim
    # changing left as references (public.api.payloads: the rating as its id, each link as
    # its id, the re-check date without today's part); empty until written. The digest is
    # what list ETags hash, so a 304 reads no payload.
    payload = models.TextField(_("API payload"), default="", blank=True)
    payload_digest = models.CharField(_("API payload digest"), max_length=16, default="")

    class Meta:
        verbose_name = _("published claim")
        verbose_name_plural = _("published claims")
        indexes = [
            # Lists are in verdict order, newest first: a page is a walk of this index that
            # stops after one page; the filters combined, and the words of a search, are one
            # GIN index over the search vector (migration 0019, PostgreSQL).
            models.Index(fields=["-published_at", "-claim"], name="readmodel_verdict_idx"),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} (published {self.published_at:%Y-%m-%d})"


class PublishedFacet(models.Model):
    """One thing a public claim shows that lists filter by: (claim, kind, id). The verdict's
    date is repeated here so that one facet's claims (a speaker's, a source's) are read in
    verdict order from this table's index alone, at any size."""

    class Kind(models.IntegerChoices):
        SPEAKER = 1, _("speaker")
        TOPIC = 2, _("topic")
        OUTLET = 3, _("outlet")
        SAID_IN = 4, _("source said in")
        CITES = 5, _("source cited")

    # Indexed by the unique constraint below, which starts with it.
    entry = models.ForeignKey(
        PublishedClaim,
        on_delete=models.CASCADE,
        related_name="facets",
        db_column="claim_id",
        db_index=False,
    )
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    value = models.PositiveIntegerField()
    published_at = models.DateTimeField()

    class Meta:
        verbose_name = _("published facet")
        verbose_name_plural = _("published facets")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "kind", "value"], name="readmodel_facet_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["kind", "value", "-published_at", "-entry"], name="readmodel_facet_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value} of claim {self.entry_id}"


PublishedClaim._meta.get_field("tags").register_lookup(HasTags)
