"""The Django admin: documents with their pages and runs, the runtime settings row, webhooks and
their deliveries, and the intake folders (documents/intake/admin.py, registered by importing it
here).

django-q2 registers its own task, failure, schedule and queue pages; DRF's authtoken app its
token page. Actions call the same services as the API.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from . import webhooks
from .engine.registry import pipeline_models
from .errors import ApplicationError
from .exports import FORMATS
from .exports.downloads import MAX_DOCUMENTS_PER_ZIP, zip_download
from .exports.errors import ExportError
from .intake import admin as intake_admin  # noqa: F401  (registers its pages)
from .models import (
    Correction,
    Document,
    OcrRun,
    Page,
    RuntimeSettings,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)
from .selectors import models_installed, runtime_config
from .services import runs, uploads


class PageInline(admin.TabularInline):
    model = Page
    fields = ["number", "status", "error", "width", "height", "dpi", "attempts", "reviewed"]
    readonly_fields = ["number", "status", "error", "width", "height", "dpi", "attempts"]
    extra = 0
    can_delete = False
    show_change_link = True
    max_num = 0


class OcrRunInline(admin.TabularInline):
    model = OcrRun
    fields = [
        "attempt",
        "pipeline",
        "backend",
        "precision",
        "text_models",
        "status",
        "pages_done",
        "pages_failed",
        "pages_total",
        "queued_at",
        "started_at",
        "finished_at",
        "error",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "name",
        "owner",
        "status",
        "page_count",
        "file_type",
        "reviewed",
        "created_at",
    ]
    list_filter = ["status", "reviewed", "file_type", "created_at", "owner"]
    search_fields = ["name", "sha256", "owner__username", "pages__lines__text"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "uid",
        "original",
        "sha256",
        "file_type",
        "mime_type",
        "size",
        "page_count",
        "status",
        "error",
        "created_at",
        "updated_at",
        "reviewed_at",
    ]
    inlines = [OcrRunInline, PageInline]
    actions = ["reprocess", "cancel", "export_zip"]

    def get_search_results(self, request, queryset, search_term):  # type: ignore[no-untyped-def]
        results, _ = super().get_search_results(request, queryset, search_term)
        return results, True  # searching lines joins many rows per document

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Document],
        service: Callable[..., object],
        *,
        done: Promise,
        level: int,
    ) -> None:
        """Run a service on every selected document; one refused document does not stop the rest.
        `done` is an ngettext_lazy message with a `count` placeholder."""
        count = 0
        for document in queryset:
            try:
                service(document=document)
                count += 1
            except ApplicationError as e:
                reason = gettext("%(document)s: %(reason)s")
                self.message_user(
                    request, reason % {"document": document, "reason": e.message}, level
                )
        self.message_user(request, done % {"count": count})

    @admin.action(
        description=_("Reprocess the selected documents (same options)"), permissions=["change"]
    )
    def reprocess(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        self._each(
            request,
            queryset,
            runs.document_reprocess,
            done=ngettext_lazy(
                "%(count)d document queued again.", "%(count)d documents queued again.", "count"
            ),
            level=messages.ERROR,
        )

    @admin.action(description=_("Cancel the selected documents' OCR"), permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        self._each(
            request,
            queryset,
            runs.ocr_run_cancel,
            done=ngettext_lazy(
                "%(count)d document cancelled.", "%(count)d documents cancelled.", "count"
            ),
            level=messages.WARNING,
        )

    @admin.action(description=_("Export selected (ZIP)"), permissions=["view"])
    def export_zip(self, request: HttpRequest, queryset: QuerySet[Document]) -> FileResponse | None:
        """The same ZIP as the API's many-documents export, in every format."""
        if queryset.count() > MAX_DOCUMENTS_PER_ZIP:  # the API's limit: bounds one request's work
            self.message_user(
                request,
                ngettext(
                    "Export at most %(count)d document at a time.",
                    "Export at most %(count)d documents at a time.",
                    MAX_DOCUMENTS_PER_ZIP,
                )
                % {"count": MAX_DOCUMENTS_PER_ZIP},
                messages.ERROR,
            )
            return None
        try:
            return zip_download(queryset.order_by("pk"), list(FORMATS))
        except ExportError as e:
            self.message_user(
                request, gettext("The export failed: %(reason)s") % {"reason": e}, messages.ERROR
            )
            return None


