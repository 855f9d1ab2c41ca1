"""The API's shapes: inputs the views validate and outputs they return."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from documents import selectors
from documents.models import (
    Block,
    Correction,
    Document,
    Line,
    OcrRun,
    Page,
    Pipeline,
    Status,
    Table,
    TableCell,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)

# --- inputs --------------------------------------------------------------------------------


class OptionsField(serializers.JSONField):
    """Pipeline options by PaddleOCR's names, e.g. {"use_table_recognition": false}.

    A JSON object; in a multipart upload, a JSON string."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(binary=True, **kwargs)  # binary: a string is parsed as JSON

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # binary=True parses a string; an object in a JSON body arrives parsed already.
        value = data if isinstance(data, dict) else super().to_internal_value(data)
        if not isinstance(value, dict):
            raise serializers.ValidationError(gettext("options must be a JSON object"))
        return value


class RunOptionsInputSerializer(serializers.Serializer):
    pipeline = serializers.ChoiceField(choices=Pipeline.choices, required=False)
    options = OptionsField(required=False)


class UploadInputSerializer(RunOptionsInputSerializer):
    file = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        help_text="One or more files (repeat the multipart field).",
    )


class CorrectionInputSerializer(serializers.Serializer):
    text = serializers.CharField(
        allow_null=True,
        allow_blank=True,
        trim_whitespace=False,
        help_text="The corrected text; null removes the correction (back to the engine's).",
    )


class ReviewedInputSerializer(serializers.Serializer):
    reviewed = serializers.BooleanField(default=True)


@extend_schema_field(OpenApiTypes.STR)
class DateOrDateTimeField(serializers.Field):
    """2025-03-01 (the whole day) or an ISO 8601 date and time."""

    def to_internal_value(self, data: Any) -> Any:
        text = str(data)
        try:
            value = parse_date(text) or parse_datetime(text)
        except ValueError:
            value = None
        if value is None:
            raise serializers.ValidationError(
                gettext("use a date (2025-03-01) or an ISO date and time")
            )
        if isinstance(value, datetime.datetime) and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class DocumentFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    owner = serializers.CharField(required=False, help_text="Username or user id (admins).")
    created_after = DateOrDateTimeField(required=False)
    created_before = DateOrDateTimeField(required=False)
    reviewed = serializers.BooleanField(required=False, allow_null=True, default=None)
    q = serializers.CharField(
        required=False, help_text="Text in the name, the recognised or the corrected text."
    )


# --- outputs -------------------------------------------------------------------------------


class RunSerializer(serializers.ModelSerializer):
    duration = serializers.FloatField(allow_null=True, help_text="Seconds, start to finish.")
    wait = serializers.FloatField(allow_null=True, help_text="Seconds waited in the queue.")

    class Meta:
        model = OcrRun
        fields = [
            "id",
            "attempt",
            "pipeline",
            "options",
            "backend",
            "precision",
            "engine_info",
            "status",
            "pages_total",
            "pages_done",
            "pages_failed",
            "error",
            "queued_at",
            "started_at",
            "finished_at",
            "duration",
            "wait",
            "ocr_seconds",
        ]


