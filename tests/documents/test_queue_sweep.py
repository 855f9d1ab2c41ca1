"""The queue never forgets a page: the sweep re-sends waiting pages left without a readable
message (ORM broker: deleted, or signed with another key), a running page is taken again only
after its timeout, and processes starting together agree on the secret key that signs the
messages."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import OrmQ

from documents import queue, worker
from documents.models import Page, Status
from documents.services import uploads
from tests.documents import files

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def waiting_page(user, django_capture_on_commit_callbacks) -> Page:
    """A page queued an hour ago, with its message in the broker's queue (on Redis it is sent
    when the upload commits)."""
    with django_capture_on_commit_callbacks(execute=True):
        upload = SimpleUploadedFile("a.png", files.png())
        document = uploads.document_create(owner=user, upload=upload)
    page = document.pages.get()
    Page.objects.filter(pk=page.pk).update(enqueued_at=timezone.now() - timedelta(hours=1))
    page.refresh_from_db()
    return page


def test_a_page_with_its_message_is_left_alone(waiting_page):
    assert queue.pages_recover_stalled() == 0
    assert Page.objects.get(pk=waiting_page.pk).token == waiting_page.token


@pytest.mark.skipif(not Conf.ORM, reason="messages kept as rows: the ORM broker only")
@pytest.mark.parametrize("lose", ["deleted", "unreadable"])
def test_a_waiting_page_without_a_readable_message_is_sent_again(waiting_page, lose):
    assert queue._orm_readable_messages() == 1
    if lose == "deleted":  # e.g. from the admin's queue page
        OrmQ.objects.all().delete()
    else:  # signed with another secret key: the cluster would drop it unread
        message = OrmQ.objects.get()
        message.payload = message.payload[:-6] + "AAAAAA"
        message.save()
    assert queue.pages_recover_stalled() == 1
    page = Page.objects.get(pk=waiting_page.pk)
    assert page.status == Status.QUEUED and page.token != waiting_page.token
    assert queue._orm_readable_messages() == 1  # the new one
    assert queue.pages_recover_stalled() == 0  # its new message is there


def test_a_running_page_is_taken_again_only_after_its_timeout(waiting_page):
    token = str(waiting_page.token)
    assert worker.page_claim(page_id=waiting_page.pk, token=token) is not None
    # The same message delivered again while the first worker still reads the page.
    assert worker.page_claim(page_id=waiting_page.pk, token=token) is None
    expired = timezone.now() - timedelta(seconds=settings.TASK_TIMEOUT + 1)
    Page.objects.filter(pk=waiting_page.pk).update(claimed_at=expired)
    again = worker.page_claim(page_id=waiting_page.pk, token=token)
    assert again is not None and again.attempts == 2


def test_processes_starting_together_share_one_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "OCRSITE_SECRET_KEY"}
    env |= {"OCRSITE_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ocrsite.settings"}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    starting = [
        subprocess.Popen([sys.executable, "-c", code], env=env, cwd=REPO, stdout=subprocess.PIPE)
        for _ in range(12)
    ]
    keys = {p.communicate(timeout=120)[0].decode().strip() for p in starting}
    assert len(keys) == 1 and len(next(iter(keys))) > 40
    assert (tmp_path / "secret_key").read_text().strip() in keys
    assert [p.name for p in tmp_path.iterdir() if "secret" in p.name] == ["secret_key"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
