"""Webhooks: a document done, failed or reviewed is told to the URLs registered for it.

An outbox, not the task queue: `document_event` writes one WebhookDelivery row per webhook in
the transaction that changed the document, so an event is recorded exactly when the change
commits. `deliver_due`, called every few seconds by `manage.py integrations`, sends the rows
that are due and records the outcome. (The django-q2 queue would put a delivery behind every
page waiting for OCR, and its workers are the OCR workers.)

A request is a POST of the JSON payload with these headers:

    X-Ocrsite-Event: done | failed | reviewed
    X-Ocrsite-Delivery: <uuid>        the same on every retry: receivers de-duplicate with it
    X-Ocrsite-Timestamp: <unix time>  when this try was sent
    X-Ocrsite-Signature: sha256=<hex of HMAC-SHA256(secret, "<timestamp>.<body>")>

A receiver recomputes the signature over the raw body and refuses a stale timestamp (a replayed
request). Any 2xx is delivered; anything else (another status, a redirect, a refused connection,
a timeout) is tried again after BACKOFF_S, and given up after the last wait.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import ssl
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from .models import Document, IntakeFile, Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd, ... failed try; the try after the last wait is the last one.
BACKOFF_S = (10, 60, 300, 1800, 7200, 21600)
MAX_ATTEMPTS = len(BACKOFF_S) + 1
CONNECT_TIMEOUT_S = 5
READ_TIMEOUT_S = 10
# A claimed delivery is due again after this long, should its sender die in the middle of it.
CLAIM_LEASE_S = CONNECT_TIMEOUT_S + READ_TIMEOUT_S + 60
# Per call of deliver_due, sent in parallel: a dead receiver holds the caller's loop for about
# one timeout, not one per delivery.
BATCH = 16
SENDERS = 8
USER_AGENT = "ocrsite-webhooks/1"
ERROR_BODY_CHARS = 200
STATUS_LATEST = 5


def webhook_create(*, owner: AbstractBaseUser, url: str, events: list[str]) -> Webhook:
    """A user's webhook, with a generated secret."""
    return Webhook.objects.create(owner=owner, url=url, events=events)


def document_event(document_id: int, event: str) -> int:
    """Record `event` for the webhooks of the document (its owner's, its intake folder's);
    returns how many deliveries were recorded. Call it in the transaction that made the
    change, once per real change. The /ocr endpoint's ephemeral documents tell no one."""
    document = Document.objects.select_related("owner").get(pk=document_id)
    if document.ephemeral:
        return 0
    # A folder's duplicate files point at the earlier document too: only the file that became
    # the document counts.
    taken_from = IntakeFile.objects.filter(document=document, state=IntakeFile.State.INGESTED)
    hooks = [
        hook
        for hook in Webhook.objects.filter(active=True).filter(
            Q(owner=document.owner_id) | Q(folder__in=taken_from.values("folder"))
        )
        if event in hook.events
    ]
    if not hooks:
        return 0
    now = timezone.now()
    folder = taken_from.values_list("folder__path", flat=True).first()
    deliveries = []
    for hook in hooks:
        uid = uuid.uuid4()
        deliveries.append(
            WebhookDelivery(
                uid=uid,
                webhook=hook,
                event=event,
                document=document,
                payload=_payload(document, event, now, uid, folder),
                next_try_at=now,
            )
        )
    WebhookDelivery.objects.bulk_create(deliveries)
    return len(deliveries)


