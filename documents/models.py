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

from .engine.registry import TEXT_MODELS

# The engine's text model sets, each shown with the models it reads with.
TEXT_MODEL_CHOICES = [(name, f"{name} ({m.det}, {m.rec})") for name, m in TEXT_MODELS.items()]


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)


class Pipeline(models.TextChoices):
    STRUCTURE = "structure", "Layout, tables and text (PP-StructureV3)"
    OCR = "ocr", "Text only (PP-OCR)"
    TABLE = "table", "Table to Excel (the whole page is one table)"


class RuntimeSettings(models.Model):
    """One row, edited in the admin; a blank field means "use the environment's default"."""

    default_pipeline = models.CharField(max_length=16, choices=Pipeline.choices, blank=True)
    default_options = models.JSONField(
        default=dict,
        blank=True,
        help_text='Pipeline flags applied to new documents, e.g. {"use_table_recognition": true}.',
    )
    backend = models.CharField(
        max_length=16,
        blank=True,
        choices=[("openvino", "OpenVINO"), ("onnxruntime", "ONNX Runtime"), ("paddle", "Paddle")],
    )
    precision = models.CharField(
        max_length=8,
        blank=True,
        choices=[
            ("auto", "auto: bf16 where the device has it, else f32"),
            ("f32", "f32"),
            ("bf16", "bf16"),
        ],
    )
    text_models = models.CharField(
        max_length=32,
        blank=True,
        choices=TEXT_MODEL_CHOICES,
        help_text="The text detector and recogniser new runs read with.",
    )
    pdf_dpi = models.PositiveIntegerField(null=True, blank=True, help_text="PDF rendering DPI.")
    max_page_pixels = models.PositiveIntegerField(null=True, blank=True)
    max_upload_mb = models.PositiveIntegerField(null=True, blank=True)
    max_pages = models.PositiveIntegerField(null=True, blank=True)
    max_waiting_pages = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Most pages one user may have waiting; an upload past it is refused.",
    )
    serving_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text='PaddleX serving clients (POST /layout-parsing, /ocr with a "file") send no '
        "token: their documents belong to this user. Blank refuses anonymous PaddleX clients.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "runtime settings"
        verbose_name_plural = "runtime settings"

    def __str__(self) -> str:
        return "Runtime settings"

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
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="documents"
    )
    name = models.CharField(max_length=255, help_text="The uploaded file's name.")
    original = models.FileField(upload_to=original_path, max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    file_type = models.CharField(max_length=8, help_text="Detected from content: pdf, png, ...")
    mime_type = models.CharField(max_length=40)
    size = models.PositiveBigIntegerField(help_text="Bytes.")
    page_count = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True, help_text="Why the latest run failed, in words.")
    reviewed = models.BooleanField(default=False)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # A file sent to the synchronous /ocr endpoint: read through the queue, answered, deleted.
    # Never listed; the sweep deletes one its web process left behind.
    ephemeral = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.name


class OcrRun(models.Model):
    """One pass of a pipeline over a document; a reprocess makes a new run."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="runs")
    pipeline = models.CharField(max_length=16, choices=Pipeline.choices)
    options = models.JSONField(default=dict, blank=True)
    backend = models.CharField(max_length=16)
    precision = models.CharField(max_length=8)  # in force: f32 or bf16 (auto resolved)
    text_models = models.CharField(max_length=32, choices=TEXT_MODEL_CHOICES)
    engine_info = models.JSONField(
        default=dict, blank=True, help_text="Model names and library versions, from the worker."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    pages_total = models.PositiveIntegerField()
    pages_done = models.PositiveIntegerField(default=0)
    pages_failed = models.PositiveIntegerField(default=0)
    attempt = models.PositiveIntegerField(
        default=1, help_text="1 for the upload, +1 per reprocess."
    )
    priority = models.BooleanField(
        default=False,
        help_text="Read ahead of other pages (a request waiting on /ocr or /layout-parsing).",
    )
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    ocr_seconds = models.FloatField(default=0, help_text="Sum of the engine's time per page.")

    class Meta:
        ordering = ["-queued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.document} run {self.attempt}"

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
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField(help_text="1-based.")
    run = models.ForeignKey(
        OcrRun,
        null=True,
        on_delete=models.SET_NULL,
        related_name="pages",
        help_text="The run this page belongs to now.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    # The queue message that may work on this page: a redelivered message with this token may
    # re-claim a page left running by a killed worker; any other message is void.
    token = models.UUIDField(default=uuid.uuid4)
    attempts = models.PositiveIntegerField(default=0, help_text="Claims by a worker in this run.")
    # The message (page id:token) whose task took the page: a worker reads the page the queue's
    # turn order chooses, not always its message's own (selectors.next_page).
    claimed_with = models.CharField(max_length=80, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The rendered page the engine read (PNG), and its size; the engine's flattened page instead
    # where it flattened it (use_doc_unwarping), since the boxes refer to that one.
    image = models.FileField(upload_to=page_image_path, max_length=300, blank=True)
    flattened = models.BooleanField(
        default=False, help_text="The image is the page as the engine flattened it."
    )
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    dpi = models.PositiveIntegerField(null=True, blank=True, help_text="PDF pages only.")
    # What the engine saw after orientation correction: boxes are in these coordinates.
    ocr_width = models.PositiveIntegerField(null=True, blank=True)
    ocr_height = models.PositiveIntegerField(null=True, blank=True)
    angle = models.PositiveSmallIntegerField(default=0)
    markdown = models.TextField(blank=True)
    raw = models.JSONField(null=True, blank=True, help_text="PaddleOCR's page result.")
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per phase.")
    reviewed = models.BooleanField(default=False)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="page_number_unique")
        ]
        indexes = [models.Index(fields=["status", "enqueued_at"])]

    def __str__(self) -> str:
        return f"{self.document} p.{self.number}"


class Block(models.Model):
    """A layout region in reading order (title, text, table, figure, ...)."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="blocks")
    order = models.PositiveIntegerField()
    label = models.CharField(max_length=40)
    box = models.JSONField(help_text="[x0, y0, x1, y1]")
    polygon = models.JSONField(default=list)
    content = models.TextField(blank=True)
    corrected_content = models.TextField(null=True, blank=True)

    class Meta:
        ordering = ["page", "order"]

    def __str__(self) -> str:
        return f"{self.label} #{self.order}"

    @property
    def effective_content(self) -> str:
        return self.content if self.corrected_content is None else self.corrected_content


