"""Writes: uploads, OCR runs and their pages, review, cancel, reprocess, delete (corrections:
corrections.py).

The queue's contract lives here. Each waiting page has one message in the broker, but a
message reads whichever page the queue's turn order gives it (selectors.next_page: requests
waiting on /ocr first, then fairly across users). The worker claims that page by its id and
current `token` with a conditional UPDATE (queued -> running, or running -> running once the
task timeout of a dead worker has passed), runs OCR outside any transaction, and saves every
result in one short transaction that again checks the token. A cancelled or reprocessed page
gets a new token (or status), so a slow worker's late result changes nothing. Progress is
counted in the same transaction, and the page that completes a run closes it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.signing import SignedPackage
from django_q.tasks import async_task
from PIL import Image

from . import corrections, webhooks
from .engine import pages as page_files
from .engine.errors import BadImageError, EngineError, TooManyPixelsError
from .engine.pipeline import FLAG_DEFAULTS, pipeline_options, resolve_options
from .engine.registry import how_to_add, pipeline_models
from .engine.types import PageResult
from .errors import ApplicationError
from .models import (
    ACTIVE_STATUSES,
    Block,
    Document,
    Line,
    OcrRun,
    Page,
    Status,
    Table,
    TableCell,
    WebhookEvent,
)
from .selectors import (
    RuntimeConfig,
    claimable_pages,
    models_installed,
    next_page,
    pages_waiting,
    runtime_config,
)

logger = logging.getLogger(__name__)

PAGE_TASK = "documents.tasks.ocr_page"
PNG_COMPRESS_LEVEL = 1  # page images are written once per page: favour speed over size
# A page whose worker died this many times (crash, out of memory, kill) fails with a reason.
MAX_PAGE_ATTEMPTS = settings.Q_CLUSTER.get("max_attempts", 3)

_BAD_FILE_CODES = {
    page_files.EmptyFileError: "empty_file",
    page_files.UnsupportedFileError: "unsupported_file",
    page_files.EncryptedFileError: "encrypted_file",
    page_files.CorruptFileError: "corrupt_file",
    page_files.TooManyPagesError: "too_many_pages",
    TooManyPixelsError: "too_many_pixels",
}


# --- uploads and runs ---------------------------------------------------------------------


def options_validate(*, pipeline: str, options: dict[str, Any], text_models: str) -> None:
    """Refuse an unknown pipeline, an unknown option, or a pipeline or option whose model is not
    installed (with the command that adds it), before anything is stored or queued."""
    installed = models_installed()
    try:
        resolve_options(pipeline, options, installed)
        needed = pipeline_models(pipeline, text_models)
    except EngineError as e:
        raise ApplicationError(str(e), code="invalid_options") from None
    missing = [m for m in needed if m not in installed]
    if missing:
        commands = "; ".join(dict.fromkeys(how_to_add(m) for m in missing))
        raise ApplicationError(
            f"the {pipeline} pipeline needs {', '.join(missing)}, which is not installed: "
            f"{commands}",
            code="invalid_options",
        )


def document_create(
    *,
    owner: AbstractBaseUser,
    upload: File,
    name: str | None = None,
    pipeline: str | None = None,
    options: dict[str, Any] | None = None,
    ephemeral: bool = False,
    priority: bool = False,
    max_pages: int | None = None,
) -> Document:
    """Store an uploaded file, check it, and queue its pages for OCR.

    `priority`: a file a request waits on (sync_ocr.py): read ahead of other pages, and not
    counted against the owner's waiting pages (the request holds at most `max_pages`).
    `ephemeral`: such a file that is deleted once answered: never listed; implies `priority`.

    Raises ApplicationError (code empty_file, unsupported_file, corrupt_file, encrypted_file,
    too_many_pages, too_many_pixels, too_large, too_many_waiting or invalid_options) for a file
    that cannot become a document; nothing is kept of it then.
    """
    config = runtime_config()
    name = Path(name or upload.name or "upload").name[:255]
    limit = config.max_upload_mb * 1024 * 1024
    if upload.size is not None and upload.size > limit:
        raise ApplicationError(
            f"{name}: the file is {upload.size / 1048576:.1f} MB, over the limit of "
            f"{config.max_upload_mb} MB",
            code="too_large",
            status=413,
        )
    pipeline = pipeline or config.pipeline
    # The admin's defaults for the flags this pipeline takes (a structure-only default such as
    # use_table_recognition does not apply to, and must not refuse, a text-only upload).
    takes = {option.name for option in pipeline_options(pipeline, ())}
    defaults = {k: v for k, v in config.options.items() if k in takes or k not in FLAG_DEFAULTS}
    run_options = {**defaults, **(options or {})}
    options_validate(pipeline=pipeline, options=run_options, text_models=config.text_models)

    document = Document(owner=owner, name=name, ephemeral=ephemeral)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document.original.save(_storage_name(name), upload, save=False)
    try:
        info = page_files.inspect(
            document.original.path,
            max_pages=min(config.max_pages, max_pages or config.max_pages),
            max_pixels=config.max_page_pixels,
            dpi=config.pdf_dpi,
        )
    except BadImageError as e:
        document.original.delete(save=False)
        code = next((c for t, c in _BAD_FILE_CODES.items() if isinstance(e, t)), "bad_file")
        raise ApplicationError(f"{name}: {e}", code=code) from None

    document.sha256 = digest.hexdigest()
    document.size = document.original.size
    document.file_type = info.file_type
    document.mime_type = info.mime_type
    document.page_count = info.page_count
    try:
        priority = priority or ephemeral
        if not priority:
            _check_waiting(owner, info.page_count, config)
        with transaction.atomic():
            document.save()
            Page.objects.bulk_create(
                Page(document=document, number=n) for n in range(1, info.page_count + 1)
            )
            _run_start(
                document=document,
                pipeline=pipeline,
                options=run_options,
                config=config,
                priority=priority,
            )
    except Exception:
        document.original.delete(save=False)
        raise
    return document


def _storage_name(name: str) -> str:
    """A safe file name that keeps the upload's extension (the content decides the type)."""
    stem, suffix = Path(name).stem, Path(name).suffix.lower()
    return default_storage.get_valid_name(f"{stem[:80] or 'original'}{suffix[:10]}")


