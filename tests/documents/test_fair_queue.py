"""The queue's turn order: requests waiting on /ocr first, then fairly across users, so one
user's batch does not starve another user's single page; and a limit on pages waiting."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import worker
from documents.errors import ApplicationError
from documents.models import Document, Page, Status
from documents.selectors import next_page
from documents.services import uploads
from tests.documents import files

pytestmark = pytest.mark.django_db


def upload(owner, pages: int, **options) -> Document:
    data = files.pdf([files.text_page()] * pages) if pages > 1 else files.png()
    name = "doc.pdf" if pages > 1 else "doc.png"
    return uploads.document_create(owner=owner, upload=SimpleUploadedFile(name, data), **options)


def take() -> Page:
    """What a free worker does: claim the page in turn."""
    page = worker.page_claim_next(message="test")
    assert page is not None
    return page


def finish(page: Page) -> None:
    Page.objects.filter(pk=page.pk).update(status=Status.DONE)


def test_a_single_page_goes_ahead_of_another_users_batch(user, other_user):
    batch = upload(user, 4)
    single = upload(other_user, 1)
    first = take()
    assert (first.document_id, first.number) == (batch.pk, 1)  # first come
    second = take()  # alice has a page being read, bob none: bob's turn
    assert second.document_id == single.pk
    third = take()  # both are being read; alice was served longest ago
    assert (third.document_id, third.number) == (batch.pk, 2)


def test_with_one_worker_users_take_turns(user, other_user):
    batch = upload(user, 3)
    page = take()
    assert page.document_id == batch.pk
    finish(page)
    single = upload(other_user, 1)
    page = take()  # nobody is being read; bob was never served
    assert page.document_id == single.pk
    finish(page)
    assert take().document_id == batch.pk


def test_a_request_waiting_on_the_ocr_endpoint_goes_first(user, other_user, admin_user):
    upload(user, 3)
    upload(other_user, 1)
    request = upload(admin_user, 1, ephemeral=True)
    assert take().document_id == request.pk
    assert request.runs.get().priority


def test_no_page_waiting_means_nothing_to_take(user):
    assert next_page() is None
    assert worker.page_claim_next(message="test") is None


def test_pages_waiting_per_user_are_limited(user, other_user, settings):
    settings.MAX_WAITING_PAGES = 3
    upload(user, 3)
    with pytest.raises(ApplicationError) as refused:
        upload(user, 1)
    assert refused.value.code == "too_many_waiting" and refused.value.status == 429
    assert "3 pages waiting" in refused.value.message
    upload(other_user, 1)  # another user's own allowance
    assert Document.objects.filter(owner=user).count() == 1  # nothing kept of the refused one
