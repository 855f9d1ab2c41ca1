"""Pages and documents marked reviewed (or not)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from documents import webhooks
from documents.models import Document, Page, WebhookEvent


@transaction.atomic
def document_mark_reviewed(*, document: Document, reviewed: bool = True) -> Document:
    """Marking a document reviewed marks all its pages; unmarking only the document."""
    document_set_reviewed(document.pk, reviewed)
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
    document_set_reviewed(page.document_id, all_reviewed)
    return page


def document_set_reviewed(document_id: int, reviewed: bool) -> None:
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