def _payload(
    document: Document, event: str, now: datetime, uid: uuid.UUID, folder: str | None
) -> dict:
    base = settings.PUBLIC_URL
    return {
        "event": event,
        "delivery": str(uid),
        "occurred_at": now.isoformat(),
        "document": {
            "id": document.pk,
            "uid": str(document.uid),
            "name": document.name,
            "status": document.status,
            "reviewed": document.reviewed,
            "page_count": document.page_count,
            "error": document.error,
            "owner": document.owner.get_username(),
            "intake_folder": folder,
            "url": base + reverse("document-detail", args=[document.pk]),
            "review_url": f"{base}/documents/{document.pk}",
        },
    }


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Ocrsite-Signature value of a body sent at `timestamp` (unix seconds)."""
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Outcome:
    status: int | None  # the receiver's HTTP status; None when no answer came
    error: str  # empty when delivered

    @property
    def delivered(self) -> bool:
        return not self.error


def deliver_due(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Send the deliveries due at `now` (default: now), at most `limit`; returns how many were
    tried. Safe to call from several processes at once: each try is claimed first, so it is
    sent by one of them. An inactive webhook's deliveries wait until it is active again."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        state=WebhookDelivery.State.PENDING, next_try_at__lte=now, webhook__active=True
    ).order_by("next_try_at", "pk")
    claimed = [d for d in due.select_related("webhook")[:limit] if _claim(d, now)]
    if not claimed:
        return 0
    with ThreadPoolExecutor(max_workers=min(SENDERS, len(claimed))) as pool:
        outcomes = list(pool.map(_send, claimed))
    for delivery, outcome in zip(claimed, outcomes, strict=True):
        _record(delivery, outcome, now)
    return len(claimed)


def _claim(delivery: WebhookDelivery, now: datetime) -> bool:
    """Take the try: only the caller whose UPDATE still sees the row as it read it wins."""
    taken = WebhookDelivery.objects.filter(
        pk=delivery.pk,
        state=WebhookDelivery.State.PENDING,
        attempts=delivery.attempts,
        next_try_at=delivery.next_try_at,
    ).update(
        attempts=F("attempts") + 1,
        next_try_at=now + timedelta(seconds=CLAIM_LEASE_S),
        last_try_at=now,
    )
    if taken:
        delivery.attempts += 1
    return bool(taken)


def _send(delivery: WebhookDelivery) -> Outcome:
    """POST the delivery; no database here (it runs in a sender thread)."""
    hook = delivery.webhook
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Ocrsite-Event": delivery.event,
        "X-Ocrsite-Delivery": str(delivery.uid),
        "X-Ocrsite-Timestamp": timestamp,
        "X-Ocrsite-Signature": sign(hook.secret, timestamp, body),
    }
    try:
        return _post(hook.url, body, headers)
    except (OSError, http.client.HTTPException, ValueError) as e:
        return Outcome(None, _describe(e))


def _post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """One POST with http.client: it follows no redirect (a 3xx is a failure) and uses no
    proxy from the environment."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http or https URL: {url}")
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    # The port given always: http.client would read the last group of a bare IPv6 address
    # ("::1") as one.
    port = parts.port or (443 if parts.scheme == "https" else 80)
    connection = connection_class(parts.hostname, port, timeout=CONNECT_TIMEOUT_S)
    try:
        connection.connect()
        connection.sock.settimeout(READ_TIMEOUT_S)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        answer = response.read(ERROR_BODY_CHARS).decode("utf-8", "replace").strip()
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return Outcome(response.status, "")
    error = f"HTTP {response.status} {response.reason}"
    if 300 <= response.status < 400:
        error += f" to {response.getheader('Location', '?')} (redirects are not followed)"
    return Outcome(response.status, f"{error}: {answer}" if answer else error)


def _describe(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return f"timed out (connect {CONNECT_TIMEOUT_S} s, read {READ_TIMEOUT_S} s)"
    if isinstance(error, ssl.SSLError):
        return f"TLS error: {error}"
    return f"{type(error).__name__}: {error}"


def _record(delivery: WebhookDelivery, outcome: Outcome, now: datetime) -> None:
    """The try's outcome; `attempts` in the filter makes a late record of a lease that ran
    out (and was tried again by another caller) change nothing."""
    fields: dict = {"last_status": outcome.status, "last_error": outcome.error}
    if outcome.delivered:
        fields.update(state=WebhookDelivery.State.DELIVERED, delivered_at=now, next_try_at=None)
    elif delivery.attempts >= MAX_ATTEMPTS:
        fields.update(state=WebhookDelivery.State.GIVEN_UP, next_try_at=None)
        logger.warning("webhook delivery %s given up: %s", delivery.uid, outcome.error)
    else:
        wait = BACKOFF_S[delivery.attempts - 1]
        fields.update(next_try_at=now + timedelta(seconds=wait))
    WebhookDelivery.objects.filter(
        pk=delivery.pk, state=WebhookDelivery.State.PENDING, attempts=delivery.attempts
    ).update(**fields)


def deliveries_retry(deliveries: QuerySet[WebhookDelivery]) -> int:
    """Send these again at the next call of deliver_due: one more try for a given-up one, the
    next try brought forward for a failing one. Delivered ones stay delivered."""
    return deliveries.filter(
        state__in=[WebhookDelivery.State.PENDING, WebhookDelivery.State.GIVEN_UP]
    ).update(state=WebhookDelivery.State.PENDING, next_try_at=timezone.now())


def delivery_status() -> dict:
    """For /api/status/: deliveries waiting to be sent (failing ones among them, with why),
    held by an inactive webhook, and given up; the latest few failing and given up."""
    pending = WebhookDelivery.objects.filter(state=WebhookDelivery.State.PENDING)
    failing = pending.filter(webhook__active=True).exclude(last_error="")
    given_up = WebhookDelivery.objects.filter(state=WebhookDelivery.State.GIVEN_UP)
    return {
        "waiting": pending.filter(webhook__active=True).count(),
        "paused": pending.filter(webhook__active=False).count(),
        "failing": failing.count(),
        "given_up": given_up.count(),
        "latest_failing": _latest(failing),
        "latest_given_up": _latest(given_up),
    }


def _latest(deliveries: QuerySet[WebhookDelivery]) -> list[dict]:
    latest = deliveries.select_related("webhook").order_by("-last_try_at", "-id")[:STATUS_LATEST]
    return [
        {
            "delivery": str(d.uid),
            "webhook": d.webhook_id,
            # the host only: a URL's path or query may hold the receiver's own token
            "host": urlsplit(d.webhook.url).netloc,
            "event": d.event,
            "document": d.payload["document"]["id"],
            "attempts": d.attempts,
            "last_status": d.last_status,
            "last_error": d.last_error,
            "last_try_at": d.last_try_at,
            "next_try_at": d.next_try_at,
        }
        for d in latest
    ]
