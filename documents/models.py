"""The system of record: documents, their pages, the OCR runs over them and what OCR found.

Every recognised text keeps the engine's original (`text`, `html`, `content`) next to the staff's
correction (`corrected_*`, null until someone edits it); `effective_*` is what readers and exports
show. Pages keep PaddleOCR's raw page result as JSON, so nothing the engine said is ever lost.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .engine.registry import TEXT_MODELS

# The engine's text model sets, each shown with the models it reads with.
TEXT_MODEL_CHOICES = [(name, f"{name} ({m.det}, {m.rec})") for name, m in TEXT_MODELS.items()]


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)


class Pipeline(models.TextChoices):
    STRUCTURE = "structure", _("Layout, tables and text (PP-StructureV3)")
    OCR = "ocr", _("Text only (PP-OCR)")
    TABLE = "table", _("Table to Excel (the whole page is one table)")


class RuntimeSettings(models.Model):
    """One row, edited in the admin; a blank field means "use the environment's default"."""

    default_pipeline = models.CharField(
        _("default pipeline"), max_length=16, choices=Pipeline.choices, blank=True
    )
    default_options = models.JSONField(
        _("default options"),
        default=dict,
        blank=True,
        help_text=_(
            'Pipeline flags applied to new documents, e.g. {"use_table_recognition": true}.'
        ),
    )
    backend = models.CharField(
        _("backend"),
        max_length=16,
        blank=True,
        choices=[
            ("openvino", "OpenVINO"),
            ("onnxruntime", "ONNX Runtime"),
            ("paddle", "Paddle"),
        ],
    )
    precision = models.CharField(
        _("precision"),
        max_length=8,
        blank=True,
        choices=[
            ("auto", _("auto: bf16 where the device has it, else f32")),
            ("f32", "f32"),
            ("bf16", "bf16"),
        ],
    )
    text_models = models.CharField(
        _("text models"),
        max_length=32,
        blank=True,
        choices=TEXT_MODEL_CHOICES,
        help_text=_("The text detector and recogniser new runs read with."),
    )
    pdf_dpi = models.PositiveIntegerField(
        _("pdf dpi"), null=True, blank=True, help_text=_("PDF rendering DPI.")
    )
    max_page_pixels = models.PositiveIntegerField(_("max page pixels"), null=True, blank=True)
    max_upload_mb = models.PositiveIntegerField(_("max upload mb"), null=True, blank=True)
    max_pages = models.PositiveIntegerField(_("max pages"), null=True, blank=True)
    max_waiting_pages = models.PositiveIntegerField(
        _("max waiting pages"),
        null=True,
        blank=True,
        help_text=_("Most pages one user may have waiting; an upload past it is refused."),
    )
    serving_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            'PaddleX serving clients (POST /layout-parsing, /ocr with a "file") send no '
            "token: their documents belong to this user. Blank refuses anonymous PaddleX clients."
        ),
        verbose_name=_("serving user"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("runtime settings")
        verbose_name_plural = _("runtime settings")

    def __str__(self) -> str:
        return gettext("Runtime settings")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1  # a singleton: every save writes the one row
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> RuntimeSettings:
        return cls.objects.get_or_create(pk=1)[0]


def original_path(document: Document, filename: str) -> str:
    return f"originals/{document.uid}/{filename}"


def page_image_path(page: Page, filename: str) -> str:
    return f"pages/{page.document.uid}/{filename}"


class Document(models.Model):
    uid = models.UUIDField(_("uid"), default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=255, help_text=_("The uploaded file's name."))
    original = models.FileField(_("original"), upload_to=original_path, max_length=300)
    sha256 = models.CharField(_("sha256"), max_length=64, db_index=True)
    file_type = models.CharField(
        _("file type"), max_length=8, help_text=_("Detected from content: pdf, png, ...")
    )
    mime_type = models.CharField(_("mime type"), max_length=40)
    size = models.PositiveBigIntegerField(_("size"), help_text=_("Bytes."))
    page_count = models.PositiveIntegerField(_("page count"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(
        _("error"), blank=True, help_text=_("Why the latest run failed, in words.")
    )
    reviewed = models.BooleanField(_("reviewed"), default=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # A file sent to the synchronous /ocr endpoint: read through the queue, answered, deleted.
    # Never listed; the sweep deletes one its web process left behind.
    ephemeral = models.BooleanField(_("ephemeral"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.name


class OcrRun(models.Model):
    """One pass of a pipeline over a document; a reprocess makes a new run."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="runs", verbose_name=_("document")
    )
    pipeline = models.CharField(_("pipeline"), max_length=16, choices=Pipeline.choices)
    options = models.JSONField(_("options"), default=dict, blank=True)
    backend = models.CharField(_("backend"), max_length=16)
    precision = models.CharField(
        _("precision"), max_length=8
    )  # in force: f32 or bf16 (auto resolved)
    text_models = models.CharField(_("text models"), max_length=32, choices=TEXT_MODEL_CHOICES)
    engine_info = models.JSONField(
        _("engine info"),
        default=dict,
        blank=True,
        help_text=_("Model names and library versions, from the worker."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    pages_total = models.PositiveIntegerField(_("pages total"))
    pages_done = models.PositiveIntegerField(_("pages done"), default=0)
    pages_failed = models.PositiveIntegerField(_("pages failed"), default=0)
    attempt = models.PositiveIntegerField(
        _("attempt"), default=1, help_text=_("1 for the upload, +1 per reprocess.")
    )
    priority = models.BooleanField(
        _("priority"),
        default=False,
        help_text=_("Read ahead of other pages (a request waiting on /ocr or /layout-parsing)."),
    )
    error = models.TextField(_("error"), blank=True)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    ocr_seconds = models.FloatField(
        _("ocr seconds"), default=0, help_text=_("Sum of the engine's time per page.")
    )

    class Meta:
        verbose_name = _("OCR run")
        verbose_name_plural = _("OCR runs")
        ordering = ["-queued_at", "-id"]

    def __str__(self) -> str:
        return gettext("%(document)s run %(attempt)d") % {
            "document": self.document,
            "attempt": self.attempt,
        }

    @property
    def duration(self) -> float | None:
        """Seconds from the first page started to the last page finished."""
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    @property
    def wait(self) -> float | None:
        """Seconds the run waited in the queue."""
        if self.started_at:
            return (self.started_at - self.queued_at).total_seconds()
        return None


class Page(models.Model):
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="pages", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("number"), help_text=_("1-based."))
    run = models.ForeignKey(
        OcrRun,
        null=True,
        on_delete=models.SET_NULL,
        related_name="pages",
        help_text=_("The run this page belongs to now."),
        verbose_name=_("run"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    # The queue message that may work on this page: a redelivered message with this token may
    # re-claim a page left running by a killed worker; any other message is void.
    token = models.UUIDField(_("token"), default=uuid.uuid4)
    attempts = models.PositiveIntegerField(
        _("attempts"), default=0, help_text=_("Claims by a worker in this run.")
    )
    # The message (page id:token) whose task took the page: a worker reads the page the queue's
    # turn order chooses, not always its message's own (selectors.next_page).
    claimed_with = models.CharField(_("claimed with"), max_length=80, blank=True)
    enqueued_at = models.DateTimeField(_("enqueued at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The rendered page the engine read (PNG), and its size; the engine's flattened page instead
    # where it flattened it (use_doc_unwarping), since the boxes refer to that one.
    image = models.FileField(_("image"), upload_to=page_image_path, max_length=300, blank=True)
    flattened = models.BooleanField(
        _("flattened"),
        default=False,
        help_text=_("The image is the page as the engine flattened it."),
    )
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    dpi = models.PositiveIntegerField(
        _("dpi"), null=True, blank=True, help_text=_("PDF pages only.")
    )
    # What the engine saw after orientation correction: boxes are in these coordinates.
    ocr_width = models.PositiveIntegerField(_("ocr width"), null=True, blank=True)
    ocr_height = models.PositiveIntegerField(_("ocr height"), null=True, blank=True)
    angle = models.PositiveSmallIntegerField(_("angle"), default=0)
    markdown = models.TextField(_("markdown"), blank=True)
    raw = models.JSONField(_("raw"), null=True, blank=True, help_text=_("PaddleOCR's page result."))
    timings = models.JSONField(
        _("timings"), default=dict, blank=True, help_text=_("Seconds per phase.")
    )
    reviewed = models.BooleanField(_("reviewed"), default=False)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="page_number_unique")
        ]
        indexes = [models.Index(fields=["status", "enqueued_at"])]

    def __str__(self) -> str:
        return gettext("%(document)s p.%(number)d") % {
            "document": self.document,
            "number": self.number,
        }


class Block(models.Model):
    """A layout region in reading order (title, text, table, figure, ...)."""

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("page")
    )
    order = models.PositiveIntegerField(_("order"))
    label = models.CharField(_("label"), max_length=40)
    box = models.JSONField(_("box"), help_text=_("[x0, y0, x1, y1]"))
    polygon = models.JSONField(_("polygon"), default=list)
    content = models.TextField(_("content"), blank=True)
    corrected_content = models.TextField(_("corrected content"), null=True, blank=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["page", "order"]

    def __str__(self) -> str:
        return f"{self.label} #{self.order}"

    @property
    def effective_content(self) -> str:
        return self.content if self.corrected_content is None else self.corrected_content


class Line(models.Model):
    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="lines", verbose_name=_("page")
    )
    # The layout block the line lies in (geometry.owners), decided when the results are saved;
    # null outside every block, and for the text-only pipeline, which has no blocks.
    block = models.ForeignKey(
        Block,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lines",
        verbose_name=_("block"),
    )
    order = models.PositiveIntegerField(_("order"))
    text = models.TextField(_("text"))
    corrected_text = models.TextField(_("corrected text"), null=True, blank=True)
    score = models.FloatField(_("score"))
    box = models.JSONField(_("box"), help_text=_("[x0, y0, x1, y1]"))
    polygon = models.JSONField(_("polygon"), default=list)

    class Meta:
        verbose_name = _("line")
        verbose_name_plural = _("lines")
        ordering = ["page", "order"]

    def __str__(self) -> str:
        return self.effective_text

    @property
    def effective_text(self) -> str:
        return self.text if self.corrected_text is None else self.corrected_text


class Table(models.Model):
    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="tables", verbose_name=_("page")
    )
    block = models.OneToOneField(
        Block,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="table",
        verbose_name=_("block"),
    )
    order = models.PositiveIntegerField(_("order"))
    html = models.TextField(_("html"))
    box = models.JSONField(_("box"), help_text=_("[x0, y0, x1, y1]"))

    class Meta:
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        ordering = ["page", "order"]

    def __str__(self) -> str:
        return gettext("table #%(order)d") % {"order": self.order}


class TableCell(models.Model):
    table = models.ForeignKey(
        Table, on_delete=models.CASCADE, related_name="cells", verbose_name=_("table")
    )
    row = models.PositiveIntegerField(_("row"))
    col = models.PositiveIntegerField(_("col"))
    rowspan = models.PositiveIntegerField(_("rowspan"), default=1)
    colspan = models.PositiveIntegerField(_("colspan"), default=1)
    text = models.TextField(_("text"), blank=True)
    corrected_text = models.TextField(_("corrected text"), null=True, blank=True)
    box = models.JSONField(_("box"), null=True, blank=True)

    class Meta:
        verbose_name = _("table cell")
        verbose_name_plural = _("table cells")
        ordering = ["table", "row", "col"]

    def __str__(self) -> str:
        return gettext("r%(row)dc%(col)d") % {"row": self.row, "col": self.col}

    @property
    def effective_text(self) -> str:
        return self.text if self.corrected_text is None else self.corrected_text


class Correction(models.Model):
    """One edit of a recognised text by staff, kept for good: who, when, the text before and
    after.

    The correction in force on a result is its `applied` row. A new run carries it to the new
    result in the same place that reads alike (carry_forward.py); one it cannot place becomes
    `unplaced`, listed for staff to re-apply or drop, and is tried again on the next run.
    """

    class Kind(models.TextChoices):
        LINE = "line", _("line")
        BLOCK = "block", _("block")
        CELL = "cell", _("table cell")

    class State(models.TextChoices):
        APPLIED = "applied", _("in force")
        HISTORY = "history", _("replaced by a later edit")
        UNPLACED = "unplaced", _("not placed on the new run")
        DROPPED = "dropped", _("dropped by staff")

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("page")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.APPLIED
    )
    # The result it sits on now (null once that result is replaced and it was not placed).
    line = models.ForeignKey(
        Line,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
        verbose_name=_("line"),
    )
    block = models.ForeignKey(
        Block,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
        verbose_name=_("block"),
    )
    cell = models.ForeignKey(
        TableCell,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
        verbose_name=_("cell"),
    )
    run = models.ForeignKey(
        OcrRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("The run whose result it sits on (the last one that tried to place it)."),
        verbose_name=_("run"),
    )
    # Where the result was: [x0, y0, x1, y1] as fractions of the page the engine read, with the
    # page's turn then (boxes of differently turned pages are not compared). A cell without a
    # box of its own has its table's box and its row and column.
    place = models.JSONField(_("place"), help_text=_("[x0, y0, x1, y1], fractions of the page"))
    angle = models.PositiveSmallIntegerField(_("angle"), default=0)
    row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    col = models.PositiveIntegerField(_("col"), null=True, blank=True)
    own_box = models.BooleanField(_("own box"), default=True)
    engine_text = models.TextField(
        _("engine text"), blank=True, help_text=_("What the engine read there.")
    )
    before = models.TextField(_("before"), blank=True, help_text=_("The text before this edit."))
    after = models.TextField(_("after"), blank=True, help_text=_("The text after it."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["page", "-created_at", "-id"]
        indexes = [models.Index(fields=["page", "state"])]

    def __str__(self) -> str:
        return gettext("%(kind)s on %(page)s: %(text)r") % {
            "kind": self.get_kind_display(),
            "page": self.page,
            "text": self.after[:40],
        }


class IntakeFolder(models.Model):
    """A folder scanners drop files into: each file becomes a document like an upload, and the
    results can be written back to an output folder (documents/intake/)."""

    class WriteWhen(models.TextChoices):
        DONE = "done", _("when OCR is done")
        REVIEWED = "reviewed", _("once the document is marked reviewed")

    path = models.CharField(
        _("path"),
        max_length=500,
        unique=True,
        help_text=_(
            "Absolute path on the server that runs `serve` (a Windows folder seen from "
            "WSL2: /mnt/c/...). Files taken move to done/ in it, or to failed/ with a .error.txt "
            "saying why."
        ),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="intake_folders",
        verbose_name=_("owner"),
    )
    owner_subfolders = models.BooleanField(
        _("owner subfolders"),
        default=False,
        help_text=_(
            "Files in <path>/<username>/ belong to that user; files in <path> itself to the owner."
        ),
    )
    pipeline = models.CharField(
        _("pipeline"),
        max_length=16,
        choices=Pipeline.choices,
        blank=True,
        help_text=_("Blank: the runtime settings' default."),
    )
    options = models.JSONField(
        _("options"),
        default=dict,
        blank=True,
        help_text=_('Pipeline flags, e.g. {"use_seal_recognition": true}.'),
    )
    output_path = models.CharField(
        _("output path"),
        max_length=500,
        blank=True,
        help_text=_("Where the results are written, under each original's name (blank: nowhere)."),
    )
    output_formats = models.JSONField(
        _("output formats"),
        default=list,
        blank=True,
        help_text=_('Export formats written, e.g. ["pdf", "txt"].'),
    )
    write_when = models.CharField(
        _("write when"), max_length=10, choices=WriteWhen.choices, default=WriteWhen.DONE
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    # What the watcher (manage.py watch_folders) last saw, for the admin and /api/status/.
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)
    files_waiting = models.PositiveIntegerField(
        _("files waiting"),
        default=0,
        help_text=_("Files seen and not taken yet (still being written, or held back)."),
    )
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("intake folder")
        verbose_name_plural = _("intake folders")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.path


class IntakeFile(models.Model):
    """A file taken from an intake folder: what became of it and where the original is now."""

    class State(models.TextChoices):
        INGESTED = "ingested", _("became a document")
        DUPLICATE = "duplicate", _("same content as an earlier file")
        FAILED = "failed", _("refused")

    folder = models.ForeignKey(
        IntakeFolder, on_delete=models.CASCADE, related_name="files", verbose_name=_("folder")
    )
    name = models.CharField(
        _("name"),
        max_length=500,
        help_text=_("Where it was found, relative to the folder: alice/scan.pdf"),
    )
    sha256 = models.CharField(_("sha256"), max_length=64)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    # The document it became (or, for a duplicate, the earlier file's); deleting the document
    # forgets the file, so the same content dropped again is read again.
    document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="intake_files",
        verbose_name=_("document"),
    )
    moved_to = models.CharField(
        _("moved to"),
        max_length=500,
        blank=True,
        help_text=_("Where the original is now, relative to the folder (blank: not moved yet)."),
    )
    error = models.TextField(_("error"), blank=True, help_text=_("Why it was refused."))
    written_at = models.DateTimeField(
        _("written at"),
        null=True,
        blank=True,
        help_text=_("When its results were last written to the output."),
    )
    write_error = models.TextField(_("write error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("intake file")
        verbose_name_plural = _("intake files")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The same content is read once per folder, whatever its name.
            models.UniqueConstraint(
                fields=["folder", "sha256"],
                condition=models.Q(state="ingested"),
                name="intake_file_read_once",
            )
        ]

    def __str__(self) -> str:
        return self.name


class WebhookEvent(models.TextChoices):
    DONE = "done", _("OCR done")
    FAILED = "failed", _("OCR failed")
    REVIEWED = "reviewed", _("marked reviewed")


def all_webhook_events() -> list[str]:
    return list(WebhookEvent.values)


class Webhook(models.Model):
    """A URL told about documents (documents/webhooks.py): a user's, for the documents they
    own, or an intake folder's, for the documents made from its files."""

    url = models.URLField(
        _("url"),
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Called with POST and a signed JSON body; http or https."),
    )
    secret = models.CharField(
        _("secret"),
        max_length=100,
        blank=True,
        help_text=_(
            "Shared with the receiver, which checks the signature with it; left blank, "
            "one is generated."
        ),
    )
    events = models.JSONField(
        _("events"),
        default=all_webhook_events,
        help_text=_('Which of "done", "failed", "reviewed" are sent.'),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
        help_text=_("A user's hook: called for the documents this user owns."),
        verbose_name=_("owner"),
    )
    folder = models.ForeignKey(
        IntakeFolder,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
        help_text=_("An intake folder's hook: called for the documents made from its files."),
        verbose_name=_("folder"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False, folder__isnull=True)
                | models.Q(owner__isnull=True, folder__isnull=False),
                name="webhook_owner_or_folder",
                violation_error_message=_(
                    "A webhook belongs to a user or to an intake folder: set exactly one of them."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.url

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.secret:
            self.secret = secrets.token_hex(32)
        super().save(*args, **kwargs)


class WebhookDelivery(models.Model):
    """One event for one webhook: written in the transaction that changed the document (an
    outbox), then sent and retried by webhooks.deliver_due until it is delivered or given up."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        DELIVERED = "delivered", _("delivered")
        GIVEN_UP = "given_up", _("given up")

    uid = models.UUIDField(
        _("uid"),
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("Sent as `delivery`."),
    )
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    event = models.CharField(_("event"), max_length=10, choices=WebhookEvent.choices)
    # The document may be deleted before its delivery is sent: the payload keeps its id.
    document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("document"),
    )
    payload = models.JSONField(
        _("payload"), help_text=_("The body sent, as it was when the event happened.")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_try_at = models.DateTimeField(
        _("next try at"),
        null=True,
        blank=True,
        help_text=_("When it is sent next (pending deliveries only)."),
    )
    last_try_at = models.DateTimeField(_("last try at"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(
        _("last status"),
        null=True,
        blank=True,
        help_text=_("The receiver's HTTP status at the last try."),
    )
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_try_at"])]

    def __str__(self) -> str:
        return gettext("%(event)s to %(url)s") % {"event": self.event, "url": self.webhook}