def _check_waiting(owner: AbstractBaseUser, pages: int, config: RuntimeConfig) -> None:
    """Refuse more pages from a user who already has the most allowed waiting in the queue."""
    waiting = pages_waiting(user=owner)
    if waiting + pages > config.max_waiting_pages:
        raise ApplicationError(
            f"you have {waiting} pages waiting to be read; with these {pages} that is over the "
            f"limit of {config.max_waiting_pages}: try again when some are done",
            code="too_many_waiting",
            status=429,
        )


def _run_start(
    *,
    document: Document,
    pipeline: str,
    options: dict[str, Any],
    config: RuntimeConfig,
    priority: bool = False,
) -> OcrRun:
    """A new run over every page of `document`; its page messages are sent with the commit."""
    attempt = document.runs.count() + 1
    run = OcrRun.objects.create(
        document=document,
        pipeline=pipeline,
        options=options,
        backend=config.backend,
        precision=config.precision,
        text_models=config.text_models,
        pages_total=document.page_count,
        attempt=attempt,
        priority=priority,
    )
    now = timezone.now()
    pages = list(document.pages.order_by("number"))
    for page in pages:
        page.run = run
        page.status = Status.QUEUED
        page.error = ""
        page.token = uuid.uuid4()
        page.attempts = 0
        page.enqueued_at = now
        page.claimed_at = None
        page.finished_at = None
    Page.objects.bulk_update(
        pages,
        ["run", "status", "error", "token", "attempts", "enqueued_at", "claimed_at", "finished_at"],
    )
    Document.objects.filter(pk=document.pk).update(
        status=Status.QUEUED, error="", reviewed=False, reviewed_at=None, updated_at=now
    )
    _enqueue(pages)
    return run


