"""Webhooks: documents read by a real cluster, reviewed and failed are posted to a real HTTP
receiver on loopback, signed; failures are retried with backoff and recorded; the API registers
a user's own hooks; an intake folder's hooks hear about the documents from that folder."""

from __future__ import annotations

import json
import socket
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from documents import webhooks, worker
from documents.models import (
    Document,
    IntakeFile,
    IntakeFolder,
    Page,
    Status,
    Webhook,
    WebhookDelivery,
)
from documents.services import review, uploads
from tests.conftest import client_for
from tests.documents import files
from tests.documents.test_queue import upload
from tests.receiver import verified

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def idle_queue(make_cluster) -> None:
    """A queue of this test's own that no cluster reads: its documents stay queued (the
    session's cluster, started by an earlier test, would read them and end their runs)."""


def queued_document(owner: Any, name: str = "page.png") -> Document:
    """A stored document waiting in the queue (use with idle_queue)."""
    return uploads.document_create(
        owner=owner, upload=SimpleUploadedFile(name, files.png()), pipeline="ocr"
    )


def test_a_document_read_by_the_cluster_is_posted_done_then_reviewed(
    cluster, api, receiver, wait_finished
):
    response = api.post("/api/webhooks/", {"url": receiver.url}, format="json")
    assert response.status_code == 201, response.json()
    secret = response.json()["secret"]

    created = upload(api, "page.png", files.png(), pipeline="ocr")
    assert wait_finished(created["id"]).status == Status.DONE
    assert webhooks.deliver_due() == 1
    (request,) = receiver.requests
    assert request.path == "/hook"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"].startswith("ocrsite-webhooks/")
    payload = verified(request, secret)
    document = payload["document"]
    assert payload["event"] == "done"
    assert (document["id"], document["name"], document["status"]) == (
        created["id"],
        "page.png",
        "done",
    )
    assert (document["reviewed"], document["page_count"], document["owner"]) == (False, 1, "alice")
    assert document["url"] == f"/api/documents/{created['id']}/"
    assert document["review_url"] == f"/documents/{created['id']}"
    assert document["intake_folder"] is None
    with pytest.raises(AssertionError):
        verified(request, "another secret")  # the check can fail
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 1, 200)
    assert webhooks.deliver_due() == 0  # delivered once

    assert api.post(f"/api/documents/{created['id']}/reviewed/").status_code == 200
    assert webhooks.deliver_due() == 1
    reviewed = verified(receiver.requests[1], secret)
    assert reviewed["event"] == "reviewed" and reviewed["document"]["reviewed"] is True
    assert reviewed["delivery"] != payload["delivery"]

    # Marked again: no change, no event. Unmarked and marked again page by page: a new one.
    assert api.post(f"/api/documents/{created['id']}/reviewed/").status_code == 200
    assert WebhookDelivery.objects.count() == 2
    page = f"/api/documents/{created['id']}/pages/1/reviewed/"
    assert api.post(page, {"reviewed": False}, format="json").status_code == 200
    assert api.post(page, {"reviewed": True}, format="json").status_code == 200
    assert webhooks.deliver_due() == 1
    assert verified(receiver.requests[2], secret)["event"] == "reviewed"

    hook = api.get(f"/api/webhooks/{response.json()['id']}/").json()
    assert [(d["event"], d["state"]) for d in hook["deliveries"]] == [
        ("reviewed", "delivered"),
        ("reviewed", "delivered"),
        ("done", "delivered"),
    ]


def test_a_document_whose_page_cannot_be_read_is_posted_failed(
    make_cluster, user, receiver, wait_finished
):
    failed_hook = Webhook.objects.create(owner=user, url=receiver.url, events=["failed"])
    Webhook.objects.create(owner=user, url=receiver.url, events=["done", "reviewed"])
    data = files.pdf([files.text_page(), files.text_page()])
    document = uploads.document_create(
        owner=user, upload=SimpleUploadedFile("two.pdf", data), pipeline="ocr"
    )
    # The stored original loses its second page after the upload was checked.
    with open(document.original.path, "wb") as f:
        f.write(files.pdf([files.text_page()]))

    make_cluster(OCRSITE_WORKERS="1")
    assert wait_finished(document.pk).status == Status.FAILED
    assert webhooks.deliver_due() == 1  # the hook for "done" hears nothing
    (request,) = receiver.requests
    payload = verified(request, failed_hook.secret)
    assert payload["event"] == "failed" and payload["document"]["status"] == "failed"
    assert "1 of 2 pages failed" in payload["document"]["error"]


