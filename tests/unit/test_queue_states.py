"""The queue's state machine, driven step by step through the real services on real rows: a
page claimed by its token and saved; late deliveries (a result or a failure arriving after the
page was recovered, reclaimed, cancelled or reprocessed) and duplicate deliveries (the same
message or result twice) change nothing; stalled pages are sent again, then given up with a
reason; the run's and the document's counters and statuses follow at every step.

No worker or cluster runs: each test plays the worker's part itself (tests/documents/test_queue.py
runs the same protocol end to end with a real cluster and the real engine)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ

from documents import queue, worker
from documents.engine.types import Line as ResultLine
from documents.engine.types import PageResult
from documents.errors import ApplicationError
from documents.models import Document, Line, OcrRun, Page, Status
from documents.services import runs

pytestmark = pytest.mark.django_db


def result(text: str) -> PageResult:
    """A page result built by hand with one line. What is tested here is the queue's state
    machine, not OCR: no engine runs, and the text only tells which delivery was kept."""
    polygon = ((10.0, 10.0), (200.0, 10.0), (200.0, 40.0), (10.0, 40.0))
    line = ResultLine(text=text, score=0.99, polygon=polygon, box=(10.0, 10.0, 200.0, 40.0))
    return PageResult(
        width=400,
        height=300,
        angle=0,
        pipeline="ocr",
        blocks=(),
        lines=(line,),
        markdown=text,
        raw={},
        timings={"total": 0.5},
    )


def save(page: Page, text: str) -> bool:
    """The worker's save of its result for `page` (as the worker holds it: its token)."""
    return worker.page_result_save(
        page=page, result=result(text), engine_info={"backend": "openvino"}, timings={"render": 0.1}
    )


def claim(page: Page) -> Page | None:
    """The worker's claim of `page` by the message that names it (its id and token)."""
    message = worker.message_key(page.pk, str(page.token))
    return worker.page_claim(page_id=page.pk, token=str(page.token), message=message)


def fail(page: Page, reason: str) -> bool:
    return worker.page_fail(page_id=page.pk, token=str(page.token), reason=reason)


def worker_died(page: Page) -> None:
    """The page's worker was killed: its claim is older than the task timeout and the sweep's
    margin."""
    long_ago = timezone.now() - timedelta(seconds=settings.TASK_TIMEOUT + 31)
    Page.objects.filter(pk=page.pk).update(claimed_at=long_ago)


def fresh(page: Page) -> Page:
    return Page.objects.get(pk=page.pk)


def progress(document: Document) -> tuple[str, str, int, int]:
    """(document status, its latest run's status, pages done, pages failed)."""
    document.refresh_from_db()
    run = document.runs.order_by("-id").first()
    return document.status, run.status, run.pages_done, run.pages_failed


def texts(page: Page) -> list[str]:
    return list(Line.objects.filter(page=page).order_by("order").values_list("text", flat=True))


def test_each_page_is_claimed_and_saved_and_the_last_one_closes_the_run(upload):
    document = upload(pages=2)
    run = document.runs.get()
    first, second = document.pages.order_by("number")
    assert (run.pages_total, run.attempt, run.started_at) == (2, 1, None)
    assert progress(document) == (Status.QUEUED, Status.QUEUED, 0, 0)
    assert (first.status, first.attempts) == (Status.QUEUED, 0) and first.token != second.token

    message = worker.message_key(first.pk, str(first.token))
    reading = worker.page_claim_next(message=message)
    assert (reading.pk, reading.status, reading.attempts) == (first.pk, Status.RUNNING, 1)
    assert fresh(first).claimed_with == message
    assert progress(document) == (Status.RUNNING, Status.RUNNING, 0, 0)
    assert fresh(second).status == Status.QUEUED

    assert save(reading, "page one")
    assert progress(document) == (Status.RUNNING, Status.RUNNING, 1, 0)
    assert (fresh(first).status, texts(first)) == (Status.DONE, ["page one"])

    assert save(claim(second), "page two")
    assert progress(document) == (Status.DONE, Status.DONE, 2, 0)
    run.refresh_from_db()
    assert run.finished_at is not None and run.started_at is not None
    assert run.ocr_seconds == pytest.approx(1.0)  # each result's own total
    assert run.engine_info == {"backend": "openvino"}
    assert fresh(second).timings == {"total": 0.5, "render": 0.1}


