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


def _schema(client, user) -> dict:
    client.force_login(user)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_every_api_error_response_is_the_error_envelope(client, user):
    schema = _schema(client, user)
    errors = [
        (path, method, code, response)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/")
        for method, operation in operations.items()
        for code, response in operation["responses"].items()
        if int(code) >= 400
    ]
    assert len(errors) > 20
    for path, method, code, response in errors:
        content = response["content"]["application/json"]["schema"]
        assert content == {"$ref": "#/components/schemas/Error"}, (method, path, code)
    # PaddleX clients get PaddleX's own error shape, so those endpoints keep theirs.
    assert "content" not in schema["paths"]["/ocr"]["post"]["responses"]["422"]


def test_the_error_component_describes_what_the_api_answers(client, user):
    schema = _schema(client, user)
    components = schema["components"]["schemas"]
    assert components["Error"]["required"] == ["error"]
    detail = components["ErrorDetail"]
    body = client.get("/api/documents/999999/").json()
    assert set(detail["required"]) <= set(body["error"]) <= set(detail["properties"])


def test_the_list_documents_its_pagination_and_enums_have_stable_names(client, user):
    schema = _schema(client, user)
    parameters = {p["name"] for p in schema["paths"]["/api/documents/"]["get"]["parameters"]}
    assert {"page", "page_size", "status", "q"} <= parameters
    components = schema["components"]["schemas"]
    assert components["StatusEnum"]["enum"] == ["queued", "running", "done", "failed", "cancelled"]
    assert set(components["PipelineEnum"]["enum"]) == {"ocr", "structure", "table"}
    assert components["CorrectionKindEnum"]["enum"] == ["line", "block", "cell"]
    pipeline = components["PipelineChoice"]["properties"]["name"]
    assert pipeline["allOf"] == [{"$ref": "#/components/schemas/PipelineEnum"}]