def test_a_failing_receiver_gets_the_delivery_retried_with_backoff(
    idle_queue, user, admin_user, receiver
):
    hook = Webhook.objects.create(owner=user, url=receiver.url, events=["reviewed"])
    document = queued_document(user)
    review.document_mark_reviewed(document=document)
    receiver.statuses = [500, 503]
    t0 = timezone.now()

    assert webhooks.deliver_due(now=t0) == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert delivery.last_error == "HTTP 500 Internal Server Error: noted."
    assert delivery.next_try_at == t0 + timedelta(seconds=webhooks.BACKOFF_S[0])
    status = client_for(admin_user).get("/api/status/").json()["webhooks"]
    assert (status["waiting"], status["failing"], status["given_up"]) == (1, 1, 0)
    assert status["latest_failing"][0]["last_error"].startswith("HTTP 500")
    assert status["latest_failing"][0]["document"] == document.pk

    # The document is deleted meanwhile: the delivery keeps what it had to say.
    document_id = document.pk
    uploads.document_delete(document=document)
    assert webhooks.deliver_due(now=t0 + timedelta(seconds=9)) == 0  # not due yet
    t1 = t0 + timedelta(seconds=10)
    assert webhooks.deliver_due(now=t1) == 1
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status, delivery.document) == (2, 503, None)
    assert delivery.next_try_at == t1 + timedelta(seconds=webhooks.BACKOFF_S[1])

    t2 = t1 + timedelta(seconds=webhooks.BACKOFF_S[1])
    assert webhooks.deliver_due(now=t2) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 3, 200)
    assert (delivery.last_error, delivery.delivered_at, delivery.next_try_at) == ("", t2, None)
    assert len(receiver.requests) == 3
    assert len({r.body for r in receiver.requests}) == 1  # the same body, the same delivery id
    for request in receiver.requests:
        assert verified(request, hook.secret)["document"]["id"] == document_id
    assert webhooks.delivery_status()["waiting"] == 0


def test_an_unreachable_url_is_recorded_then_given_up(idle_queue, user, admin_client):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    Webhook.objects.create(owner=user, url=f"http://127.0.0.1:{port}/hook", events=["reviewed"])
    review.document_mark_reviewed(document=queued_document(user))

    now = timezone.now()
    assert webhooks.deliver_due(now=now) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status is None and "Connection refused" in delivery.last_error
    for wait in webhooks.BACKOFF_S:
        now += timedelta(seconds=wait)
        assert webhooks.deliver_due(now=now) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.next_try_at) == (
        "given_up",
        webhooks.MAX_ATTEMPTS,
        None,
    )
    assert webhooks.deliver_due(now=now + timedelta(days=1)) == 0
    status = webhooks.delivery_status()
    assert (status["waiting"], status["given_up"]) == (0, 1)
    assert "Connection refused" in status["latest_given_up"][0]["last_error"]

    # The admin's "retry now": one more try.
    assert admin_client.get("/admin/documents/webhook/").status_code == 200
    changelist = "/admin/documents/webhookdelivery/"
    assert admin_client.get(changelist).status_code == 200
    admin_client.post(changelist, {"action": "retry_now", "_selected_action": [delivery.pk]})
    delivery.refresh_from_db()
    assert delivery.state == "pending"
    assert webhooks.deliver_due() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("given_up", webhooks.MAX_ATTEMPTS + 1)


