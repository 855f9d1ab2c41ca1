"""/ocr and /layout-parsing on a real instance (gunicorn and a qcluster through `manage.py
serve`): the worker reads the file, the web processes stay small (they never load an engine);
the original /ocr keeps nothing, a PaddleX client's document is kept."""

from __future__ import annotations

import base64

import requests

from tests.deploy.test_hostile_uploads import WEB_RSS_BOUND_MB
from tests.pages import encode, render_report


def test_ocr_is_read_by_the_queue_and_the_web_tier_stays_small(new_instance):
    instance = new_instance()
    token = instance.create_user("script")
    instance.start()
    instance.wait_for("/readyz")  # a worker is there, its engine warm
    response = requests.post(
        instance.url + "/ocr",
        json={"image": base64.b64encode(encode(render_report())).decode()},
        headers={"Authorization": f"Token {token}"},
        timeout=180,
    )
    assert response.status_code == 200, response.text
    (page,) = response.json()["result"]
    assert any("Office supplies order" in b["block_content"] for b in page["parsing_res_list"])
    assert instance.web_peak_rss_mb() < WEB_RSS_BOUND_MB
    assert instance.get("/api/documents/", token).json()["count"] == 0
    assert (
        instance.python(
            "import json; from documents.models import Document;"
            " print(json.dumps(Document.objects.count()))"
        )
        == 0
    )
    instance.stop()


def test_an_anonymous_paddlex_client_names_a_file_in_an_allowed_folder(new_instance, tmp_path):
    """The administrator's choices as a real instance reads them: OCRSITE_SERVING_FILE_DIRS
    (two folders) from the environment, the serving user from the runtime settings."""
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "order.png").write_bytes(encode(render_report()))
    instance = new_instance(OCRSITE_SERVING_FILE_DIRS=f"{tmp_path / 'inbox'}:{scans}")
    token = instance.create_user("scanner")
    instance.python(
        "from django.contrib.auth.models import User; from documents.models import RuntimeSettings;"
        " RuntimeSettings.objects.create(serving_user=User.objects.get(username='scanner'));"
        " print(1)"
    )
    instance.start()
    instance.wait_for("/readyz")
    response = requests.post(
        instance.url + "/layout-parsing",
        json={"file": (scans / "order.png").as_uri(), "fileType": 1},
        timeout=180,
    )
    assert response.status_code == 200, response.text
    (page,) = response.json()["result"]["layoutParsingResults"]
    assert "Office supplies order" in page["markdown"]["text"]
    assert instance.web_peak_rss_mb() < WEB_RSS_BOUND_MB
    (document,) = instance.get("/api/documents/", token).json()["results"]
    assert document["name"] == "order.png"
    instance.stop()