class PageSummarySerializer(serializers.ModelSerializer):
    image_url = serializers.SerializerMethodField()

    class Meta:
        model = Page
        fields = [
            "id",
            "number",
            "status",
            "error",
            "width",
            "height",
            "dpi",
            "reviewed",
            "image_url",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_image_url(self, page: Page) -> str | None:
        """Null until the page has been rendered (its turn in the queue)."""
        if not page.image:
            return None
        return reverse("page-image", args=[page.document_id, page.number])


class DocumentListSerializer(serializers.ListSerializer):
    """Documents with their queue places worked out together, in one query."""

    def to_representation(self, data: Any) -> list[Any]:
        documents = list(data.all() if isinstance(data, models.manager.BaseManager) else data)
        runs = [run for run in map(selectors.current_run, documents) if run]
        self.context["queue_positions"] = selectors.queue_positions(runs)
        return super().to_representation(documents)


class DocumentSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.get_username", read_only=True)
    pages_total = serializers.SerializerMethodField()
    pages_done = serializers.SerializerMethodField()
    pages_failed = serializers.SerializerMethodField()
    queue_position = serializers.SerializerMethodField()
    original_url = serializers.SerializerMethodField()
    run = serializers.SerializerMethodField()

    class Meta:
        model = Document
        list_serializer_class = DocumentListSerializer
        fields = [
            "id",
            "name",
            "status",
            "error",
            "pages_total",
            "pages_done",
            "pages_failed",
            "queue_position",
            "file_type",
            "mime_type",
            "size",
            "page_count",
            "sha256",
            "owner",
            "owner_id",
            "reviewed",
            "reviewed_at",
            "created_at",
            "updated_at",
            "original_url",
            "run",
        ]

    def _run(self, document: Document) -> OcrRun | None:
        return selectors.current_run(document)

    @extend_schema_field(OpenApiTypes.INT)
    def get_pages_total(self, document: Document) -> int:
        run = self._run(document)
        return run.pages_total if run else document.page_count

    @extend_schema_field(OpenApiTypes.INT)
    def get_pages_done(self, document: Document) -> int:
        run = self._run(document)
        return run.pages_done if run else 0

    @extend_schema_field(OpenApiTypes.INT)
    def get_pages_failed(self, document: Document) -> int:
        run = self._run(document)
        return run.pages_failed if run else 0

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_queue_position(self, document: Document) -> int | None:
        """1 = next to start; null unless the document is queued."""
        run = self._run(document)
        if run is None:
            return None
        positions = self.context.get("queue_positions")  # a list's (DocumentListSerializer)
        if positions is None:
            positions = selectors.queue_positions([run])
        return positions.get(run.pk)

    @extend_schema_field(OpenApiTypes.STR)
    def get_original_url(self, document: Document) -> str:
        return reverse("document-original", args=[document.pk])

    @extend_schema_field(RunSerializer(allow_null=True))
    def get_run(self, document: Document) -> dict[str, Any] | None:
        run = self._run(document)
        return RunSerializer(run).data if run else None


class DocumentDetailSerializer(DocumentSerializer):
    pages = PageSummarySerializer(many=True, read_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "pages"]


class PaginatedDocumentListSerializer(serializers.Serializer):
    """One page of the document list."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DocumentSerializer(many=True)


class RejectedFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    code = serializers.CharField(help_text="empty_file, unsupported_file, corrupt_file, ...")
    message = serializers.CharField()


class UploadResultSerializer(serializers.Serializer):
    documents = DocumentSerializer(many=True)
    rejected = RejectedFileSerializer(many=True, help_text="Files refused, with the reason.")


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="For programs: not_found, invalid, not_active, ...")
    message = serializers.CharField(help_text="For people, in the request's language.")
    fields = serializers.DictField(
        help_text="Each invalid input field's messages (validation errors); empty otherwise."
    )
    files = RejectedFileSerializer(
        many=True, required=False, help_text="An upload that accepted no file: each file's reason."
    )


class ErrorSerializer(serializers.Serializer):
    """The one shape of every error the API answers (documents/api/errors.py)."""

    error = ErrorDetailSerializer()


class LineSerializer(serializers.ModelSerializer):
    effective_text = serializers.CharField(read_only=True)

    class Meta:
        model = Line
        fields = [
            "id",
            "block",
            "order",
            "text",
            "corrected_text",
            "effective_text",
            "score",
            "box",
            "polygon",
        ]
        read_only_fields = ["block"]  # decided when the results are saved


class BlockSerializer(serializers.ModelSerializer):
    effective_content = serializers.CharField(read_only=True)

    class Meta:
        model = Block
        fields = [
            "id",
            "order",
            "label",
            "box",
            "polygon",
            "content",
            "corrected_content",
            "effective_content",
        ]


class TableCellSerializer(serializers.ModelSerializer):
    effective_text = serializers.CharField(read_only=True)

    class Meta:
        model = TableCell
        fields = [
            "id",
            "row",
            "col",
            "rowspan",
            "colspan",
            "text",
            "corrected_text",
            "effective_text",
            "box",
        ]


class TableSerializer(serializers.ModelSerializer):
    cells = TableCellSerializer(many=True, read_only=True)
    block_id = serializers.IntegerField(allow_null=True, read_only=True)

    class Meta:
        model = Table
        fields = ["id", "order", "block_id", "html", "box", "cells"]


class CorrectionSerializer(serializers.ModelSerializer):
    user = serializers.CharField(
        source="user.get_username", read_only=True, allow_null=True, default=None
    )
    run_attempt = serializers.IntegerField(
        source="run.attempt", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Correction
        fields = [
            "id",
            "kind",
            "state",
            "line",
            "block",
            "cell",
            "place",
            "engine_text",
            "before",
            "after",
            "user",
            "run_attempt",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "state": {
                "help_text": "applied: in force; history: replaced by a later edit or taken "
                "back; unplaced: no result of the new run matched it (re-apply or drop it); "
                "dropped: let go by staff."
            },
            "place": {"help_text": "[x0, y0, x1, y1] as fractions of the page."},
        }


class ReapplyInputSerializer(serializers.Serializer):
    target = serializers.IntegerField(
        help_text="The id of a line, block or table cell (the correction's kind) on its page."
    )


class PageDetailSerializer(PageSummarySerializer):
    document_id = serializers.IntegerField(read_only=True)
    blocks = BlockSerializer(many=True, read_only=True)
    lines = LineSerializer(many=True, read_only=True)
    tables = TableSerializer(many=True, read_only=True)
    corrections = CorrectionSerializer(
        many=True, read_only=True, help_text="Every edit of this page's texts, newest first."
    )

    class Meta(PageSummarySerializer.Meta):
        fields = [
            *PageSummarySerializer.Meta.fields,
            "document_id",
            "ocr_width",
            "ocr_height",
            "angle",
            "flattened",
            "attempts",
            "timings",
            "markdown",
            "blocks",
            "lines",
            "tables",
            "corrections",
        ]


class PageRawSerializer(serializers.Serializer):
    raw = serializers.JSONField(allow_null=True, help_text="PaddleOCR's own page result.")


class PipelineChoiceSerializer(serializers.Serializer):
    name = serializers.ChoiceField(
        choices=Pipeline.choices, help_text="The value of an upload's `pipeline`."
    )
    available = serializers.BooleanField(help_text="Whether all its models are installed.")
    missing_models = serializers.ListField(child=serializers.CharField())


class OptionChoiceSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The key in an upload's `options`.")
    pipelines = serializers.ListField(
        child=serializers.ChoiceField(choices=Pipeline.choices),
        help_text="The pipelines that take it.",
    )
    default = serializers.BooleanField(
        help_text="What a run gets when the request leaves it out: the admin's runtime setting "
        "where set, else the engine's; false when its model is missing."
    )
    available = serializers.BooleanField(help_text="Whether its model is installed.")
    model = serializers.CharField(help_text="The model it needs.")
    how_to_add = serializers.CharField(
        help_text="The command that installs the model; empty when it is installed."
    )


class ConfigSerializer(serializers.Serializer):
    """What an upload may ask for on this server, and what it gets by default."""

    default_pipeline = serializers.ChoiceField(
        choices=Pipeline.choices,
        help_text="The admin's default pipeline, or the first available one when its models "
        "are missing.",
    )
    pipelines = PipelineChoiceSerializer(many=True)
    options = OptionChoiceSerializer(many=True)


# --- webhooks ------------------------------------------------------------------------------

RECENT_DELIVERIES = 20  # in a webhook's detail


class WebhookInputSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=500,
        validators=[
            URLValidator(
                schemes=["http", "https"],
                message=_("use an http or https URL with a host, e.g. https://example.org/hook"),
            )
        ],
        help_text="Called with POST and a signed JSON body.",
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        allow_empty=False,
        default=list(WebhookEvent.values),
        help_text="Which events are sent (default: all).",
    )

    def validate_events(self, events: list[str]) -> list[str]:
        return list(dict.fromkeys(events))


class WebhookSerializer(serializers.ModelSerializer):
    class Meta:
        model = Webhook
        fields = ["id", "url", "events", "active", "created_at"]


class WebhookCreatedSerializer(WebhookSerializer):
    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        extra_kwargs = {
            "secret": {
                "help_text": "Shown this once: the receiver checks X-Ocrsite-Signature with it."
            }
        }


class WebhookDeliverySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uid", help_text="The payload's `delivery`.")
    document = serializers.IntegerField(
        source="payload.document.id", help_text="Also once the document is deleted."
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "document",
            "state",
            "attempts",
            "last_status",
            "last_error",
            "last_try_at",
            "next_try_at",
            "delivered_at",
            "created_at",
        ]


class WebhookDetailSerializer(WebhookSerializer):
    deliveries = serializers.SerializerMethodField()

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "deliveries"]

    @extend_schema_field(WebhookDeliverySerializer(many=True))
    def get_deliveries(self, hook: Webhook) -> list[dict[str, Any]]:
        """The latest deliveries, newest first."""
        recent = hook.deliveries.order_by("-created_at", "-id")[:RECENT_DELIVERIES]
        return WebhookDeliverySerializer(recent, many=True).data
