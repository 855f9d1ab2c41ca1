"""The queue's contract, the sending side: a run's pages become messages, and pages whose message
was lost are sent again (the worker's side: worker.py).

Each waiting page has one message in the broker, but a message reads whichever page the queue's
turn order gives it (selectors.next_page: requests waiting on /ocr first, then fairly across
users). The worker claims that page by its id and current `token` with a conditional UPDATE
(queued -> running, or running -> running once the task timeout of a dead worker has passed),
runs OCR outside any transaction, and saves every result in one short transaction that again
checks the token. A cancelled or reprocessed page gets a new token (or status), so a slow
worker's late result changes nothing. Progress is counted in the same transaction, and the page
that completes a run closes it.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.signing import SignedPackage
from django_q.status import Stat
from django_q.tasks import async_task

from . import worker
from .errors import ApplicationError
from .models import ACTIVE_STATUSES, Document, OcrRun, Page, Status
from .selectors import RuntimeConfig, pages_waiting

logger = logging.getLogger(__name__)

PAGE_TASK = "documents.tasks.ocr_page"
# django-q2 saves each cluster's stats every 0.5 s with a 3 s expiry: older means it is gone.
HEARTBEAT_MAX_AGE_S = 30


def check_waiting(owner: User, pages: int, config: RuntimeConfig) -> None:
    """Refuse more pages from a user who already has the most allowed waiting in the queue."""
    waiting = pages_waiting(user=owner)
    if waiting + pages > config.max_waiting_pages:
        raise ApplicationError(
            ngettext(
                "you have %(waiting)d page waiting to be read; with these %(pages)d that is over "
                "the limit of %(limit)d: try again when some are done",
                "you have %(waiting)d pages waiting to be read; with these %(pages)d that is over "
                "the limit of %(limit)d: try again when some are done",
                waiting,
            )
            % {"waiting": waiting, "pages": pages, "limit": config.max_waiting_pages},
            code="too_many_waiting",
            status=429,
        )


def run_start(
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
    enqueue(pages)
    return run


def enqueue(pages: list[Page]) -> None:
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


def runs_cancel(*, document: Document, reason: str) -> None:
    now = timezone.now()
    Page.objects.filter(document=document, status__in=ACTIVE_STATUSES).update(
        status=Status.CANCELLED, error=reason, finished_at=now
    )
    OcrRun.objects.filter(document=document, status__in=ACTIVE_STATUSES).update(
        status=Status.CANCELLED, error=reason, finished_at=now
    )


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
    if page.attempts >= worker.MAX_PAGE_ATTEMPTS:
        worker.page_close(page, status=Status.FAILED, error=worker.given_up(page.attempts))
        return
    fresh = Page(pk=page.pk, token=uuid.uuid4())
    resent = Page.objects.filter(pk=page.pk, token=page.token, status__in=ACTIVE_STATUSES).update(
        status=Status.QUEUED, token=fresh.token, enqueued_at=timezone.now()
    )
    if resent:
        logger.warning("page %s of document %s sent again", page.number, page.document_id)
        enqueue([fresh])


def live_clusters() -> list[Stat]:
    """The clusters reading the queue now (their heartbeat is recent)."""
    now = timezone.now()
    return [
        stat
        for stat in Stat.get_all()
        if stat.status != Conf.STOPPED
        and (now - stat.timestamp).total_seconds() < HEARTBEAT_MAX_AGE_S
    ]