CORRECTION_FIELDS = ["kind", "state", "before", "after", "engine_text", "user", "created_at"]


class CorrectionInline(admin.TabularInline):
    """A page's correction history, newest first: kept for good, so read-only here."""

    model = Correction
    fields = CORRECTION_FIELDS
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0
    show_change_link = True


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["id", "document", "number", "status", "attempts", "reviewed", "finished_at"]
    list_filter = ["status", "reviewed"]
    search_fields = ["document__name"]
    raw_id_fields = ["document", "run"]
    readonly_fields = [
        "document",
        "number",
        "run",
        "status",
        "error",
        "token",
        "attempts",
        "enqueued_at",
        "claimed_at",
        "finished_at",
        "image",
        "width",
        "height",
        "dpi",
        "ocr_width",
        "ocr_height",
        "angle",
        "timings",
        "raw",
        "markdown",
    ]
    inlines = [CorrectionInline]


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ["id", "page", "kind", "state", "short_before", "short_after", "user",
                    "created_at"]  # fmt: skip
    list_filter = ["state", "kind", "created_at"]
    search_fields = ["before", "after", "page__document__name", "user__username"]
    list_select_related = ["page__document", "user"]
    readonly_fields = ["page", "run", "line", "block", "cell", "place", "angle", "row", "col",
                       "own_box", "updated_at", *CORRECTION_FIELDS]  # fmt: skip

    @admin.display(description=_("before"))
    def short_before(self, obj: Correction) -> str:
        return obj.before[:60]

    @admin.display(description=_("after"))
    def short_after(self, obj: Correction) -> str:
        return obj.after[:60]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # corrections are made in the review screen or the API

    def has_change_permission(self, request: HttpRequest, obj: Correction | None = None) -> bool:
        return False