def _enqueue(pages: list[Page]) -> None:
    messages = [(page.pk, str(page.token)) for page in pages]

    def send() -> None:
        for page_id, token in messages:
            async_task(
                PAGE_TASK,
                page_id,
                token,
                hook="documents.tasks.ocr_page_finished",
                task_name=f"ocr-page-{page_id}-{token[:8]}",
            )

    if Conf.ORM:
        send()  # the ORM broker's rows commit (or roll back) with the pages themselves
    else:
        transaction.on_commit(send)


@transaction.atomic
def document_reprocess(
    *, document: Document, pipeline: str | None = None, options: dict[str, Any] | None = None
) -> OcrRun:
    """OCR every page again (other pipeline or options allowed), whatever the current status.

    An active run is cancelled first. The previous results stay until each page's new result
    replaces them; each page's corrections are then carried to its new results or listed as
    not placed (corrections.py).
    """
    config = runtime_config()
    previous = document.runs.order_by("-queued_at", "-id").first()
    pipeline = pipeline or (previous.pipeline if previous else config.pipeline)
    run_options = options if options is not None else (previous.options if previous else {})
    options_validate(pipeline=pipeline, options=run_options, text_models=config.text_models)
    _runs_cancel(document=document, reason="replaced by a new run")
    _check_waiting(document.owner, document.page_count, config)
    return _run_start(document=document, pipeline=pipeline, options=run_options, config=config)


@transaction.atomic
def ocr_run_cancel(*, document: Document) -> Document:
    """Stop the document's OCR: waiting pages are dropped, a page being read is discarded."""
    if document.status not in ACTIVE_STATUSES:
        raise ApplicationError(
            f"The document is {document.status}; only a queued or running document can be "
            "cancelled.",
            code="not_active",
            status=409,
        )
    _runs_cancel(document=document, reason="cancelled")
    Document.objects.filter(pk=document.pk).update(
        status=Status.CANCELLED, error="", updated_at=timezone.now()
    )
    document.refresh_from_db()
    return document


def _runs_cancel(*, document: Document, reason: str) -> None:
    now = timezone.now()
    Page.objects.filter(document=document, status__in=ACTIVE_STATUSES).update(
        status=Status.CANCELLED, error=reason, finished_at=now
    )
    OcrRun.objects.filter(document=document, status__in=ACTIVE_STATUSES).update(
        status=Status.CANCELLED, error=reason, finished_at=now
    )


@transaction.atomic
def document_mark_reviewed(*, document: Document, reviewed: bool = True) -> Document:
    """Marking a document reviewed marks all its pages; unmarking only the document."""
    _document_set_reviewed(document.pk, reviewed)
    if reviewed:
        document.pages.update(reviewed=True)
    document.refresh_from_db()
    return document


@transaction.atomic
def page_mark_reviewed(*, page: Page, reviewed: bool = True) -> Page:
    """A page's flag; the document is reviewed exactly when all its pages are."""
    page.reviewed = reviewed
    page.save(update_fields=["reviewed"])
    all_reviewed = not page.document.pages.filter(reviewed=False).exists()
    _document_set_reviewed(page.document_id, all_reviewed)
    return page


def _document_set_reviewed(document_id: int, reviewed: bool) -> None:
    """Set the document's flag where it changes (a reviewed document marked again keeps its
    time); becoming reviewed is the webhooks' "reviewed" event. The conditional UPDATE decides
    the change, so two people marking at once record one event."""
    now = timezone.now()
    changed = (
        Document.objects.filter(pk=document_id)
        .exclude(reviewed=reviewed)
        .update(reviewed=reviewed, reviewed_at=now if reviewed else None, updated_at=now)
    )
    if changed and reviewed:
        webhooks.document_event(document_id, WebhookEvent.REVIEWED)


