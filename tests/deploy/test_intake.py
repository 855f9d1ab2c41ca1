"""`manage.py serve` watches the intake folders and sends webhooks: a file dropped in becomes a
document read by the real queue, its text lands in the output folder, the folder's webhook hears
that it is done, and the status API shows the folder."""

from __future__ import annotations

import time
from pathlib import Path

from tests.documents import files
from tests.intake.conftest import tree
from tests.pages import ENGLISH_LINES
from tests.receiver import verified


def test_a_dropped_file_is_read_its_text_written_back_and_its_webhook_called(
    new_instance, tmp_path: Path, receiver
):
    scans, out = tmp_path / "scans", tmp_path / "out"
    scans.mkdir()
    instance = new_instance(OCRSITE_INTAKE_POLL_S="0.5", OCRSITE_INTAKE_STABLE_S="1")
    instance.create_user("alice")
    token = instance.python(
        "import json; from django.contrib.auth.models import User;"
        " from rest_framework.authtoken.models import Token;"
        " from documents.models import IntakeFolder, Webhook;"
        f" folder = IntakeFolder.objects.create(path={str(scans)!r}, pipeline='ocr',"
        f" owner=User.objects.get(username='alice'), output_path={str(out)!r},"
        " output_formats=['txt']);"
        f" Webhook.objects.create(folder=folder, url={receiver.url!r}, secret='s3cret');"
        " admin = User.objects.create_user('admin', is_staff=True);"
        " print(json.dumps(Token.objects.create(user=admin).key))"
    )
    instance.start()
    (scans / "memo.png").write_bytes(files.png(ENGLISH_LINES[:2]))

    deadline = time.monotonic() + 240
    while not (out / "memo.txt").exists():
        assert time.monotonic() < deadline, instance.log()
        assert instance.process.poll() is None, instance.log()
        time.sleep(0.5)
    assert "Revenue" in (out / "memo.txt").read_text()
    assert tree(scans) == ["done/memo.png"]
    while not receiver.requests:
        assert time.monotonic() < deadline, instance.log()
        time.sleep(0.2)
    payload = verified(receiver.requests[0], "s3cret")
    assert payload["event"] == "done" and payload["document"]["name"] == "memo.png"

    instance.wait_for("/healthz")
    (folder,) = instance.get("/api/status/", token).json()["intake"]["folders"]
    assert folder["path"] == str(scans) and folder["owner"] == "alice"
    assert folder["watched"] is True
    assert (folder["files_waiting"], folder["last_error"]) == (0, None)
