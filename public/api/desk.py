"""GET /api/v1/desk/: the desk dashboard's figures (claims.desk_figures) for newsroom tokens."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.admin.dashboard import PeriodForm
from claims.desk_figures import as_data, desk_figures
from claims.workflow import in_newsroom


class InNewsroom(permissions.BasePermission):
    """Reporters, fact-checkers and editors (and superusers): the desk's own figures."""

    def has_permission(self, request, view) -> bool:
        return in_newsroom(request.user)


class DeskTimeToVerdictSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a field named label
    count = serializers.IntegerField(help_text="First verdicts published in the range.")
    median_hours = serializers.FloatField(allow_null=True)
    p90_hours = serializers.FloatField(allow_null=True)


class DeskQueueItemSerializer(serializers.Serializer):
    claim = serializers.IntegerField()
    text = serializers.CharField()
    since = serializers.DateTimeField(help_text="When it entered the queue.")
    age_days = serializers.FloatField()


class DeskQueueSerializer(serializers.Serializer):
    key = serializers.ChoiceField(
        choices=["new", "researching", "in_review", "repeats", "recheck", "dead_evidence"]
    )
    label = serializers.CharField()  # type: ignore[assignment]  # a field named label
    count = serializers.IntegerField()
    oldest_age_days = serializers.FloatField(allow_null=True)
    oldest = DeskQueueItemSerializer(many=True, help_text="The oldest items, oldest first.")


class DeskWeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday of the week.")
    submitted = serializers.IntegerField()
    published = serializers.IntegerField()


class DeskThroughputSerializer(serializers.Serializer):
    person = serializers.CharField()
    submitted = serializers.IntegerField(help_text="Reviews submitted in the range.")
    published = serializers.IntegerField(help_text="Verdicts published in the range.")
    per_week = serializers.FloatField()
    open_assigned = serializers.IntegerField(help_text="Open claims assigned to them now.")
    weeks = DeskWeekSerializer(many=True)


class DeskLinkHealthSerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named label
    count = serializers.IntegerField()


class DeskFiguresSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    generated_at = serializers.DateTimeField()
    time_to_verdict = DeskTimeToVerdictSerializer()
    time_to_verdict_by_topic = DeskTimeToVerdictSerializer(many=True)
    time_to_verdict_by_fact_checker = DeskTimeToVerdictSerializer(many=True)
    queues = DeskQueueSerializer(many=True)
    throughput = DeskThroughputSerializer(many=True)
    dead_evidence = DeskQueueSerializer()
    link_health = DeskLinkHealthSerializer(many=True)


class DeskView(APIView):
    permission_classes = [InNewsroom]

    @extend_schema(
        summary="The desk dashboard's figures",
        description=(
            "Time to verdict (median and p90, from filing to the first verdict, by topic and by "
            "fact-checker) for the first verdicts published between `start` and `end` "
            "(default: the last 90 days), queue ages with their oldest claims, throughput per "
            "person, verdicts citing dead evidence and link health. Newsroom accounts only."
        ),
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description="First day (included)."),
            OpenApiParameter("end", OpenApiTypes.DATE, description="Last day (included)."),
        ],
        responses={200: DeskFiguresSerializer},
    )
    def get(self, request: Request) -> Response:
        form = PeriodForm(request.query_params)
        if not form.is_valid():
            errors = {
                "non_field_errors" if name == "__all__" else name: list(messages)
                for name, messages in form.errors.items()
            }
            raise serializers.ValidationError(errors)  # type: ignore[arg-type]
        return Response(as_data(desk_figures(form.cleaned_data["period"])))