def document_delete(*, document: Document) -> None:
    """Delete the document, its results and, once that is committed, its files."""
    files = [document.original.name, *(p.image.name for p in document.pages.all() if p.image)]
    with transaction.atomic():
        document.delete()
        transaction.on_commit(lambda: _files_delete(files))


def _files_delete(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not delete %s", name, exc_info=True)


# --- the worker's side ---------------------------------------------------------------------


def message_key(page_id: int, token: str) -> str:
    """How a page records the message whose task took it (Page.claimed_with)."""
    return f"{page_id}:{token}"


def page_claim_next(*, message: str) -> Page | None:
    """Take the page the queue's turn order gives this message (`message_key`;
    selectors.next_page); None when no page waits. Every message reads one page, not
    necessarily its own: the number of messages matches the number of pages waiting, and the
    turn order decides who goes first."""
    for _ in range(10):  # another worker may take the same page first: then the next one
        candidate = next_page()
        if candidate is None:
            return None
        page = page_claim(page_id=candidate.pk, token=str(candidate.token), message=message)
        if page is not None:
            return page
    return None


def page_claim(*, page_id: int, token: str, message: str = "") -> Page | None:
    """Take the page (by its id and current token) for the worker reading `message`, or None
    when the page is no longer waiting (done, cancelled, replaced, taken by another worker) or
    its workers died too often (the page then fails with the reason).

    A page already running is taken again only once its task timeout has passed (its worker is
    dead by then): a message redelivered early, while the first worker still reads the page,
    does not take it."""
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            claimable_pages(now)
            .filter(pk=page_id, token=token)
            .update(
                status=Status.RUNNING,
                claimed_at=now,
                claimed_with=message,
                attempts=F("attempts") + 1,
            )
        )
        if not claimed:
            return None
        page = Page.objects.select_related("document", "run").get(pk=page_id)
        if page.attempts > MAX_PAGE_ATTEMPTS:
            _page_close(page, status=Status.FAILED, error=_given_up(page.attempts - 1))
            return None
        OcrRun.objects.filter(pk=page.run_id, status=Status.QUEUED).update(
            status=Status.RUNNING, started_at=now
        )
        Document.objects.filter(pk=page.document_id, status=Status.QUEUED).update(
            status=Status.RUNNING, updated_at=now
        )
    return page


def page_image_render(*, page: Page, config: RuntimeConfig) -> page_files.RenderedPage:
    """The page's image: the stored one when an earlier run rendered it, else (also where the
    stored one is the engine's flattening of it) rendered from the original (store it with
    page_image_write and page_image_record)."""
    if page.image and not page.flattened:
        with Image.open(page.image.path) as stored:
            return page_files.RenderedPage(page.number, stored.convert("RGB"), page.dpi)
    return page_files.render_page(
        page.document.original.path,
        page.number,
        dpi=config.pdf_dpi,
        max_pixels=config.max_page_pixels,
    )