@pytest.mark.skipif(not Conf.ORM, reason="messages kept as rows: the ORM broker only")
def test_each_waiting_page_has_one_message_and_a_resent_page_one_more(upload):
    document = upload(pages=3)
    assert OrmQ.objects.count() == 3
    page = claim(document.pages.get(number=2))
    worker_died(page)
    assert queue.pages_recover_stalled() == 1
    assert OrmQ.objects.count() == 4


def test_a_result_or_failure_arriving_after_the_page_was_recovered_is_ignored(upload):
    document = upload()
    late = claim(document.pages.get())
    worker_died(late)  # ... as far as the sweep can tell: the worker is only slow

    assert queue.pages_recover_stalled() == 1
    resent = fresh(late)
    assert (resent.status, resent.attempts) == (Status.QUEUED, 1) and resent.token != late.token

    assert not save(late, "late result")
    assert not fail(late, "late failure")
    assert (fresh(late).status, fresh(late).error, texts(late)) == (Status.QUEUED, "", [])
    assert progress(document) == (Status.RUNNING, Status.RUNNING, 0, 0)

    again = claim(resent)
    assert again.attempts == 2
    # Late again, while another worker reads the resent page: only the token tells them apart.
    assert not save(late, "late result")
    assert not fail(late, "late failure")
    assert (fresh(late).status, texts(late)) == (Status.RUNNING, [])
    assert save(again, "result of the resent page")
    assert texts(late) == ["result of the resent page"]
    assert progress(document) == (Status.DONE, Status.DONE, 1, 0)


def test_a_page_taken_again_after_its_timeout_is_saved_and_counted_once(upload):
    """The message came back (ORM broker's retry) while the first worker still read: both
    hold the same token, the first save wins and the second is discarded."""
    document = upload()
    first_worker = claim(document.pages.get())
    worker_died(first_worker)
    second_worker = claim(first_worker)
    assert second_worker.attempts == 2

    assert save(first_worker, "first")
    assert not save(second_worker, "second")
    assert not fail(second_worker, "second worker failed")
    assert texts(first_worker) == ["first"]
    assert progress(document) == (Status.DONE, Status.DONE, 1, 0)


def test_a_message_or_a_result_delivered_twice_reads_and_counts_the_page_once(upload):
    document = upload()
    page = document.pages.get()
    message = worker.message_key(page.pk, str(page.token))
    reading = worker.page_claim_next(message=message)

    assert worker.page_claim_next(message=message) is None  # while the first worker reads
    assert claim(page) is None
    assert save(reading, "once")
    assert worker.page_claim_next(message=message) is None  # and once it is done
    assert claim(page) is None
    assert not save(reading, "twice")

    assert fresh(page).attempts == 1
    assert texts(page) == ["once"]
    assert progress(document) == (Status.DONE, Status.DONE, 1, 0)


def test_a_queued_document_cancelled_is_never_read(upload):
    document = upload(pages=2)
    cancelled = runs.ocr_run_cancel(document=document)

    assert cancelled.status == Status.CANCELLED
    run = document.runs.get()
    assert (run.status, run.error, run.pages_done) == (Status.CANCELLED, "cancelled", 0)
    for page in document.pages.all():
        assert (page.status, page.error) == (Status.CANCELLED, "cancelled")
        assert page.finished_at is not None
        assert claim(page) is None
    assert worker.page_claim_next(message="any") is None

    with pytest.raises(ApplicationError) as refused:
        runs.ocr_run_cancel(document=cancelled)
    assert (refused.value.code, refused.value.status) == ("not_active", 409)
    assert "cancelled" in refused.value.message


