"""/ocr on a real instance (gunicorn and a qcluster through `manage.py serve`): the worker reads
the file, the web processes stay small (they never load an engine), nothing is kept."""

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
