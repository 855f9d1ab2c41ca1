"""Scale-out as deploy/README.md documents it: two hosts (here: two data folders on one
machine) with one PostgreSQL database, one Redis queue, one shared media folder and one secret
key; the first runs the web server and a qcluster, the second a qcluster only. Every page of a
document is read exactly once, by whichever cluster took it."""

import os
import re
import secrets
import time

import pytest

from tests import pages
from tests.deploy.instance import Instance

pytestmark = pytest.mark.services
PAGE_COUNT = 8


def _live_clusters(instance: Instance) -> int:
    return instance.python(
        "import json; from documents.queue import live_clusters;"
        " print(json.dumps(len(live_clusters())))"
    )


def test_two_clusters_share_the_queue_and_read_every_page_once(
    new_instance, database_url, tmp_path
):
    shared = {
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ["REDIS_URL"],
        "Q_CLUSTER_NAME": f"ocrsite-scaleout-{secrets.token_hex(4)}",
        "OCRSITE_MEDIA_DIR": str(tmp_path / "shared-media"),
        "OCRSITE_SECRET_KEY": secrets.token_urlsafe(40),
    }
    main, extra = new_instance(**shared), new_instance(**shared)
    token = main.create_user("alice")
    main.start()
    extra.start(only="worker")
    main.wait_for("/readyz")
    deadline = time.monotonic() + 120
    while _live_clusters(main) < 2:
        assert time.monotonic() < deadline, extra.log()
        time.sleep(1)

    sheets = [
        pages.render_lines([f"This is page number {n}", *pages.ENGLISH_LINES])
        for n in range(1, PAGE_COUNT + 1)
    ]
    upload = pages.encode(sheets[0], "TIFF", save_all=True, append_images=sheets[1:])
    response = main.post_upload(token, "batch.tiff", upload, pipeline="ocr")
    assert response.status_code == 201, response.text
    document_id = response.json()["documents"][0]["id"]
    deadline = time.monotonic() + 300
    while (detail := main.get(f"/api/documents/{document_id}/", token).json())["status"] in (
        "queued",
        "running",
    ):
        assert time.monotonic() < deadline, detail
        time.sleep(0.5)
    assert detail["status"] == "done", detail

    rows = main.python(
        "import json; from django.db.models import Count; from documents.models import Page;"
        f" print(json.dumps(list(Page.objects.filter(document_id={document_id})"
        ".annotate(n=Count('lines')).order_by('number').values_list('number', 'status',"
        " 'attempts', 'n'))))"
    )
    assert [(number, status, attempts) for number, status, attempts, _ in rows] == [
        (n, "done", 1) for n in range(1, PAGE_COUNT + 1)
    ]
    assert all(lines == len(pages.ENGLISH_LINES) + 1 for *_, lines in rows), rows
    # Both clusters took pages, and no page was saved twice.
    saved = [re.findall(r"page (\d+): saved", host.log()) for host in (main, extra)]
    assert all(saved), saved
    assert sorted(saved[0] + saved[1]) == sorted({*saved[0], *saved[1]})
    assert len(saved[0]) + len(saved[1]) == PAGE_COUNT
