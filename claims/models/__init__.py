"""Speakers, claims, their appearances, the rating scale, reviews with evidence, corrections,
and the log of every editorial transition: one module per part, every model importable from
here."""

from claims.models.catalogue import RatingLevel, Speaker, SpeakerRecord, Topic
from claims.models.claim import (
    PUBLISHED_FACE_FIELDS,
    Appearance,
    Claim,
    ClaimQuerySet,
    PublishedFaceIterable,
)
from claims.models.readmodel import PublishedClaim, PublishedFacet
from claims.models.review import ClaimTransition, Correction, Evidence, Review

__all__ = [
    "PUBLISHED_FACE_FIELDS",
    "Appearance",
    "Claim",
    "ClaimQuerySet",
    "ClaimTransition",
    "Correction",
    "Evidence",
    "PublishedClaim",
    "PublishedFaceIterable",
    "PublishedFacet",
    "RatingLevel",
    "Review",
    "Speaker",
    "SpeakerRecord",
    "Topic",
]