def test_a_result_or_failure_arriving_after_a_cancel_is_discarded(upload):
    document = upload(pages=2)
    reading = claim(document.pages.get(number=1))
    runs.ocr_run_cancel(document=document)

    assert not save(reading, "too late")
    assert not fail(reading, "too late")
    assert texts(reading) == []
    assert (fresh(reading).status, fresh(reading).error) == (Status.CANCELLED, "cancelled")
    assert progress(document) == (Status.CANCELLED, Status.CANCELLED, 0, 0)


def test_a_reprocess_starts_a_new_run_and_the_old_runs_late_result_is_discarded(upload):
    document = upload()
    old_worker = claim(document.pages.get())
    old_run = old_worker.run

    new_run = runs.document_reprocess(document=document)
    old_run.refresh_from_db()
    assert (old_run.status, old_run.error) == (Status.CANCELLED, "replaced by a new run")
    assert (new_run.attempt, new_run.status, new_run.pipeline) == (2, Status.QUEUED, "ocr")
    page = fresh(old_worker)
    assert (page.run_id, page.status, page.attempts) == (new_run.pk, Status.QUEUED, 0)
    assert page.token != old_worker.token

    assert not save(old_worker, "old run")
    new_worker = claim(page)
    assert not save(old_worker, "old run")  # while the new run reads the page
    assert save(new_worker, "new run")
    assert texts(page) == ["new run"]
    assert progress(document) == (Status.DONE, Status.DONE, 1, 0)
    assert OcrRun.objects.get(pk=old_run.pk).pages_done == 0


def test_a_page_whose_worker_keeps_dying_is_sent_again_then_given_up_with_the_reason(upload):
    document = upload()
    page = document.pages.get()
    tokens = {page.token}
    for attempt in range(1, worker.MAX_PAGE_ATTEMPTS + 1):
        reading = claim(page)
        assert reading.attempts == attempt
        worker_died(reading)
        assert queue.pages_recover_stalled() == 1
        page = fresh(page)
        tokens.add(page.token)
        if attempt < worker.MAX_PAGE_ATTEMPTS:
            assert page.status == Status.QUEUED  # sent again with a new token

    assert len(tokens) == worker.MAX_PAGE_ATTEMPTS  # the last sweep gave up instead
    reason = (
        f"the worker stopped {worker.MAX_PAGE_ATTEMPTS} times while reading this page "
        "(crash, out of memory or killed); the page was given up"
    )
    assert (page.status, page.error) == (Status.FAILED, reason)
    assert progress(document) == (Status.FAILED, Status.FAILED, 0, 1)
    assert document.error == f"1 of 1 pages failed. page 1: {reason}"
    assert document.runs.get().error == document.error
    assert queue.pages_recover_stalled() == 0


def test_a_page_taken_again_too_often_fails_at_its_next_claim(upload):
    """Without the sweep: the broker's own redelivery after each timeout."""
    document = upload()
    page = document.pages.get()
    for attempt in range(1, worker.MAX_PAGE_ATTEMPTS + 1):
        assert claim(page).attempts == attempt
        worker_died(page)

    assert claim(page) is None
    page = fresh(page)
    assert page.status == Status.FAILED
    assert page.error.startswith(f"the worker stopped {worker.MAX_PAGE_ATTEMPTS} times")
    assert progress(document) == (Status.FAILED, Status.FAILED, 0, 1)


def test_a_failed_page_fails_the_run_with_its_reason_once_every_page_is_counted(upload):
    document = upload(pages=2)
    first = claim(document.pages.get(number=1))
    assert fail(first, "the page image is empty")
    assert not fail(first, "the page image is empty")  # the failure delivered twice
    assert progress(document) == (Status.RUNNING, Status.RUNNING, 0, 1)

    assert save(claim(document.pages.get(number=2)), "page two")
    assert progress(document) == (Status.FAILED, Status.FAILED, 1, 1)
    assert document.error == "1 of 2 pages failed. page 1: the page image is empty"
    assert (fresh(first).status, fresh(first).error) == (Status.FAILED, "the page image is empty")
