"""`manage.py serve`, the production command, as a real process tree: probes, an upload, and a
graceful stop in the middle of a document that loses nothing."""

import re
import signal
import time

import psutil

from tests import pages

PAGE_COUNT = 5


def _scan() -> bytes:
    sheets = [
        pages.render_lines([f"This is page number {n}", *pages.ENGLISH_LINES])
        for n in range(1, PAGE_COUNT + 1)
    ]
    return pages.encode(sheets[0], "TIFF", save_all=True, append_images=sheets[1:])


def _children(instance) -> list[int]:
    return [int(pid) for pid in re.findall(r"started \w+ \(pid (\d+)\)", instance.log())]


def test_serve_answers_probes_and_a_graceful_stop_loses_no_page(new_instance):
    instance = new_instance()
    token = instance.create_user("alice")
    instance.start()

    assert instance.wait_for("/healthz").json() == {"status": "ok"}
    ready = instance.wait_for("/readyz").json()
    assert ready["checks"] == {"database": "ok", "broker": "ok", "models": "ok", "workers": "ok"}
    children = _children(instance)
    assert len(children) == 3  # gunicorn, the qcluster and the intake folders

    response = instance.post_upload(token, "scan.tiff", _scan(), pipeline="ocr")
    assert response.status_code == 201, response.text
    document_id = response.json()["documents"][0]["id"]

    # SIGTERM as soon as a page is being read.
    deadline = time.monotonic() + 180
    while (detail := instance.get(f"/api/documents/{document_id}/", token).json())[
        "status"
    ] == "queued":
        assert time.monotonic() < deadline, detail
        time.sleep(0.1)
    instance.signal(signal.SIGTERM)
    assert instance.wait_exit(timeout=90) == 0, instance.log()
    log = instance.log()
    assert "got SIGTERM; stopping gracefully" in log
    assert "did not stop in time" not in log
    assert not [pid for pid in children if psutil.pid_exists(pid)]

    # The page being read was finished, not dropped half-way; the rest still waits.
    statuses = instance.python(
        "import json; from documents.models import Page;"
        f" print(json.dumps(list(Page.objects.filter(document_id={document_id})"
        ".order_by('number').values_list('status', flat=True))))"
    )
    assert "running" not in statuses
    assert statuses.count("done") < PAGE_COUNT, "the stop came too late to test anything"

    instance.start()
    instance.wait_for("/readyz")
    deadline = time.monotonic() + 300
    while (detail := instance.get(f"/api/documents/{document_id}/", token).json())["status"] in (
        "queued",
        "running",
    ):
        assert time.monotonic() < deadline, detail
        time.sleep(0.5)
    assert detail["status"] == "done", detail
    assert detail["pages_done"] == PAGE_COUNT
    for n in range(1, PAGE_COUNT + 1):
        page = instance.get(f"/api/documents/{document_id}/pages/{n}/", token).json()
        text = " ".join(line["text"] for line in page["lines"]).lower()
        assert f"page number {n}" in text, text
    assert instance.stop() == 0
