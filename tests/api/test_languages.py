"""The API answers in the request's language, over HTTP: English by default, Simplified Chinese
for Accept-Language: zh-Hans (what the app sends), in errors, validation messages, the sign-in
throttle, the body limit and the export notices; counts take the right English plural. PaddleX
serving's answers, read by programs, stay English."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token

from documents.models import Document, RuntimeSettings
from documents.services import uploads
from tests.documents import files

ZH = {"Accept-Language": "zh-Hans"}
TIMEOUT_S = 60


@pytest.fixture
def call(live_server: Any, user: Any):
    """call(method, path, chinese=False, **kwargs): the request over HTTP with the user's token,
    in Chinese when `chinese`."""
    token = Token.objects.get_or_create(user=user)[0].key

    def send(method: str, path: str, *, chinese: bool = False, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Token {token}", **(ZH if chinese else {})}
        return requests.request(
            method, f"{live_server.url}{path}", headers=headers, timeout=TIMEOUT_S, **kwargs
        )

    return send


def _error(response: requests.Response) -> dict[str, Any]:
    return response.json()["error"]


def test_an_error_comes_in_the_language_asked_for(call):
    english = call("GET", "/api/documents/999999/")
    chinese = call("GET", "/api/documents/999999/", chinese=True)

    assert english.status_code == chinese.status_code == 404
    assert _error(english) == {"code": "not_found", "message": "Not found.", "fields": {}}
    assert _error(chinese) == {"code": "not_found", "message": "未找到。", "fields": {}}
    assert (english.headers["Content-Language"], chinese.headers["Content-Language"]) == (
        "en",
        "zh-hans",
    )


def test_validation_messages_ours_and_the_frameworks_are_chinese(call):
    query = {"ids": "one", "formats": "txt,doc"}
    export = _error(call("GET", "/api/documents/export/", chinese=True, params=query))
    assert export["code"] == "invalid"
    assert export["fields"] == {
        "ids": ["请以逗号分隔的数字给出文档 ID。"],
        "formats": ["未知格式 doc；请从 txt, md, json, pdf, docx, xlsx, csv 中选择。"],
    }
    assert export["message"] == "ids：请以逗号分隔的数字给出文档 ID。"

    hook = _error(call("POST", "/api/webhooks/", chinese=True, json={}))
    assert hook["fields"] == {"url": ["该字段是必填项。"]}  # DRF's own catalogue

    english = _error(call("GET", "/api/documents/export/", params=query))
    assert english["fields"]["ids"] == ["Give document ids as numbers separated by commas."]


def test_the_export_notice_counts_pages_in_either_language(call, user):
    one = uploads.document_create(owner=user, upload=SimpleUploadedFile("one.png", files.png()))
    two = uploads.document_create(
        owner=user,
        upload=SimpleUploadedFile("two.pdf", files.pdf([files.text_page(), files.text_page()])),
    )

    def txt(document: Document, chinese: bool = False) -> str:
        response = call(
            "GET",
            f"/api/documents/{document.pk}/export/",
            chinese=chinese,
            params={"format": "txt"},
        )
        assert response.status_code == 200, response.text
        return response.content.decode()

    assert txt(one).startswith("[Incomplete export: OCR has finished 0 of 1 page; ")
    assert txt(two).startswith("[Incomplete export: OCR has finished 0 of 2 pages; ")
    chinese = txt(two, chinese=True)
    assert chinese.startswith(
        "[导出不完整：OCR 已完成 2 页中的 0 页；尚未处理的页面在此没有文本。]"
    )
    assert "=== Page 2 (尚未处理) ===" in chinese  # the marker scripts split on stays


def test_the_sign_in_throttle_says_how_long_in_either_language(live_server, user, settings):
    settings.LOGIN_MAX_FAILURES = 1
    settings.LOGIN_WINDOW_S = 30
    cache.clear()
    assert authenticate(None, username="alice", password="wrong") is None  # one failure

    def sign_in(**headers: str) -> requests.Response:
        response = requests.post(
            f"{live_server.url}/api/auth/login/",
            json={"username": "alice", "password": "alice-pass-123"},
            headers=headers,
            timeout=TIMEOUT_S,
        )
        assert response.status_code == 429
        return response

    try:
        message = _error(sign_in())["message"]
        assert message == "Too many failed sign-ins. Try again in 1 minute."
        assert _error(sign_in(**ZH))["message"] == "登录失败次数过多，请在 1 分钟后重试。"
        settings.LOGIN_WINDOW_S = 900
        assert _error(sign_in())["message"].endswith("minutes.")
    finally:
        cache.clear()


def test_a_refused_file_says_why_in_either_language(call):
    def upload(data: bytes, chinese: bool = False) -> dict[str, Any]:
        response = call(
            "POST", "/api/documents/", chinese=chinese, files={"file": ("notes.txt", data)}
        )
        assert response.status_code == 400
        (rejected,) = response.json()["error"]["files"]
        return rejected

    english, chinese = upload(b"plain text"), upload(b"plain text", chinese=True)
    assert english["code"] == chinese["code"] == "unsupported_file"
    assert english["message"].startswith("notes.txt: not a supported file type: upload a ")
    assert chinese["message"] == (
        "notes.txt：不支持的文件类型：请上传 PDF 或图片（PNG、JPEG、TIFF、BMP 或 WebP）"
    )


def test_the_body_limit_refuses_in_chinese(call):
    RuntimeSettings.objects.create(max_upload_mb=1)
    body = b"\x00" * (3 * 1024 * 1024)
    response = call("POST", "/api/documents/", chinese=True, data=body)

    assert response.status_code == 413
    assert _error(response) == {
        "code": "too_large",
        "message": "上传大小为 3.0 MB，超过了 1 MB 的上限",
        "fields": {},
    }


def test_paddlex_serving_answers_in_english_whatever_is_asked(call, live_server):
    english = call("POST", "/layout-parsing", json={"fileType": 1, "logId": "en"})
    chinese = call("POST", "/layout-parsing", chinese=True, json={"fileType": 1, "logId": "zh"})

    assert english.status_code == chinese.status_code == 422
    assert chinese.json()["errorMsg"] == english.json()["errorMsg"]
    assert '{"file": "<base64 or file:// URL>"' in chinese.json()["errorMsg"]
    # The framework's own messages too, which it has in Chinese.
    bad_token = requests.post(
        f"{live_server.url}/layout-parsing",
        json={"file": "x", "fileType": 1},
        headers={"Authorization": "Token nonsense", **ZH},
        timeout=TIMEOUT_S,
    )
    assert bad_token.status_code == 401 and bad_token.json()["errorMsg"] == "Invalid token."
