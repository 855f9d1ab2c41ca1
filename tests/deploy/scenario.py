"""Code the backup tests run inside an instance (`manage.py shell -c`), where Django is set up
for that instance's own data folder. Each function prints one JSON value."""

from __future__ import annotations

import hashlib
import json

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from rest_framework.authtoken.models import Token

from documents import tasks
from documents.models import Document, Page, RuntimeSettings, TableCell
from documents.services import corrections, review, uploads
from tests import pages


def populate() -> None:
    """Users, tokens, runtime settings; a structure document with a table and corrections
    (alice), a two-page scanned TIFF with a reviewed page (bob), both read by the real engine
    through the queue's task; one document still waiting (admin)."""
    clerks = Group.objects.create(name="clerks")
    admin = User.objects.create_superuser("admin", "admin@example.org", "backup-admin-pw")
    alice = User.objects.create_user("alice", password="alice-pw")
    bob = User.objects.create_user("bob", password="bob-pw")
    alice.groups.add(clerks)
    tokens = {user.username: Token.objects.create(user=user).key for user in (admin, alice)}
    RuntimeSettings.objects.create(pdf_dpi=150)

    report = uploads.document_create(
        owner=alice,
        upload=ContentFile(pages.encode(pages.render_report()), name="order.png"),
        pipeline="structure",
        options={"use_table_recognition": True},
    )
    scans = [
        pages.scanned(pages.render_lines(pages.ENGLISH_LINES, top=150 + n * 40)) for n in (0, 1)
    ]
    letter = uploads.document_create(
        owner=bob,
        upload=ContentFile(
            pages.encode(scans[0], "TIFF", save_all=True, append_images=scans[1:]),
            name="letter.tiff",
        ),
        pipeline="ocr",
    )
    for page in Page.objects.filter(document__in=[report, letter]):
        assert tasks.ocr_page(page.pk, str(page.token)) == "done"
    uploads.document_create(
        owner=admin,
        upload=ContentFile(pages.encode(pages.render_lines(["Still waiting"])), name="wait.png"),
    )

    first = report.pages.get()
    corrections.correct(first.lines.first(), "Office supplies order, corrected", admin)
    corrections.correct(first.blocks.first(), "A corrected block", admin)
    cell = TableCell.objects.filter(table__page=first).order_by("row", "col").first()
    corrections.correct(cell, "Article", admin)
    review.page_mark_reviewed(page=letter.pages.get(number=1))
    print(json.dumps({"tokens": tokens, "tables": first.tables.count()}))


def fingerprint() -> None:
    """Everything a restore must bring back, in a comparable form."""

    def file_sha(name: str) -> str:
        with default_storage.open(name, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()

    documents = []
    for doc in Document.objects.order_by("uid"):
        documents.append(
            {
                "uid": str(doc.uid),
                "owner": doc.owner.username,
                "fields": [doc.name, doc.sha256, doc.file_type, doc.size, doc.page_count],
                "state": [doc.status, doc.reviewed, doc.created_at.isoformat()],
                "original": file_sha(doc.original.name),
                "runs": list(doc.runs.values_list("pipeline", "options", "status", "pages_done")),
                "pages": [_page(page, file_sha) for page in doc.pages.order_by("number")],
            }
        )
    users = {
        u.username: [u.password, u.is_superuser, sorted(u.groups.values_list("name", flat=True))]
        for u in User.objects.all()
    }
    print(
        json.dumps(
            {
                "users": users,
                "tokens": dict(Token.objects.values_list("user__username", "key")),
                "pdf_dpi": RuntimeSettings.load().pdf_dpi,
                "documents": documents,
            },
            default=str,
        )
    )


def _page(page: Page, file_sha) -> dict:
    return {
        "number": page.number,
        "state": [page.status, page.reviewed, page.width, page.height, page.angle],
        "image": file_sha(page.image.name) if page.image else None,
        "markdown": page.markdown,
        "raw": page.raw,
        "lines": list(
            page.lines.values_list("order", "text", "corrected_text", "score", "polygon")
        ),
        "blocks": list(page.blocks.values_list("order", "label", "content", "corrected_content")),
        "tables": [
            [table.html, list(table.cells.values_list("row", "col", "text", "corrected_text"))]
            for table in page.tables.all()
        ],
    }