def test_the_admin_registers_a_folder_hook_with_a_generated_secret(admin_client, user, tmp_path):
    folder = IntakeFolder.objects.create(path=str(tmp_path), owner=user)
    form = {"url": "https://example.org/scans", "events": ["done", "failed"], "active": "on"}
    response = admin_client.post("/admin/documents/webhook/add/", {**form, "folder": folder.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    hook = Webhook.objects.get()
    assert (hook.folder, hook.owner, hook.events) == (folder, None, ["done", "failed"])
    assert len(hook.secret) == 64
    page = admin_client.get(f"/admin/documents/webhook/{hook.pk}/change/").content.decode()
    assert hook.secret in page  # shown to the admin, to give to the receiver

    for extra in ({}, {"folder": folder.pk, "owner": user.pk}):
        response = admin_client.post("/admin/documents/webhook/add/", {**form, **extra})
        assert response.status_code == 200
        assert "set exactly one of them" in response.content.decode()
    assert Webhook.objects.count() == 1


def test_the_api_registers_lists_and_deletes_only_the_callers_webhooks(api, other_api, client):
    response = api.post(
        "/api/webhooks/",
        {"url": "https://example.org/ocr?key=1", "events": ["done"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["events"] == ["done"] and len(created["secret"]) == 64
    default = api.post("/api/webhooks/", {"url": "http://10.0.0.5:8080/"}, format="json").json()
    assert default["events"] == ["done", "failed", "reviewed"]

    for url in ("ftp://example.org/x", "not a url", "http://", "javascript:alert(1)", ""):
        response = api.post("/api/webhooks/", {"url": url}, format="json")
        assert response.status_code == 400, url
        assert response.json()["error"]["message"].startswith("url: "), url
    for events in (["sent"], []):
        response = api.post(
            "/api/webhooks/", {"url": "https://example.org/", "events": events}, format="json"
        )
        assert response.status_code == 400 and "events" in response.json()["error"]["fields"]

    listed = api.get("/api/webhooks/").json()
    assert [h["id"] for h in listed] == [default["id"], created["id"]]
    assert all("secret" not in h for h in listed)
    assert other_api.get("/api/webhooks/").json() == []
    for method in ("get", "delete"):
        response = getattr(other_api, method)(f"/api/webhooks/{created['id']}/")
        assert response.status_code == 404, method
    assert client.get("/api/webhooks/").status_code in (401, 403)

    assert api.delete(f"/api/webhooks/{created['id']}/").status_code == 204
    assert [h["id"] for h in api.get("/api/webhooks/").json()] == [default["id"]]


def test_a_folder_hook_is_called_for_the_documents_from_its_folder(
    idle_queue, user, other_user, receiver, tmp_path
):
    folder = IntakeFolder.objects.create(path=str(tmp_path / "scans"), owner=other_user)
    other_folder = IntakeFolder.objects.create(path=str(tmp_path / "other"), owner=other_user)
    folder_hook = Webhook.objects.create(folder=folder, url=receiver.url + "?from=folder")
    other_hook = Webhook.objects.create(folder=other_folder, url=receiver.url + "?from=other")
    user_hook = Webhook.objects.create(owner=user, url=receiver.url, events=["reviewed"])
    scanned = queued_document(user, "scan.png")
    uploaded = queued_document(user, "upload.png")
    IntakeFile.objects.create(
        folder=folder, name="scan.png", sha256=scanned.sha256, state="ingested", document=scanned
    )
    # The other folder saw the same content as an earlier file: not its document.
    IntakeFile.objects.create(
        folder=other_folder, name="again.png", sha256=scanned.sha256, state="duplicate",
        document=scanned,
    )  # fmt: skip

    for document in (scanned, uploaded):
        review.document_mark_reviewed(document=document)
    assert webhooks.deliver_due() == 3
    sent = {
        (r.path, json.loads(r.body)["document"]["name"]): json.loads(r.body)
        for r in receiver.requests
    }
    assert set(sent) == {
        ("/hook?from=folder", "scan.png"),
        ("/hook", "scan.png"),
        ("/hook", "upload.png"),
    }
    assert sent[("/hook", "scan.png")]["document"]["intake_folder"] == folder.path
    assert sent[("/hook", "upload.png")]["document"]["intake_folder"] is None
    assert not other_hook.deliveries.exists()
    assert folder_hook.deliveries.get().document == scanned
    assert user_hook.deliveries.count() == 2

    # A hook belongs to a user or to a folder: one of them, never both or none.
    for owner, hook_folder in ((user, folder), (None, None)):
        with pytest.raises(IntegrityError), transaction.atomic():
            Webhook.objects.create(owner=owner, folder=hook_folder, url=receiver.url)


def test_an_ephemeral_document_and_an_inactive_hook_tell_no_one(idle_queue, user, receiver):
    Webhook.objects.create(owner=user, url=receiver.url)
    paused = Webhook.objects.create(owner=user, url=receiver.url, active=False)
    ephemeral = uploads.document_create(
        owner=user, upload=SimpleUploadedFile("sync.png", files.png()), ephemeral=True
    )
    review.document_mark_reviewed(document=ephemeral)
    page = Page.objects.get(document=ephemeral)
    worker.page_fail(page_id=page.pk, token=str(page.token), reason="unreadable")
    ephemeral.refresh_from_db()
    assert ephemeral.status == Status.FAILED  # the run ended: no event for it either
    assert not WebhookDelivery.objects.exists()

    review.document_mark_reviewed(document=queued_document(user))
    assert WebhookDelivery.objects.count() == 1  # the active hook's
    # A hook made inactive holds its deliveries until it is active again.
    Webhook.objects.filter(pk=paused.pk).update(active=True)
    review.document_mark_reviewed(document=queued_document(user, "second.png"))
    Webhook.objects.filter(pk=paused.pk).update(active=False)
    assert webhooks.deliver_due() == 2
    status = webhooks.delivery_status()
    assert (status["waiting"], status["paused"]) == (0, 1)
    Webhook.objects.filter(pk=paused.pk).update(active=True)
    assert webhooks.deliver_due() == 1
    assert len(receiver.requests) == 3


def test_a_try_is_claimed_by_one_sender(idle_queue, user, receiver):
    """Two loops read the same due delivery: only the first claim wins the try."""
    Webhook.objects.create(owner=user, url=receiver.url)
    review.document_mark_reviewed(document=queued_document(user))
    now = timezone.now()
    first, second = WebhookDelivery.objects.get(), WebhookDelivery.objects.get()
    assert webhooks._claim(first, now) is True
    assert webhooks._claim(second, now) is False
    assert webhooks.deliver_due(now=now) == 0  # claimed: not due until its lease runs out
    assert webhooks.deliver_due(now=now + timedelta(seconds=webhooks.CLAIM_LEASE_S)) == 1
    assert WebhookDelivery.objects.get().attempts == 2
