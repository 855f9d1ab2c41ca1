"""Every endpoint checks who asks: a user reaches only their own documents (anything else is
"not found"), admins reach all, and nobody signed out reaches anything."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from documents.models import Block, Document, Line, TableCell
from tests.conftest import client_for
from tests.pages import encode, render_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices(user, read_now) -> Document:
    return read_now(user, "order.png", encode(render_report()))


def endpoints(document: Document) -> list[tuple[str, str, dict]]:
    """(method, path, body) of every endpoint that touches one document or its parts."""
    page = document.pages.get(number=1)
    line = Line.objects.filter(page=page).first()
    block = Block.objects.filter(page=page).first()
    cell = TableCell.objects.filter(table__page=page).first()
    assert line and block and cell, "the page should have lines, blocks and a table"
    base = f"/api/documents/{document.pk}"
    calls = [
        ("get", f"{base}/", {}),
        ("get", f"{base}/original/", {}),
        ("get", f"{base}/pages/1/", {}),
        ("get", f"{base}/pages/1/image/", {}),
        ("get", f"{base}/pages/1/raw/", {}),
        ("post", f"{base}/pages/1/reviewed/", {"reviewed": True}),
        ("post", f"{base}/reviewed/", {"reviewed": True}),
        ("post", f"{base}/reprocess/", {}),
        ("post", f"{base}/cancel/", {}),
        ("patch", f"/api/lines/{line.pk}/", {"text": "changed"}),
        ("patch", f"/api/blocks/{block.pk}/", {"text": "changed"}),
        ("patch", f"/api/table-cells/{cell.pk}/", {"text": "changed"}),
        ("delete", f"{base}/", {}),
    ]
    try:
        export = reverse("document-export", args=[document.pk])
        calls.insert(2, ("get", f"{export}?format=txt", {}))
    except NoReverseMatch:
        pass  # the export route is not enabled in this build
    return calls


def call(client, method: str, path: str, body: dict):
    return (
        getattr(client, method)(path, body, format="json")
        if body
        else getattr(client, method)(path)
    )


def test_another_user_reaches_nothing_of_the_document(alices, other_api):
    lines_before = list(Line.objects.values_list("pk", "text", "corrected_text"))
    for method, path, body in endpoints(alices):
        response = call(other_api, method, path, body)
        assert response.status_code == 404, (method, path, response.status_code)
        assert response.json()["error"]["code"] == "not_found"
    alices.refresh_from_db()
    assert (alices.status, alices.reviewed) == ("done", False)
    assert list(Line.objects.values_list("pk", "text", "corrected_text")) == lines_before
    assert not Block.objects.exclude(corrected_content=None).exists()
    assert not TableCell.objects.exclude(corrected_text=None).exists()


def test_another_user_does_not_find_the_document_in_lists_or_search(alices, other_api):
    for query in ({}, {"q": "Toner"}, {"owner": "alice"}, {"status": "done"}):
        assert other_api.get("/api/documents/", query).json()["count"] == 0, query


def test_the_owner_reaches_everything(alices, api):
    for method, path, body in endpoints(alices):
        if method == "delete" or path.endswith("/cancel/"):
            continue  # checked below (a done document cannot be cancelled)
        response = call(api, method, path, body)
        assert response.status_code in (200, 202), (method, path, response.status_code)
    assert api.post(f"/api/documents/{alices.pk}/cancel/").status_code == 200  # reprocessed
    assert api.delete(f"/api/documents/{alices.pk}/").status_code == 204
    assert not Document.objects.exists()


def test_an_admin_sees_and_changes_every_document(alices, admin_user):
    admin = client_for(admin_user)
    assert admin.get("/api/documents/").json()["count"] == 1
    assert admin.get("/api/documents/", {"owner": "alice"}).json()["count"] == 1
    assert admin.get("/api/documents/", {"owner": "bob"}).json()["count"] == 0
    for method, path, body in endpoints(alices):
        if method == "get":
            assert call(admin, method, path, body).status_code == 200, path
    line = Line.objects.filter(page__document=alices).first()
    response = admin.patch(f"/api/lines/{line.pk}/", {"text": "fixed by admin"}, format="json")
    assert response.status_code == 200


def test_nobody_signed_out_reaches_anything(alices, client):
    for method, path, body in [*endpoints(alices), ("get", "/api/documents/", {})]:
        response = getattr(client, method)(path, body, content_type="application/json")
        assert response.status_code in (401, 403), (method, path)
        assert response.json()["error"]["code"] == "not_authenticated"
    assert Document.objects.filter(pk=alices.pk).exists()
