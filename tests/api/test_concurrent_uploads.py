"""20 uploads at once through a real HTTP server: every one stored, queued and read."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from rest_framework.authtoken.models import Token

from documents.models import Document, Status
from tests.documents import files

pytestmark = pytest.mark.django_db(transaction=True)

UPLOADS = 20


def test_twenty_concurrent_uploads_are_all_stored_and_read(live_server, cluster, user, wait_until):
    token = Token.objects.create(user=user).key
    bodies = {
        f"scan-{n:02d}.png": files.png([f"Invoice {1000 + n} is paid"]) for n in range(UPLOADS)
    }

    def send(name: str) -> requests.Response:
        return requests.post(
            f"{live_server.url}/api/documents/",
            files={"file": (name, bodies[name], "application/octet-stream")},
            headers={"Authorization": f"Token {token}"},
            timeout=120,
        )

    with ThreadPoolExecutor(max_workers=UPLOADS) as pool:
        responses = list(pool.map(send, bodies))

    assert [r.status_code for r in responses] == [201] * UPLOADS, [r.text for r in responses]
    ids = {r.json()["documents"][0]["id"] for r in responses}
    assert len(ids) == UPLOADS
    for document in Document.objects.all():
        data = bodies[document.name]
        assert document.sha256 == hashlib.sha256(data).hexdigest()
        assert Path(document.original.path).read_bytes() == data

    wait_until(
        lambda: Document.objects.filter(status=Status.DONE).count() == UPLOADS,
        timeout=600,
        what="every upload to be read",
    )
    for document in Document.objects.all():
        number = 1000 + int(document.name[5:7])
        line = document.pages.get().lines.get()
        assert line.text == f"Invoice {number} is paid"
