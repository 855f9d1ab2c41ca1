"""PaddleX serving's endpoints (/layout-parsing, /ocr with a "file"): a client written for
`paddlex --serve` works unchanged. The requests are sent over real HTTP (live_server) as the
PaddleOCR/PaddleX serving documentation's Python client sends them, read by the session's real
cluster, and the documents stay for the review app."""

from __future__ import annotations

import base64
import io
import re
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import requests
from django.test import Client
from PIL import Image, ImageDraw
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from documents.models import Document, RuntimeSettings, Status
from tests.documents import files
from tests.pages import encode, font, render_lines, render_report

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT_S = 300  # the first request of a session waits for the worker to warm its engine


@pytest.fixture
def reader(cluster: Any, wait_until: Any) -> Any:
    """The session's cluster once its heartbeat is there: a request arriving before it would
    rightly be told that no worker runs (sync_ocr.NO_WORKER_AFTER_S)."""
    from documents.queue import live_clusters

    wait_until(live_clusters, timeout=120, what="the cluster's heartbeat")
    return cluster


def layout_parsing_client(api_url: str, file_path: Path, out: Path, **headers: str) -> dict:
    """The documentation's client for /layout-parsing, as it is written there (base64 of the
    file, fileType 1, then Markdown and images saved per page), with a folder to write into
    and, where a test needs one, a token header."""
    with open(file_path, "rb") as file:
        file_bytes = file.read()
        file_data = base64.b64encode(file_bytes).decode("ascii")

    payload = {"file": file_data, "fileType": 1}

    response = requests.post(api_url, json=payload, headers=headers, timeout=TIMEOUT_S)

    assert response.status_code == 200, response.text
    result = response.json()["result"]
    for i, res in enumerate(result["layoutParsingResults"]):
        print(res["prunedResult"])
        md_dir = out / f"markdown_{i}"
        md_dir.mkdir(exist_ok=True)
        (md_dir / "doc.md").write_text(res["markdown"]["text"])
        for img_path, img in res["markdown"]["images"].items():
            img_path = md_dir / img_path
            img_path.parent.mkdir(parents=True, exist_ok=True)
            img_path.write_bytes(base64.b64decode(img))
        print(f"Markdown document saved at {md_dir / 'doc.md'}")
        for img_name, img in res["outputImages"].items():
            img_path = out / f"{img_name}_{i}.jpg"
            with open(img_path, "wb") as f:
                f.write(base64.b64decode(img))
            print(f"Output image saved at {img_path}")
    return response.json()


def ocr_client(api_url: str, file_path: Path, out: Path, **headers: str) -> dict:
    """The documentation's client for /ocr, as it is written there (the OCR image saved per
    page), with a folder to write into and a token header."""
    with open(file_path, "rb") as file:
        file_bytes = file.read()
        file_data = base64.b64encode(file_bytes).decode("ascii")

    payload = {"file": file_data, "fileType": 1}

    response = requests.post(api_url, json=payload, headers=headers, timeout=TIMEOUT_S)

    assert response.status_code == 200, response.text
    result = response.json()["result"]
    for i, res in enumerate(result["ocrResults"]):
        print(res["prunedResult"])
        ocr_img_path = out / f"ocr_{i}.jpg"
        with open(ocr_img_path, "wb") as f:
            f.write(base64.b64decode(res["ocrImage"]))
        print(f"Output image saved at {ocr_img_path}")
    return response.json()


def token(user: Any) -> dict[str, str]:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def post(url: str, payload: dict, headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(url, json=payload, headers=headers or {}, timeout=TIMEOUT_S)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def decoded(image: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(image)))