@admin.register(OcrRun)
class OcrRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "document",
        "attempt",
        "pipeline",
        "status",
        "pages_done",
        "pages_failed",
        "pages_total",
        "queued_at",
        "finished_at",
        "ocr_seconds",
    ]
    list_filter = ["status", "pipeline", "backend", "precision", "text_models"]
    search_fields = ["document__name", "error"]
    raw_id_fields = ["document"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # runs are made by uploads and reprocessing

    def has_change_permission(self, request: HttpRequest, obj: OcrRun | None = None) -> bool:
        return False


class RuntimeSettingsForm(forms.ModelForm):
    class Meta:
        model = RuntimeSettings
        fields = "__all__"

    def clean(self) -> dict:
        """Refuse options the engine would refuse on every page."""
        data = super().clean()
        config = runtime_config()
        text_models = data.get("text_models") or config.text_models
        installed = models_installed()
        missing = [m for m in pipeline_models("ocr", text_models) if m not in installed]
        if missing:
            raise forms.ValidationError(
                {
                    "text_models": gettext("needs %(models)s: python manage.py ocr_models install")
                    % {"models": ", ".join(missing)}
                }
            )
        try:
            uploads.options_validate(
                pipeline=data.get("default_pipeline") or config.pipeline,
                options=data.get("default_options") or {},
                text_models=text_models,
            )
        except ApplicationError as e:
            raise forms.ValidationError({"default_options": e.message}) from None
        return data


@admin.register(RuntimeSettings)
class RuntimeSettingsAdmin(admin.ModelAdmin):
    """One row; blank fields keep the environment's defaults."""

    form = RuntimeSettingsForm
    fieldsets = [
        (
            _("OCR"),
            {
                "fields": [
                    "default_pipeline",
                    "default_options",
                    "backend",
                    "precision",
                    "precision_in_force",
                    "text_models",
                ]
            },
        ),
        (_("Limits"), {"fields": ["pdf_dpi", "max_page_pixels", "max_upload_mb", "max_pages"]}),
        (_("PaddleX serving clients"), {"fields": ["serving_user", "serving_file_dirs"]}),
    ]
    readonly_fields = ["precision_in_force", "serving_file_dirs"]

    @admin.display(description=_("precision in force"))
    def precision_in_force(self, obj: RuntimeSettings) -> str:
        """What new runs get: the saved setting (or the environment's), `auto` resolved here."""
        config = runtime_config()
        return gettext("%(precision)s (%(setting)s on %(device)s)") % {
            "precision": config.precision,
            "setting": config.precision_setting,
            "device": settings.OCR_ENGINE["DEVICE"],
        }

    @admin.display(description=_("file folders they may name"))
    def serving_file_dirs(self, obj: RuntimeSettings) -> str:
        """Set in the environment (OCRSITE_SERVING_FILE_DIRS): a folder is the server's to give."""
        folders = ", ".join(str(d) for d in settings.SERVING_FILE_DIRS)
        return folders or gettext(
            "none (OCRSITE_SERVING_FILE_DIRS is empty): files come in the request"
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not RuntimeSettings.objects.exists()

    def has_delete_permission(
        self, request: HttpRequest, obj: RuntimeSettings | None = None
    ) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):  # type: ignore[no-untyped-def]
        """Straight to the one row's form."""
        row = RuntimeSettings.load()
        return redirect("admin:documents_runtimesettings_change", row.pk)


class WebhookForm(forms.ModelForm):
    url = forms.URLField(label=_("url"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Webhook
        fields = ["url", "owner", "folder", "events", "active", "secret"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """A user's hook (owner) or an intake folder's (folder): exactly one of the two."""

    form = WebhookForm
    list_display = ["id", "url", "owner", "folder", "events", "active", "deliveries_link",
                    "created_at"]  # fmt: skip
    list_filter = ["active", "created_at"]
    search_fields = ["url", "owner__username", "folder__path"]
    raw_id_fields = ["owner"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Webhook]:
        return (
            super()
            .get_queryset(request)
            .select_related("owner", "folder")
            .annotate(
                failing=Count(
                    "deliveries",
                    filter=Q(deliveries__state=WebhookDelivery.State.GIVEN_UP)
                    | Q(deliveries__state=WebhookDelivery.State.PENDING)
                    & ~Q(deliveries__last_error=""),
                )
            )
        )

    @admin.display(description=_("deliveries failing or given up"))
    def deliveries_link(self, obj: Webhook) -> str:
        changelist = reverse("admin:documents_webhookdelivery_changelist")
        return format_html(
            '<a href="{}?webhook__id__exact={}">{}</a>', changelist, obj.pk, obj.failing
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "webhook", "document_id", "state", "attempts",
                    "last_status", "short_error", "next_try_at", "delivered_at"]  # fmt: skip
    list_filter = ["state", "event", "created_at"]
    search_fields = ["webhook__url", "last_error", "uid"]
    list_select_related = ["webhook"]
    readonly_fields = ["uid", "webhook", "event", "document", "payload", "state", "attempts",
                       "next_try_at", "last_try_at", "last_status", "last_error", "delivered_at",
                       "created_at"]  # fmt: skip
    actions = ["retry_now"]

    @admin.display(description=_("last error"))
    def short_error(self, obj: WebhookDelivery) -> str:
        return obj.last_error[:80]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # deliveries are made by the events themselves

    @admin.action(description=_("Send the selected deliveries again now"), permissions=["change"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = webhooks.deliveries_retry(queryset)
        sent = ngettext(
            "%(count)d delivery will be sent at the next round (within seconds).",
            "%(count)d deliveries will be sent at the next round (within seconds).",
            count,
        )
        self.message_user(request, sent % {"count": count})
