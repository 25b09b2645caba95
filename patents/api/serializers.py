from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from companies.models import Company
from incubator.api.fields import StrictCharField
from incubator.api.serializers import ModelSerializer, Serializer

from .. import rules
from ..choices import EventKind, FeeReduction, FilingKind, FilingStatus
from ..models import Deadline, Filing, FilingEvent

NICE_CLASSES = serializers.ListField(
    child=serializers.IntegerField(min_value=1, max_value=45), max_length=45, required=False
)
INVENTORS = serializers.ListField(child=StrictCharField(max_length=100), max_length=50, required=False)


class FilingEventSerializer(ModelSerializer):
    class Meta:
        model = FilingEvent
        fields = [
            "id",
            "kind",
            "on",
            "time_limit",
            "period",
            "answers",
            "reference",
            "note",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class FilingSerializer(ModelSerializer):
    events = FilingEventSerializer(many=True, read_only=True)
    nice_classes = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    inventors = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Filing
        fields = [
            "id",
            "company",
            "kind",
            "title",
            "application_number",
            "filing_date",
            "priority_date",
            "publication_date",
            "grant_date",
            "grant_number",
            "nice_classes",
            "ipc_class",
            "inventors",
            "agency",
            "agent",
            "fee_reduction",
            "status",
            "annuities_paid_through",
            "expires_on",
            "notes",
            "events",
        ]
        read_only_fields = fields


class FilingWriteSerializer(Serializer):
    """The facts of a filing a person records; the status follows from the events."""

    title = StrictCharField(max_length=300)
    application_number = StrictCharField(max_length=30, required=False, allow_blank=True)
    filing_date = serializers.DateField(required=False, allow_null=True)
    priority_date = serializers.DateField(required=False, allow_null=True)
    publication_date = serializers.DateField(required=False, allow_null=True)
    grant_date = serializers.DateField(required=False, allow_null=True)
    grant_number = StrictCharField(max_length=40, required=False, allow_blank=True)
    nice_classes = NICE_CLASSES
    ipc_class = StrictCharField(max_length=40, required=False, allow_blank=True)
    inventors = INVENTORS
    agency = StrictCharField(max_length=200, required=False, allow_blank=True)
    agent = StrictCharField(max_length=100, required=False, allow_blank=True)
    fee_reduction = serializers.ChoiceField(choices=FeeReduction.choices, required=False)
    annuities_paid_through = serializers.IntegerField(min_value=1, max_value=20, required=False, allow_null=True)
    notes = StrictCharField(max_length=5000, required=False, allow_blank=True)


class FilingCreateSerializer(FilingWriteSerializer):
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.none())
    kind = serializers.ChoiceField(choices=FilingKind.choices)
    status = serializers.ChoiceField(
        choices=FilingStatus.choices,
        required=False,
        help_text="Only to record an existing portfolio; by default it follows from the dates.",
    )


class FilingUpdateSerializer(FilingWriteSerializer):
    title = StrictCharField(max_length=300, required=False)
    kind = serializers.ChoiceField(choices=FilingKind.choices, required=False)


class FilingEventCreateSerializer(Serializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)
    on = serializers.DateField()
    time_limit = serializers.DateField(required=False, allow_null=True)
    period = serializers.IntegerField(min_value=1, max_value=20, required=False, allow_null=True)
    answers = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    reference = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    note = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")


class DeadlineSerializer(ModelSerializer):
    company = serializers.IntegerField(source="filing.company_id", read_only=True)
    action = serializers.CharField(read_only=True)
    law = serializers.SerializerMethodField()
    consequence = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = [
            "id",
            "filing",
            "company",
            "rule",
            "action",
            "law",
            "consequence",
            "period",
            "source_event",
            "base_on",
            "due_on",
            "grace_ends_on",
            "opens_on",
            "final_on",
            "status",
            "closed_on",
            "met_by",
            "waive_reason",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_law(self, deadline) -> str:
        return str(rules.RULES[deadline.rule].law)

    @extend_schema_field(serializers.CharField())
    def get_consequence(self, deadline) -> str:
        return str(rules.RULES[deadline.rule].consequence)


class DeadlineWaiveSerializer(Serializer):
    reason = StrictCharField(max_length=2000)
