"""The catch-all that serves the React app's index.html (documents/spa.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client


@pytest.mark.parametrize("path", ["/", "/documents/12", "/documents?page=2", "/upload"])
def test_client_routes_get_the_app_and_a_csrf_cookie(path: str, settings, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text('<div id="root"></div><script src="/static/app/x.js">')
    settings.FRONTEND_DIST = tmp_path
    response = Client().get(path)
    assert response.status_code == 200
    assert b'<div id="root">' in response.content
    assert response["Cache-Control"] == "no-cache"
    assert response.cookies["csrftoken"].value


def test_a_missing_build_is_a_clear_503(settings, tmp_path: Path) -> None:
    settings.FRONTEND_DIST = tmp_path / "dist"
    response = Client().get("/documents")
    assert response.status_code == 503
    assert b"frontend not built: run make setup" in response.content.lower()


def test_api_and_admin_paths_are_not_the_app(settings, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("app")
    settings.FRONTEND_DIST = tmp_path
    client = Client()
    assert client.get("/api/nothing-here/").content != b"app"
    assert client.get("/admin/").status_code == 302  # Django's admin login
