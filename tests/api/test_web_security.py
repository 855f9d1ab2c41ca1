"""Web security defaults: sign-in attempts are limited at both doors, the health probe tells
outsiders only what fails, admin actions need the matching permission, and OCRSITE_HTTPS=1
turns on secure cookies, HSTS and the proxy header."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Document
from documents.services import uploads
from tests.documents import files

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_failures_yet(settings):
    settings.LOGIN_MAX_FAILURES = 3
    cache.clear()
    yield
    cache.clear()


def api_login(client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(
        "/api/auth/login/",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def test_api_sign_in_is_refused_after_repeated_failures(client, user):
    for _ in range(3):
        assert api_login(client, user.username, "wrong").status_code == 400
    refused = api_login(client, user.username, "alice-pass-123")  # even the right password
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_attempts"
    assert 0 < int(refused["Retry-After"]) <= 900
    other = User.objects.create_user("bob", password="bob-pass-123")
    assert (
        api_login(
            client,
            "bob",
            "bob-pass-123",
        ).status_code
        == 429
    )  # same address
    cache.clear()
    assert api_login(client, other.username, "bob-pass-123").status_code == 200


def test_admin_sign_in_is_refused_after_repeated_failures(client, admin_user):
    for _ in range(3):
        response = client.post("/admin/login/", {"username": "admin", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post("/admin/login/", {"username": "admin", "password": "password"})
    assert response.status_code == 429 and b"Too many failed sign-ins" in response.content


def test_a_successful_sign_in_clears_the_usernames_count_not_the_addresss(client, user):
    for _ in range(2):
        api_login(client, user.username, "wrong")
    assert api_login(client, user.username, "alice-pass-123").status_code == 200
    client.logout()
    for _ in range(2):  # from elsewhere: the username's count starts again
        api_login(client, user.username, "wrong", address="10.0.0.2")
    assert api_login(client, user.username, "alice-pass-123", "10.0.0.2").status_code == 200
    client.logout()
    # The first address keeps its two failures: a third locks it, whoever it tries.
    api_login(client, "someone", "wrong")
    assert api_login(client, user.username, "alice-pass-123").status_code == 429


def test_readyz_tells_outsiders_what_fails_but_not_why(client, admin_user, settings, tmp_path):
    settings.OCR_ENGINE = {**settings.OCR_ENGINE, "MODELS_DIR": str(tmp_path / "nowhere")}
    outside = client.get("/readyz")
    assert outside.status_code == 503
    body = outside.json()
    assert "models" in body["failing"] and body["checks"]["models"] == "failing"
    assert str(tmp_path) not in outside.content.decode()
    client.force_login(admin_user)
    inside = client.get("/readyz").json()
    assert str(tmp_path) in inside["checks"]["models"]


def test_admin_actions_need_the_matching_permission(client, user):
    uploads.document_create(owner=user, upload=SimpleUploadedFile("a.png", files.png()))
    staff = User.objects.create_user("viewer", password="pw", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_document"))
    client.force_login(staff)
    page = client.get("/admin/documents/document/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="export_zip"' in html
    assert 'value="reprocess"' not in html and 'value="cancel"' not in html
    document = Document.objects.get()
    response = client.post(
        "/admin/documents/document/",
        {"action": "cancel", "_selected_action": [document.pk]},
    )
    document.refresh_from_db()
    assert document.status == "queued"  # the action was not run
    assert response.status_code in (200, 302)


def _settings(names: list[str], **env: str) -> list:
    """Settings as a new process reads them with the environment plus `env`."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        f" print(json.dumps([getattr(s, n) for n in {names!r}]))"
    )
    environment = os.environ | {"DJANGO_SETTINGS_MODULE": "ocrsite.settings"} | env
    environment = {k: v for k, v in environment.items() if v is not None}
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, cwd=REPO, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


SECURITY = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
            "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT"]  # fmt: skip


def test_https_turns_on_secure_cookies_hsts_and_the_proxy_header():
    assert _settings(SECURITY, OCRSITE_HTTPS=None) == [False, False, 0, None, False]
    assert _settings(SECURITY, OCRSITE_HTTPS="1") == [
        True,
        True,
        31536000,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        True,
    ]


def test_only_this_hosts_names_are_served_by_default(client):
    """Not `*`: the host's own names and addresses (outside WSL2, where they are known)."""
    (hosts,) = _settings(["ALLOWED_HOSTS"], OCRSITE_ALLOWED_HOSTS=None)
    if "microsoft" in Path("/proc/sys/kernel/osrelease").read_text().lower():
        assert hosts == ["*"]
    else:
        assert "*" not in hosts
        assert {"localhost", "127.0.0.1", socket.gethostname()} <= set(hosts)
    assert client.get("/healthz", HTTP_HOST="evil.example").status_code == 400
    assert client.get("/healthz", HTTP_HOST="localhost").status_code == 200
