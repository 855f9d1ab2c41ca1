"""The queue's contract, the worker's side, in the database: claim a page, record its image, save
its results or its failure, and count it towards its run (queue.py has the contract and the
sending side; tasks.py runs the engine between these steps)."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image

from . import webhooks
from .engine import pages as page_files
from .engine.types import PageResult
from .geometry import owners
from .models import ACTIVE_STATUSES, Block, Document, Line, OcrRun, Page, Status, Table, TableCell
from .selectors import RuntimeConfig, claimable_pages, next_page
from .services import corrections

PNG_COMPRESS_LEVEL = 1  # page images are written once per page: favour speed over size
MAX_PAGE_ATTEMPTS = settings.MAX_PAGE_ATTEMPTS


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
            page_close(page, status=Status.FAILED, error=given_up(page.attempts - 1))
            return None
        OcrRun.objects.filter(pk=_run_id(page), status=Status.QUEUED).update(
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
    Line.objects.filter(page=page).delete()
    Block.objects.filter(page=page).delete()  # tables and cells go with their blocks
    Table.objects.filter(page=page).delete()
    corrections.carry_forward(page, *_results_create(page, result))
    if page.run is not None and not page.run.engine_info:  # the run's first page records it
        OcrRun.objects.filter(pk=page.run.pk).update(engine_info=engine_info)
    run_count(page, failed=False, seconds=result.timings.get("total", 0.0))
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
    in_reading_order = sorted(blocks, key=lambda b: b.order)
    owner = owners([b.box for b in in_reading_order], [line.box for line in result.lines])
    lines = Line.objects.bulk_create(
        Line(
            page=page,
            block=None if o is None else in_reading_order[o],
            order=i,
            text=line.text,
            score=line.score,
            box=list(line.box),
            polygon=[list(p) for p in line.polygon],
        )
        for i, (line, o) in enumerate(zip(result.lines, owner, strict=True))
    )
    return lines, blocks, cells


@transaction.atomic
def page_fail(*, page_id: int, token: str, reason: str) -> bool:
    """Record why the page could not be read; False when it is no longer this message's."""
    page = Page.objects.select_related("run").filter(pk=page_id, token=token).first()
    if page is None or page.status not in ACTIVE_STATUSES:
        return False
    page_close(page, status=Status.FAILED, error=reason)
    return True


def given_up(attempts: int) -> str:
    return (
        f"the worker stopped {attempts} times while reading this page (crash, out of memory "
        "or killed); the page was given up"
    )


def page_close(page: Page, *, status: str, error: str) -> None:
    updated = Page.objects.filter(pk=page.pk, token=page.token, status__in=ACTIVE_STATUSES).update(
        status=status, error=error, finished_at=timezone.now()
    )
    if updated:
        run_count(page, failed=True, seconds=0.0)


def run_count(page: Page, *, failed: bool, seconds: float) -> None:
    """Count the page towards its run and close the run when every page is counted."""
    counter = "pages_failed" if failed else "pages_done"
    OcrRun.objects.filter(pk=_run_id(page)).update(
        **{counter: F(counter) + 1}, ocr_seconds=F("ocr_seconds") + seconds
    )
    run = OcrRun.objects.select_for_update().get(pk=_run_id(page))
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


def _run_id(page: Page) -> int:
    # A page is queued, claimed and saved only as part of a run: Page.run is null only on a
    # page never queued.
    assert page.run_id is not None
    return page.run_id
