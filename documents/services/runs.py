"""A document's OCR run started again, or stopped."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from documents import queue
from documents.errors import ApplicationError
from documents.models import ACTIVE_STATUSES, Document, OcrRun, Status
from documents.selectors import runtime_config
from documents.services import uploads


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
    uploads.options_validate(pipeline=pipeline, options=run_options, text_models=config.text_models)
    queue.runs_cancel(document=document, reason="replaced by a new run")
    queue.check_waiting(document.owner, document.page_count, config)
    return queue.run_start(document=document, pipeline=pipeline, options=run_options, config=config)


@transaction.atomic
def ocr_run_cancel(*, document: Document) -> Document:
    """Stop the document's OCR: waiting pages are dropped, a page being read is discarded."""
    if document.status not in ACTIVE_STATUSES:
        raise ApplicationError(
            gettext(
                "The document is %(status)s; only a queued or running document can be cancelled."
            )
            % {"status": str(document.get_status_display()).lower()},
            code="not_active",
            status=409,
        )
    queue.runs_cancel(document=document, reason="cancelled")
    Document.objects.filter(pk=document.pk).update(
        status=Status.CANCELLED, error="", updated_at=timezone.now()
    )
    document.refresh_from_db()
    return document
