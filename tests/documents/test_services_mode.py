"""With DATABASE_URL and REDIS_URL set, the app really runs on PostgreSQL and Redis."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_q.brokers import get_broker
from django_q.conf import Conf

from documents.services import uploads
from tests.documents import files

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_documents_are_stored_in_postgresql_and_queued_in_redis(user, make_cluster):
    # make_cluster gives the test a queue of its own; no cluster is started, so none reads it.
    assert connection.vendor == "postgresql"
    broker = get_broker()
    assert Conf.ORM is None and type(broker).__name__ == "Redis"
    before = broker.queue_size()
    data = files.tiff([files.text_page()] * 3)
    document = uploads.document_create(owner=user, upload=SimpleUploadedFile("a.tif", data))
    # One message per page, sent once the upload's transaction committed.
    assert broker.queue_size() - before == document.page_count == 3
    broker.purge_queue()