class Line(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="lines")
    # The layout block the line lies in (geometry.owners), decided when the results are saved;
    # null outside every block, and for the text-only pipeline, which has no blocks.
    block = models.ForeignKey(
        Block, null=True, blank=True, on_delete=models.SET_NULL, related_name="lines"
    )
    order = models.PositiveIntegerField()
    text = models.TextField()
    corrected_text = models.TextField(null=True, blank=True)
    score = models.FloatField()
    box = models.JSONField(help_text="[x0, y0, x1, y1]")
    polygon = models.JSONField(default=list)

    class Meta:
        ordering = ["page", "order"]

    def __str__(self) -> str:
        return self.effective_text

    @property
    def effective_text(self) -> str:
        return self.text if self.corrected_text is None else self.corrected_text


class Table(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="tables")
    block = models.OneToOneField(
        Block, null=True, blank=True, on_delete=models.CASCADE, related_name="table"
    )
    order = models.PositiveIntegerField()
    html = models.TextField()
    box = models.JSONField(help_text="[x0, y0, x1, y1]")

    class Meta:
        ordering = ["page", "order"]

    def __str__(self) -> str:
        return f"table #{self.order}"


class TableCell(models.Model):
    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="cells")
    row = models.PositiveIntegerField()
    col = models.PositiveIntegerField()
    rowspan = models.PositiveIntegerField(default=1)
    colspan = models.PositiveIntegerField(default=1)
    text = models.TextField(blank=True)
    corrected_text = models.TextField(null=True, blank=True)
    box = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["table", "row", "col"]

    def __str__(self) -> str:
        return f"r{self.row}c{self.col}"

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
        LINE = "line", "line"
        BLOCK = "block", "block"
        CELL = "cell", "table cell"

    class State(models.TextChoices):
        APPLIED = "applied", "in force"
        HISTORY = "history", "replaced by a later edit"
        UNPLACED = "unplaced", "not placed on the new run"
        DROPPED = "dropped", "dropped by staff"

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.APPLIED)
    # The result it sits on now (null once that result is replaced and it was not placed).
    line = models.ForeignKey(
        Line, null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    block = models.ForeignKey(
        Block, null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    cell = models.ForeignKey(
        TableCell, null=True, blank=True, on_delete=models.SET_NULL, related_name="corrections"
    )
    run = models.ForeignKey(
        OcrRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="The run whose result it sits on (the last one that tried to place it).",
    )
    # Where the result was: [x0, y0, x1, y1] as fractions of the page the engine read, with the
    # page's turn then (boxes of differently turned pages are not compared). A cell without a
    # box of its own has its table's box and its row and column.
    place = models.JSONField(help_text="[x0, y0, x1, y1], fractions of the page")
    angle = models.PositiveSmallIntegerField(default=0)
    row = models.PositiveIntegerField(null=True, blank=True)
    col = models.PositiveIntegerField(null=True, blank=True)
    own_box = models.BooleanField(default=True)
    engine_text = models.TextField(blank=True, help_text="What the engine read there.")
    before = models.TextField(blank=True, help_text="The text before this edit.")
    after = models.TextField(blank=True, help_text="The text after it.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["page", "-created_at", "-id"]
        indexes = [models.Index(fields=["page", "state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.page}: {self.after[:40]!r}"


class IntakeFolder(models.Model):
    """A folder scanners drop files into: each file becomes a document like an upload, and the
    results can be written back to an output folder (documents/intake/)."""

    class WriteWhen(models.TextChoices):
        DONE = "done", "when OCR is done"
        REVIEWED = "reviewed", "once the document is marked reviewed"

    path = models.CharField(
        max_length=500,
        unique=True,
        help_text="Absolute path on the server that runs `serve` (a Windows folder seen from "
        "WSL2: /mnt/c/...). Files taken move to done/ in it, or to failed/ with a .error.txt "
        "saying why.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intake_folders"
    )
    owner_subfolders = models.BooleanField(
        default=False,
        help_text="Files in <path>/<username>/ belong to that user; files in <path> itself to "
        "the owner.",
    )
    pipeline = models.CharField(
        max_length=16,
        choices=Pipeline.choices,
        blank=True,
        help_text="Blank: the runtime settings' default.",
    )
    options = models.JSONField(
        default=dict, blank=True, help_text='Pipeline flags, e.g. {"use_seal_recognition": true}.'
    )
    output_path = models.CharField(
        max_length=500,
        blank=True,
        help_text="Where the results are written, under each original's name (blank: nowhere).",
    )
    output_formats = models.JSONField(
        default=list, blank=True, help_text='Export formats written, e.g. ["pdf", "txt"].'
    )
    write_when = models.CharField(max_length=10, choices=WriteWhen.choices, default=WriteWhen.DONE)
    enabled = models.BooleanField(default=True)
    # What the watcher (manage.py watch_folders) last saw, for the admin and /api/status/.
    scanned_at = models.DateTimeField(null=True, blank=True)
    files_waiting = models.PositiveIntegerField(
        default=0, help_text="Files seen and not taken yet (still being written, or held back)."
    )
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return self.path


class IntakeFile(models.Model):
    """A file taken from an intake folder: what became of it and where the original is now."""

    class State(models.TextChoices):
        INGESTED = "ingested", "became a document"
        DUPLICATE = "duplicate", "same content as an earlier file"
        FAILED = "failed", "refused"

    folder = models.ForeignKey(IntakeFolder, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(
        max_length=500, help_text="Where it was found, relative to the folder: alice/scan.pdf"
    )
    sha256 = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices)
    # The document it became (or, for a duplicate, the earlier file's); deleting the document
    # forgets the file, so the same content dropped again is read again.
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="intake_files"
    )
    moved_to = models.CharField(
        max_length=500,
        blank=True,
        help_text="Where the original is now, relative to the folder (blank: not moved yet).",
    )
    error = models.TextField(blank=True, help_text="Why it was refused.")
    written_at = models.DateTimeField(
        null=True, blank=True, help_text="When its results were last written to the output."
    )
    write_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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
    DONE = "done", "OCR done"
    FAILED = "failed", "OCR failed"
    REVIEWED = "reviewed", "marked reviewed"


def all_webhook_events() -> list[str]:
    return list(WebhookEvent.values)


class Webhook(models.Model):
    """A URL told about documents (documents/webhooks.py): a user's, for the documents they
    own, or an intake folder's, for the documents made from its files."""

    url = models.URLField(
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Called with POST and a signed JSON body; http or https.",
    )
    secret = models.CharField(
        max_length=100,
        blank=True,
        help_text="Shared with the receiver, which checks the signature with it; left blank, "
        "one is generated.",
    )
    events = models.JSONField(
        default=all_webhook_events,
        help_text='Which of "done", "failed", "reviewed" are sent.',
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
        help_text="A user's hook: called for the documents this user owns.",
    )
    folder = models.ForeignKey(
        IntakeFolder,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
        help_text="An intake folder's hook: called for the documents made from its files.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False, folder__isnull=True)
                | models.Q(owner__isnull=True, folder__isnull=False),
                name="webhook_owner_or_folder",
                violation_error_message="A webhook belongs to a user or to an intake folder: "
                "set exactly one of them.",
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
        PENDING = "pending", "waiting to be sent"
        DELIVERED = "delivered", "delivered"
        GIVEN_UP = "given_up", "given up"

    uid = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, help_text="Sent as `delivery`."
    )
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=10, choices=WebhookEvent.choices)
    # The document may be deleted before its delivery is sent: the payload keeps its id.
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.JSONField(help_text="The body sent, as it was when the event happened.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_try_at = models.DateTimeField(
        null=True, blank=True, help_text="When it is sent next (pending deliveries only)."
    )
    last_try_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The receiver's HTTP status at the last try."
    )
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["state", "next_try_at"])]

    def __str__(self) -> str:
        return f"{self.event} to {self.webhook}"