def page_image_write(*, page: Page, rendered: page_files.RenderedPage) -> str:
    """Write the rendered page as PNG to storage; returns the stored name. Touches no database,
    so it can run in a thread beside the engine."""
    buffer = io.BytesIO()
    rendered.image.save(buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    name = page.image.field.generate_filename(page, f"page-{page.number:04d}.png")
    return default_storage.save(name, ContentFile(buffer.getvalue()))


def page_image_record(
    *, page: Page, rendered: page_files.RenderedPage, name: str, flattened: bool = False
) -> bool:
    """Attach the written image to the page (in place of any earlier one, whose file goes);
    False (and the new file deleted) when the page was cancelled, replaced or deleted meanwhile.
    """
    width, height = rendered.image.size
    earlier = page.image.name
    updated = Page.objects.filter(pk=page.pk, token=page.token, status=Status.RUNNING).update(
        image=name, width=width, height=height, dpi=rendered.dpi, flattened=flattened
    )
    if not updated:
        default_storage.delete(name)
        return False
    if earlier and earlier != name:
        transaction.on_commit(lambda: default_storage.delete(earlier))
    page.image.name, page.width, page.height, page.dpi = name, width, height, rendered.dpi
    page.flattened = flattened
    return True


@transaction.atomic
def page_result_save(
    *,
    page: Page,
    result: PageResult,
    engine_info: dict[str, Any],
    timings: dict[str, float],
) -> bool:
    """Replace the page's results with `result`; False (and nothing written) when the page is
    no longer this worker's."""
    now = timezone.now()
    updated = Page.objects.filter(pk=page.pk, token=page.token, status=Status.RUNNING).update(
        status=Status.DONE,
        error="",
        finished_at=now,
        ocr_width=result.width,
        ocr_height=result.height,
        angle=result.angle,
        markdown=result.markdown,
        raw=result.raw,
        timings={**result.timings, **timings},
        reviewed=False,
    )
    if not updated:
        return False
    Block.objects.filter(page=page).delete()  # tables and cells go with their blocks
    Table.objects.filter(page=page).delete()
    Line.objects.filter(page=page).delete()
    corrections.carry_forward(page, *_results_create(page, result))
    if not page.run.engine_info:
        OcrRun.objects.filter(pk=page.run_id).update(engine_info=engine_info)
    _run_count(page, failed=False, seconds=result.timings.get("total", 0.0))
    return True


def _results_create(
    page: Page, result: PageResult
) -> tuple[list[Line], list[Block], list[TableCell]]:
    blocks = Block.objects.bulk_create(
        Block(
            page=page,
            order=b.order,
            label=b.label,
            box=list(b.box),
            polygon=[list(p) for p in b.polygon],
            content=b.content,
        )
        for b in result.blocks
    )
    with_tables = [(row, b.table) for row, b in zip(blocks, result.blocks, strict=True) if b.table]
    tables = Table.objects.bulk_create(
        Table(page=page, block=row, order=i, html=t.html, box=list(t.box))
        for i, (row, t) in enumerate(with_tables)
    )
    cells = TableCell.objects.bulk_create(
        TableCell(
            table=table,
            row=c.row,
            col=c.col,
            rowspan=c.rowspan,
            colspan=c.colspan,
            text=c.text,
            box=list(c.box) if c.box else None,
        )
        for table, (_, t) in zip(tables, with_tables, strict=True)
        for c in t.cells
    )
    lines = Line.objects.bulk_create(
        Line(
            page=page,
            order=i,
            text=line.text,
            score=line.score,
            box=list(line.box),
            polygon=[list(p) for p in line.polygon],
        )
        for i, line in enumerate(result.lines)
    )
    return lines, blocks, cells


@transaction.atomic
def page_fail(*, page_id: int, token: str, reason: str) -> bool:
    """Record why the page could not be read; False when it is no longer this message's."""
    page = Page.objects.select_related("run").filter(pk=page_id, token=token).first()
    if page is None or page.status not in ACTIVE_STATUSES:
        return False
    _page_close(page, status=Status.FAILED, error=reason)
    return True


def _given_up(attempts: int) -> str:
    return (
        f"the worker stopped {attempts} times while reading this page (crash, out of memory "
        "or killed); the page was given up"
    )


def _page_close(page: Page, *, status: str, error: str) -> None:
    updated = Page.objects.filter(pk=page.pk, token=page.token, status__in=ACTIVE_STATUSES).update(
        status=status, error=error, finished_at=timezone.now()
    )
    if updated:
        _run_count(page, failed=True, seconds=0.0)


def _run_count(page: Page, *, failed: bool, seconds: float) -> None:
    """Count the page towards its run and close the run when every page is counted."""
    counter = "pages_failed" if failed else "pages_done"
    OcrRun.objects.filter(pk=page.run_id).update(
        **{counter: F(counter) + 1}, ocr_seconds=F("ocr_seconds") + seconds
    )
    run = OcrRun.objects.select_for_update().get(pk=page.run_id)
    if run.status not in ACTIVE_STATUSES or run.pages_done + run.pages_failed < run.pages_total:
        return
    error = ""
    if run.pages_failed:
        failed_pages = run.pages.filter(status=Status.FAILED).order_by("number")
        reasons = "; ".join(f"page {p.number}: {p.error}" for p in failed_pages[:5])
        more = " ..." if run.pages_failed > 5 else ""
        error = f"{run.pages_failed} of {run.pages_total} pages failed. {reasons}{more}"
    status = Status.FAILED if run.pages_failed else Status.DONE
    now = timezone.now()
    OcrRun.objects.filter(pk=run.pk).update(status=status, error=error, finished_at=now)
    Document.objects.filter(pk=run.document_id).update(status=status, error=error, updated_at=now)
    webhooks.document_event(run.document_id, status)  # every run that ends is an event


def pages_recover_stalled(*, stale_after: float | None = None) -> int:
    """Send again the pages whose message was lost with a dead worker; returns how many.

    A page stays "running" when its worker is killed. Its message comes back by itself on a
    broker that acknowledges (the ORM broker, after `retry`); this sweep covers the rest: a
    page running for longer than the task timeout allows, and waiting pages without a message
    (on Redis, taken by a cluster that died; on the ORM broker, deleted or unreadable).
    """
    stale_after = stale_after if stale_after is not None else settings.TASK_TIMEOUT + 30
    cutoff = timezone.now() - timedelta(seconds=stale_after)
    stalled = list(
        Page.objects.filter(status=Status.RUNNING, claimed_at__lt=cutoff).select_related("run")
    )
    pages = stalled + _lost_waiting_pages(cutoff)
    for page in pages:
        _page_resend(page)
    # A /ocr request's file whose web process died before it could delete it.
    left = timezone.now() - timedelta(seconds=settings.SYNC_OCR_WAIT_S + 600)
    for document in Document.objects.filter(ephemeral=True, created_at__lt=left):
        document_delete(document=document)
    return len(pages)


def _lost_waiting_pages(cutoff: Any) -> list[Page]:
    """Waiting pages beyond the messages left to read them. Each message reads one page, so
    when fewer readable messages wait than pages, the difference was lost: on Redis taken by a
    cluster that died; on the ORM broker deleted in the admin, or signed with another secret
    key (the cluster drops it unread). The oldest pages are sent again."""
    messages = _orm_readable_messages() if Conf.ORM else get_broker().queue_size()
    missing = Page.objects.filter(status=Status.QUEUED).count() - messages
    if missing <= 0:
        return []
    waiting = Page.objects.filter(status=Status.QUEUED, enqueued_at__lt=cutoff)
    return list(waiting.order_by("enqueued_at", "pk").select_related("run")[:missing])


def _orm_readable_messages() -> int:
    """Page messages in the ORM broker's queue, not yet handed out, that a worker can read."""
    rows = OrmQ.objects.using(Conf.ORM).filter(key=get_broker().list_key, lock__lte=timezone.now())
    readable = 0
    for payload in rows.values_list("payload", flat=True):
        try:
            readable += SignedPackage.loads(payload).get("func") == PAGE_TASK
        except (signing.BadSignature, ValueError):
            continue
    return readable


@transaction.atomic
def _page_resend(page: Page) -> None:
    if page.attempts >= MAX_PAGE_ATTEMPTS:
        _page_close(page, status=Status.FAILED, error=_given_up(page.attempts))
        return
    fresh = Page(pk=page.pk, token=uuid.uuid4())
    resent = Page.objects.filter(pk=page.pk, token=page.token, status__in=ACTIVE_STATUSES).update(
        status=Status.QUEUED, token=fresh.token, enqueued_at=timezone.now()
    )
    if resent:
        logger.warning("page %s of document %s sent again", page.number, page.document_id)
        _enqueue([fresh])
