"""Shared fixtures: a test database a `qcluster` subprocess can share, media in a temporary
folder, users with API clients, and a real django-q2 cluster running the real engine.

Without DATABASE_URL/REDIS_URL the tests use a SQLite file and django-q2's ORM broker; with
them, a PostgreSQL database of their own (named after this process) and a Redis queue of their
own (the cluster name), so that several test runs on one machine never meet.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django_q.conf import Conf

from tests.receiver import Receiver

ROOT = Path(__file__).resolve().parents[1]
CLUSTER_NAME = f"ocrsite-test-{os.getpid()}"
SERVICES = bool(os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason="needs DATABASE_URL and REDIS_URL (PostgreSQL and Redis)")
    for item in items:
        if "services" in item.keywords and not SERVICES:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _isolated_media_and_queue(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploads go to a temporary folder; messages to this session's own queue."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    _use_queue(CLUSTER_NAME)


def _use_queue(name: str) -> None:
    """Send messages to the queue `name`. The cluster started with Q_CLUSTER_NAME=name has it
    as its name and signing prefix too, so it is a default cluster that runs the schedules.
    Its heartbeat is kept under that name as well: live_clusters() here sees that cluster."""
    Conf.PREFIX = Conf.CLUSTER_NAME = name
    Conf.Q_STAT = f"django_q:{name}:cluster"


@pytest.fixture(autouse=True)
def _default_language_after() -> Iterator[None]:
    """Back to the default language after each test: the test client runs requests in the
    test's thread, where LocaleMiddleware leaves the last request's language active."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A test database another process can open: a SQLite file, or a PostgreSQL database
    whose name no other test run on this server uses."""
    from django.db import connections

    db = connections["default"].settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["TEST"]["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")
    else:
        db["TEST"]["NAME"] = f"test_ocrsite_{os.getpid()}"


def _database_url() -> str:
    from django.db import connections

    db = connections["default"].settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def manage_process(args: list[str], log_path: Path, **env: str) -> subprocess.Popen[bytes]:
    """`python manage.py ARGS` in a process group of its own, on the test database and media,
    logging to `log_path`."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "OCRSITE_MEDIA_DIR": str(settings.MEDIA_ROOT),
        "OCRSITE_SECRET_KEY": settings.SECRET_KEY,  # messages are signed with it
        "Q_CLUSTER_NAME": Conf.PREFIX,
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


class Cluster:
    """`python manage.py qcluster` in a process group of its own, on the test database."""

    def __init__(self, log: Path, name: str, env: dict[str, str]) -> None:
        self.log_path = log
        self.name = name
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Cluster:
        self.process = manage_process(
            ["qcluster"], self.log_path, Q_CLUSTER_NAME=self.name, **self.env
        )
        return self

    def kill(self) -> None:
        """SIGKILL to every process of the cluster (sentinel, pusher, workers, monitor)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # the main process stops its children in order
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def make_cluster(django_db_setup: None, tmp_path: Path) -> Iterator[Callable[..., Cluster]]:
    """A queue of this test's own, and clusters on it started when the test says (with extra
    environment variables); the session's cluster does not see this queue."""
    name = f"{CLUSTER_NAME}-{uuid.uuid4().hex[:8]}"
    _use_queue(name)
    clusters: list[Cluster] = []

    def make(**env: str) -> Cluster:
        cluster = Cluster(tmp_path / f"qcluster-{len(clusters)}.log", name, env).start()
        clusters.append(cluster)
        return cluster

    yield make
    for cluster in clusters:
        cluster.stop()
    _use_queue(CLUSTER_NAME)


@pytest.fixture(scope="session")
def cluster(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """One real cluster for the session, with one worker (it warms the engine once), so that
    pages are read one at a time and the tests can see documents wait their turn."""
    log = tmp_path_factory.mktemp("qcluster") / "qcluster.log"
    running = Cluster(log, CLUSTER_NAME, {"OCRSITE_WORKERS": "1"}).start()
    yield running
    running.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on loopback (tests/receiver.py)."""
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def install(settings: Any, tmp_path: Path) -> Callable[[Iterable[str]], None]:
    """install(models): a models folder holding exactly these models. What is installed is
    decided by a directory scan (registry.installed_models: inference.yml beside the weights),
    so empty files make a model count as installed; no engine is ever built from them."""
    models_dir = tmp_path / "models"
    settings.OCR_ENGINE = {**settings.OCR_ENGINE, "MODELS_DIR": str(models_dir)}

    def make(models: Iterable[str]) -> None:
        for name in models:
            (models_dir / name).mkdir(parents=True)
            for file in ("inference.yml", "inference.onnx"):
                (models_dir / name / file).write_bytes(b"")

    return make


@pytest.fixture
def user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("alice", password="alice-pass-123")


@pytest.fixture
def other_user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("bob", password="bob-pass-123")


@pytest.fixture
def admin_user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_superuser("root", password="root-pass-123")


def client_for(user: Any) -> Any:
    """An API client authenticated with the user's token, as a script would be."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def api(user: Any) -> Any:
    return client_for(user)


@pytest.fixture
def other_api(other_user: Any) -> Any:
    return client_for(other_user)


def wait_for(condition: Callable[[], Any], *, timeout: float = 180, what: str = "condition") -> Any:
    """Poll until `condition()` is truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def wait_until() -> Callable[..., Any]:
    """wait_until(condition, timeout=..., what=...): see wait_for."""
    return wait_for


@pytest.fixture
def wait_finished() -> Callable[..., Any]:
    """wait_finished(document_id): the document once done, failed or cancelled."""
    from documents.models import ACTIVE_STATUSES, Document

    def wait(document_id: int, *, timeout: float = 240) -> Document:
        def finished() -> Document | None:
            document = Document.objects.get(pk=document_id)
            return document if document.status not in ACTIVE_STATUSES else None

        return wait_for(finished, timeout=timeout, what=f"document {document_id} to finish")

    return wait


@pytest.fixture
def read_now(db: None) -> Callable[..., Any]:
    """read_now(owner, name, data, **options): upload a file and OCR its pages right here with
    the real engine (the page task itself, without the queue), for tests about results."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents import tasks
    from documents.models import Document
    from documents.services import uploads

    def read(owner: Any, name: str, data: bytes, **options: Any) -> Document:
        document = uploads.document_create(
            owner=owner, upload=SimpleUploadedFile(name, data), **options
        )
        for page in document.pages.order_by("number"):
            assert tasks.ocr_page(page.pk, str(page.token)) == "done"
        document.refresh_from_db()
        return document

    return read
