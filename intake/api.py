"""Intake over REST: `claims/match/` (anonymous: published claims only) and `intake/`
(token, Reporter and up): start an import, read its candidates, confirm choices."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from intake import services
from intake.matching import MAX_TEXT, match_claims
from intake.models import ArticleImport
from tracker.api import error_response


class MatchView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("text", str, required=True)],
        responses={200: dict},
        description="Claims ranked by similarity to `text`, ignoring case and diacritics. "
        "Anonymous callers see published claims only.",
    )
    def get(self, request):
        text = request.query_params.get("text", "").strip()
        if not text:
            return error_response(_("Give the text to match in ?text=."), "invalid", 400)
        if len(text) > MAX_TEXT:
            return error_response(
                _("The text is longer than %(limit)d characters.") % {"limit": MAX_TEXT},
                "invalid",
                400,
            )
        matches = match_claims(text, user=request.user, limit=10)
        return Response(
            {
                "results": [
                    {"claim": m.claim_id, "score": m.score, "text": m.text, "status": m.status}
                    for m in matches
                ]
            }
        )


class CanImport(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.user.is_authenticated and request.user.has_perm("intake.add_articleimport")


class StartSerializer(serializers.Serializer):
    url = serializers.URLField(required=False, allow_blank=True, max_length=2000)
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)
    language = serializers.ChoiceField(choices=["vi", "en"], required=False, allow_blank=True)


MAX_ID = 2**63 - 1  # a row id: larger numbers are a clear 400, not a database error


class ChoiceSerializer(serializers.Serializer):
    index = serializers.IntegerField(min_value=0)
    speaker = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    new_speaker = serializers.CharField(required=False, allow_blank=True, max_length=200)
    repeat_of = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    translation = serializers.CharField(required=False, allow_blank=True)


class ConfirmSerializer(serializers.Serializer):
    choices = ChoiceSerializer(many=True, allow_empty=False)


def _payload(job: ArticleImport) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "progress": job.progress,
        "stage": job.stage,
        "error": job.error,
        "title": job.title,
        "outlet": job.outlet_name,
        "language": job.language,
        "sentences": job.sentences,  # in the article; `candidates` holds the best of them
        "candidates": job.candidates,
        "created": job.created,
    }


class IntakeView(APIView):
    permission_classes = [CanImport]

    @extend_schema(request=StartSerializer, responses={201: dict})
    def post(self, request):
        data = StartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.intake_start(
            by=request.user,
            url=data.validated_data.get("url", ""),
            text=data.validated_data.get("text", ""),
            language=data.validated_data.get("language", ""),
        )
        job.refresh_from_db()
        return Response(_payload(job), status=status.HTTP_201_CREATED)


class IntakeDetailView(APIView):
    permission_classes = [CanImport]

    @extend_schema(responses={200: dict})
    def get(self, request, pk: int):
        return Response(_payload(get_object_or_404(ArticleImport, pk=pk)))


class IntakeConfirmView(APIView):
    permission_classes = [CanImport]

    @extend_schema(request=ConfirmSerializer, responses={200: dict})
    def post(self, request, pk: int):
        get_object_or_404(ArticleImport, pk=pk)
        data = ConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        choices = [
            services.Choice(
                index=c["index"],
                speaker_id=c.get("speaker"),
                new_speaker=c.get("new_speaker", ""),
                repeat_of=c.get("repeat_of"),
                translation=c.get("translation", ""),
            )
            for c in data.validated_data["choices"]
        ]
        job = services.intake_confirm(article_import_id=pk, choices=choices, by=request.user)
        return Response(_payload(job))