def keys_anywhere(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value).union(*(keys_anywhere(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_anywhere(v) for v in value))
    return set()


def test_layout_parsing_answers_the_documented_client_and_keeps_the_document(
    reader, live_server, user, tmp_path
):
    scan = tmp_path / "order.png"
    scan.write_bytes(encode(render_report()))

    body = layout_parsing_client(f"{live_server.url}/layout-parsing", scan, tmp_path, **token(user))

    assert body["errorCode"] == 0 and body["errorMsg"] == "Success"
    assert uuid.UUID(body["logId"])
    (page,) = body["result"]["layoutParsingResults"]
    texts = [b["block_content"] for b in page["prunedResult"]["parsing_res_list"]]
    assert any("Office supplies order" in t for t in texts)
    assert any("<table" in t and "Toner" in t for t in texts)
    assert not {"input_path", "page_index"} & keys_anywhere(page["prunedResult"])  # PaddleX's
    markdown = (tmp_path / "markdown_0" / "doc.md").read_text()
    assert "Office supplies order" in markdown and "Toner" in markdown
    assert page["markdown"]["isStart"] is True and page["markdown"]["isEnd"] is True
    info = body["result"]["dataInfo"]
    assert info == {"width": 1240, "height": 1754, "type": "image"}
    assert decoded(page["inputImage"]).size == (1240, 1754)

    # A document like any upload, owned by the token's user, in the review app's list.
    listed = requests.get(
        f"{live_server.url}/api/documents/", headers=token(user), timeout=30
    ).json()
    (document,) = listed["results"]
    assert document["status"] == Status.DONE and document["page_count"] == 1
    assert Document.objects.get(pk=document["id"]).owner == user


def render_figure_page() -> Image.Image:
    """Two lines of text, a photograph (colour gradients and grain) and its caption."""
    page = render_lines(["Annual report of the garden club", "The photo shows the greenhouse"])
    y, x = np.mgrid[0:700, 0:900]
    photo = np.stack([x / 900 * 255, y / 700 * 255, (x + y) / 1600 * 255], -1) * 0.7
    photo += np.random.default_rng(0).normal(0, 25, photo.shape)
    page.paste(Image.fromarray(photo.clip(0, 255).astype(np.uint8)), (170, 400))
    caption = "Figure 1: the greenhouse in May"
    ImageDraw.Draw(page).text((100, 1200), caption, font=font(32), fill="black")
    return page


@pytest.mark.parametrize("turned", [0, 90], ids=["upright", "scanned-sideways"])
def test_the_figures_the_markdown_links_to_come_with_it(
    reader, live_server, user, tmp_path, turned
):
    scan = tmp_path / "club.png"
    scan.write_bytes(encode(render_figure_page().rotate(turned, expand=True)))

    layout_parsing_client(f"{live_server.url}/layout-parsing", scan, tmp_path, **token(user))

    markdown = (tmp_path / "markdown_0" / "doc.md").read_text()
    linked = re.findall(r'src="(imgs/[^"]+)"', markdown)
    saved = sorted(f"imgs/{f.name}" for f in (tmp_path / "markdown_0" / "imgs").iterdir())
    assert saved == sorted(linked)  # the client saved each one where its link points
    # The photo's block. (At bf16, the layout model may also take the sideways scan's two text
    # lines for a formula, which PaddleX's Markdown links as a picture too.)
    (figure,) = [tmp_path / "markdown_0" / name for name in linked if "_image_box_" in name]
    with Image.open(figure) as image:
        assert image.format == "JPEG"
        # The 900x700 photo, upright: the boxes are on the page as the engine turned it.
        assert 850 < image.width < 1000 and 650 < image.height < 780
        photo = np.asarray(image.convert("RGB"), dtype=float)
    # The photo, the right way up: red grows to the right, green downwards.
    assert photo[:, :300, 0].mean() + 60 < photo[:, -300:, 0].mean()
    assert photo[:200, :, 1].mean() + 60 < photo[-200:, :, 1].mean()
    assert (Document.objects.get().pages.get().angle != 0) == bool(turned)


def test_ocr_answers_the_documented_client_with_the_lines_drawn(
    reader, live_server, user, tmp_path
):
    scan = tmp_path / "order.png"
    scan.write_bytes(encode(render_report()))

    body = ocr_client(f"{live_server.url}/ocr", scan, tmp_path, **token(user))

    (page,) = body["result"]["ocrResults"]
    assert "Office supplies order" in page["prunedResult"]["rec_texts"]
    with Image.open(tmp_path / "ocr_0.jpg") as drawn:
        assert drawn.format == "JPEG" and drawn.size == (1240, 1754)
        pixels = np.asarray(drawn.convert("RGB"), dtype=int)
    green = (pixels[..., 1] > 120) & (pixels[..., 0] < 80) & (pixels[..., 2] < 80)
    x0, y0, x1, y1 = (round(v) for v in page["prunedResult"]["rec_boxes"][0])
    assert green[y0 - 2 : y1 + 3, x0 - 2 : x1 + 3].any()  # its first line's box is drawn
    assert decoded(page["inputImage"]).size == (1240, 1754)


def test_ocr_with_a_file_answers_paddlex_ocr_results_and_echoes_the_log_id(
    reader, live_server, user
):
    payload = {
        "file": b64(encode(render_report())),
        "fileType": 1,
        "useDocOrientationClassify": False,
        "logId": "client-log-1",
        "somethingPaddlexWouldIgnore": 1,
    }
    response = post(f"{live_server.url}/ocr", payload, token(user))

    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["logId", "result", "errorCode", "errorMsg"]
    assert body["logId"] == "client-log-1"
    (page,) = body["result"]["ocrResults"]
    assert "Office supplies order" in page["prunedResult"]["rec_texts"]
    assert page["prunedResult"]["model_settings"]["use_doc_preprocessor"] is False
    document = Document.objects.get()
    assert not document.ephemeral and document.runs.get().pipeline == "ocr"


def test_a_pdf_with_file_type_0_gives_one_result_per_page(reader, live_server, user):
    data = files.pdf([files.text_page(["First page here"]), files.text_page(["Second page"])])
    response = post(f"{live_server.url}/ocr", {"file": b64(data), "fileType": 0}, token(user))

    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert [p["prunedResult"]["rec_texts"] for p in result["ocrResults"]] == [
        ["First page here"],
        ["Second page"],
    ]
    info = result["dataInfo"]
    assert info["type"] == "pdf" and info["numPages"] == 2 and len(info["pages"]) == 2


def test_the_original_ocr_shape_still_answers_over_http(reader, live_server, user):
    response = post(f"{live_server.url}/ocr", {"image": b64(files.png())}, token(user))

    assert response.status_code == 200, response.text
    assert response.json()["success"] is True
    assert not Document.objects.exists()  # the original shape keeps nothing


@pytest.mark.parametrize(
    ("payload", "status", "words"),
    [
        ({"fileType": 1}, 422, '{"file": "<base64 or file:// URL>"'),
        ({"file": "@@not base64@@", "fileType": 1}, 422, "neither valid base64"),
        (
            {"file": b64(files.png()), "fileType": 0},
            422,
            "fileType is 0 (PDF) but the file is a PNG",
        ),
        ({"file": b64(files.pdf([files.text_page()])), "fileType": 1}, 422, "is a PDF"),
        ({"file": b64(files.png()), "fileType": 2}, 422, "fileType must be 0 (PDF), 1 (image)"),
        ({"file": b64(b"plain text"), "fileType": 1}, 422, "not a supported file type"),
        ({"file": b64(files.png()), "useDocUnwarping": "yes"}, 422, "useDocUnwarping must be"),
        ({"file": b64(files.png()), "layoutThreshold": 0.3}, 422, "layoutThreshold is not"),
        ({"file": "https://example.com/scan.png", "fileType": 1}, 422, "fetches no URLs"),
        (
            {"file": b64(files.png()), "useE2eWiredTableRecModel": True},
            422,
            "useE2eWiredTableRecModel is not supported by this server: leave it out or send false",
        ),
    ],
    ids=[
        "no-file",
        "bad-base64",
        "png-said-pdf",
        "pdf-said-image",
        "bad-file-type",
        "not-a-document",
        "bad-flag",
        "unsupported-option",
        "http-url",
        "option-we-cannot-vary",
    ],
)
def test_bad_requests_get_paddlex_errors(live_server, user, payload, status, words):
    response = post(f"{live_server.url}/layout-parsing", {**payload, "logId": "bad-1"}, token(user))

    assert response.status_code == status
    body = response.json()
    assert body == {"logId": "bad-1", "errorCode": status, "errorMsg": body["errorMsg"]}
    assert words in body["errorMsg"]
    assert not Document.objects.exists()


def test_the_default_options_paddlex_sends_are_accepted(reader, live_server, user):
    """Fields this server cannot vary are fine at PaddleX's own defaults."""
    payload = {
        "file": b64(files.png(["Defaults are fine"])),
        "fileType": 1,
        "useTableRecognition": False,
        "useOcrResultsWithTableCells": True,
        "prettifyMarkdown": True,
        "layoutThreshold": None,
        "visualize": False,
    }
    response = post(f"{live_server.url}/layout-parsing", payload, token(user))

    assert response.status_code == 200, response.text
    (page,) = response.json()["result"]["layoutParsingResults"]
    assert page["outputImages"] is None and page["inputImage"] is None  # as PaddleX
    assert "Defaults are fine" in page["markdown"]["text"]


@pytest.fixture
def folders(tmp_path: Path, settings: Any) -> dict[str, Path]:
    """An allowed folder with a scan in it, and a folder beside it that is not allowed."""
    allowed, outside = tmp_path / "scans", tmp_path / "private"
    allowed.mkdir()
    outside.mkdir()
    (allowed / "scan.png").write_bytes(files.png(["Read from the folder"]))
    (outside / "secret.png").write_bytes(files.png(["Not for you"]))
    settings.SERVING_FILE_DIRS = [allowed]
    return {"allowed": allowed, "outside": outside}


def test_a_file_url_in_an_allowed_folder_is_read_with_its_type_inferred(
    reader, live_server, user, folders
):
    url = (folders["allowed"] / "scan.png").as_uri()
    response = post(f"{live_server.url}/ocr", {"file": url}, token(user))

    assert response.status_code == 200, response.text
    (page,) = response.json()["result"]["ocrResults"]
    assert page["prunedResult"]["rec_texts"] == ["Read from the folder"]
    assert Document.objects.get().name == "scan.png"


def test_file_urls_outside_the_allowed_folders_are_refused(live_server, user, folders, settings):
    allowed, outside = folders["allowed"], folders["outside"]
    (allowed / "link.png").symlink_to(outside / "secret.png")
    urls = [
        (outside / "secret.png").as_uri(),
        f"file://{allowed}/../private/secret.png",  # ".." out of the folder
        (allowed / "link.png").as_uri(),  # a link in the folder to a file outside it
    ]
    for url in urls:
        response = post(f"{live_server.url}/ocr", {"file": url, "fileType": 1}, token(user))
        assert response.status_code == 403, url
        assert (
            "not in a folder this server lets PaddleX clients read" in response.json()["errorMsg"]
        )

    missing = post(f"{live_server.url}/ocr", {"file": (allowed / "no.png").as_uri()}, token(user))
    assert missing.status_code == 422 and "no such file" in missing.json()["errorMsg"]

    settings.SERVING_FILE_DIRS = []  # the default: no folder at all
    response = post(
        f"{live_server.url}/ocr", {"file": (allowed / "scan.png").as_uri()}, token(user)
    )
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_anonymous_clients_are_refused_by_default(live_server, user):
    for path in ("layout-parsing", "ocr"):
        response = post(f"{live_server.url}/{path}", {"file": b64(files.png()), "fileType": 1})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Token"
        body = response.json()
        assert body["errorCode"] == 401 and "serving user" in body["errorMsg"]
        assert uuid.UUID(body["logId"])

    bad = post(
        f"{live_server.url}/ocr", {"file": b64(files.png())}, {"Authorization": "Token nope"}
    )
    assert bad.status_code == 401 and bad.json()["errorMsg"] == "Invalid token."
    assert not Document.objects.exists()


def test_anonymous_clients_are_served_as_the_configured_user(reader, live_server, user, other_user):
    RuntimeSettings.objects.create(serving_user=other_user)
    payload = {"file": b64(files.png(["Sent without a token"])), "fileType": 1}
    response = post(f"{live_server.url}/ocr", payload)

    assert response.status_code == 200, response.text
    (page,) = response.json()["result"]["ocrResults"]
    assert page["prunedResult"]["rec_texts"] == ["Sent without a token"]
    assert Document.objects.get().owner == other_user
    # A token still counts when sent; the original shape still needs one.
    assert post(f"{live_server.url}/ocr", {"image": b64(files.png())}).status_code == 401


def test_status_and_admin_show_who_anonymous_clients_are_and_the_folders(
    admin_user, other_user, settings, tmp_path
):
    settings.SERVING_FILE_DIRS = [tmp_path]
    api = APIClient()
    api.force_authenticate(admin_user)
    serving = api.get("/api/status/").json()["paddlex_serving"]
    assert serving == {
        "anonymous_allowed": False,
        "anonymous_user": None,
        "file_dirs": [str(tmp_path)],
    }

    RuntimeSettings.objects.create(serving_user=other_user)
    serving = api.get("/api/status/").json()["paddlex_serving"]
    assert serving["anonymous_allowed"] is True and serving["anonymous_user"] == "bob"

    other_user.is_active = False  # a disabled account serves no one
    other_user.save()
    assert api.get("/api/status/").json()["paddlex_serving"]["anonymous_allowed"] is False

    browser = Client()
    browser.force_login(admin_user)
    page = browser.get("/admin/documents/runtimesettings/1/change/").content.decode()
    assert 'name="serving_user"' in page and str(tmp_path) in page
