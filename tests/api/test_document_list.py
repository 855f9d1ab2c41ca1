"""The document list: each waiting document's place in the queue, at the same cost for a page
of one document as for a page of many (the list is polled every 2 seconds)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.documents import files
from tests.documents.test_queue import upload

pytestmark = pytest.mark.django_db(transaction=True)


def _listed(api) -> tuple[dict[str, int | None], int]:
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/documents/")
    assert response.status_code == 200
    return {d["name"]: d["queue_position"] for d in response.json()["results"]}, len(queries)


def test_queue_positions_in_the_list_take_one_query(make_cluster, api):
    # No cluster runs: the documents wait in the queue.
    upload(api, "first.png", files.png())
    one, queries_for_one = _listed(api)
    assert one == {"first.png": 1}

    for name in ("second.png", "third.png", "fourth.png"):
        upload(api, name, files.png())
    cancelled = upload(api, "fifth.png", files.png())
    api.post(f"/api/documents/{cancelled['id']}/cancel/")
    many, queries_for_many = _listed(api)

    assert many == {
        "first.png": 1,
        "second.png": 2,
        "third.png": 3,
        "fourth.png": 4,
        "fifth.png": None,
    }
    assert queries_for_many == queries_for_one
