"""The synchronous endpoints' work (/ocr, /layout-parsing), done by the OCR queue: no web process
holds an engine.

The request's file becomes a document whose pages are read ahead of all other pages; the request
waits for them with a time limit and answers with the pages. The old /ocr shape's document is
ephemeral (never listed, deleted once answered); PaddleX serving's is kept, for the review app.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext

from . import queue
from .errors import ApplicationError
from .models import ACTIVE_STATUSES, Document, Page, Status
from .services import uploads

POLL_S = 0.2
# A request still waiting this long with no OCR worker alive is told so (a worker just
# starting up has its heartbeat by then).
NO_WORKER_AFTER_S = 10


def read_now(
    *,
    owner: AbstractBaseUser,
    upload: File,
    options: dict[str, Any],
    pipeline: str = "structure",
    keep: bool = False,
) -> list[Page]:
    """The file's pages, read by the queue's workers with `pipeline` (each with its document
    loaded). `keep`: the document stays, a document like any upload; else it is deleted once
    read. Raises ApplicationError with the reason (and no exception text) when it cannot be."""
    document = uploads.document_create(
        owner=owner,
        upload=upload,
        pipeline=pipeline,
        options=options,
        ephemeral=not keep,
        priority=True,
        max_pages=settings.SYNC_OCR_MAX_PAGES,
    )
    try:
        started = time.monotonic()
        while document.status in ACTIVE_STATUSES:
            waited = time.monotonic() - started
            queued = document.status == Status.QUEUED
            if waited > NO_WORKER_AFTER_S and queued and not queue.live_clusters():
                raise ApplicationError(
                    gettext("no OCR worker is running: ask an administrator"),
                    code="no_workers",
                    status=503,
                )
            if waited > settings.SYNC_OCR_WAIT_S:
                later = (
                    gettext(
                        "the OCR queue did not finish the file within %(seconds)d s: it stays "
                        "in your documents, where its pages will be read"
                    )
                    if keep
                    else gettext(
                        "the OCR queue did not finish the file within %(seconds)d s: try again "
                        "later, or upload it as a document"
                    )
                )
                raise ApplicationError(
                    later % {"seconds": settings.SYNC_OCR_WAIT_S},
                    code="timeout",
                    status=504,
                )
            time.sleep(POLL_S)
            document.refresh_from_db(fields=["status"])
        pages = list(document.pages.order_by("number"))
        for page in pages:
            if page.status != Status.DONE:
                raise ApplicationError(
                    gettext("page %(number)d could not be read: %(reason)s")
                    % {"number": page.number, "reason": page.error or page.get_status_display()},
                    code="ocr_failed",
                    status=422,
                )
        return pages
    finally:
        if not keep:
            uploads.document_delete(document=document)


def leftovers_delete() -> None:
    """Delete the files of requests whose web process died before it could delete them."""
    left = timezone.now() - timedelta(seconds=settings.SYNC_OCR_WAIT_S + 600)
    for document in Document.objects.filter(ephemeral=True, created_at__lt=left):
        uploads.document_delete(document=document)
