"""The OpenAPI schema and its docs page, served without any CDN, to signed-in users."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_schema_and_docs_need_a_signed_in_user(client):
    assert client.get("/api/schema/").status_code in (401, 403)
    assert client.get("/api/docs/").status_code in (401, 403)


def test_schema_lists_the_endpoints_clients_rely_on(client, user):
    client.force_login(user)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/documents/",
        "/api/documents/{id}/",
        "/api/documents/{id}/pages/{number}/",
        "/api/documents/{id}/reprocess/",
        "/api/documents/{id}/cancel/",
        "/api/documents/{id}/reviewed/",
        "/api/lines/{id}/",
        "/api/blocks/{id}/",
        "/api/table-cells/{id}/",
    ):
        assert path in paths, path


def test_docs_page_uses_local_swagger_files(client, user):
    client.force_login(user)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
