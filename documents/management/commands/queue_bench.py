"""`python manage.py queue_bench`: an N-page scanned PDF uploaded over HTTP and read by the
queue, against the engine alone on the same pages (issue 3: end to end at most 1.15x the
engine's own time, i.e. queue and database overhead at most 15 %). Then the queue's fairness:
another user's one-page document sent while the batch is being read, and how many pages' time
it took to come back.

Real users' data is left alone: a temporary user owns the uploads and is deleted with its
documents at the end, even on failure; a `qcluster` of the bench's own, under a private
Q_CLUSTER_NAME, reads the messages, so a production cluster never takes them (nor it theirs).
"""

from __future__ import annotations

import io
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import Task
from rest_framework.authtoken.models import Token

from documents.engine import pages as page_files
from documents.engine_settings import configured_engine
from documents.models import ACTIVE_STATUSES, Document, OcrRun, Status
from documents.selectors import runtime_config
from documents.services import uploads

DEFAULT_PDF = settings.BASE_DIR.parent / "shared/eval/pdf_docs/pdfs/ocrmypdf_multipage.pdf"
TARGET_RATIO = 1.15
# `manage.py qcluster` with the scheduler off: the bench cluster is a default cluster of its
# own name, and would otherwise run the site's recovery sweep, which sends real users' stalled
# pages to the queue of the cluster that runs it, here a private one nobody reads afterwards.
# Its processes are forked, so they keep the flag.
CLUSTER_CODE = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocrsite.settings")
django.setup()
from django_q.conf import Conf
Conf.SCHEDULER = False
from django.core.management import call_command
call_command("qcluster")
"""


def pdf_of_pages(path: Path, pages: int) -> bytes:
    """The first `pages` pages of the PDF, its pages repeated in order where it has fewer."""
    source = pdfium.PdfDocument(path)
    out = pdfium.PdfDocument.new()
    try:
        out.import_pages(source, [i % len(source) for i in range(pages)])
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()
    finally:
        out.close()
        source.close()


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """The bench prints its own figures; one line per request would bury them."""


@contextmanager
def live_server() -> Iterator[str]:
    """The site over real HTTP on a free local port, in a thread of this process."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def upload(base_url: str, token: str, name: str, data: bytes) -> int:
    """POST the file to /api/documents/ as a script would; the new document's id."""
    request = urllib.request.Request(
        f"{base_url}/api/documents/",
        data=encode_multipart(BOUNDARY, {"file": SimpleUploadedFile(name, data)}),
        headers={"Content-Type": MULTIPART_CONTENT, "Authorization": f"Token {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)["documents"][0]["id"]


class BenchCluster:
    """The bench's own cluster, on the site's database, under a private queue name."""

    def __init__(self, name: str, log: Path) -> None:
        self.name = name
        self.log_path = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "Q_CLUSTER_NAME": self.name, "PYTHONUNBUFFERED": "1"}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", CLUSTER_CODE],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C here reaches it only through stop()
            )

    def check_alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            raise CommandError(f"the bench cluster stopped:\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM to the main process only (it stops its workers in order; signalling the
        whole group makes them hang), then SIGKILL to the group as a last resort."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def wait_finished(document_id: int, cluster: BenchCluster, timeout: float) -> Document:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        document = Document.objects.get(pk=document_id)
        if document.status not in ACTIVE_STATUSES:
            return document
        cluster.check_alive()
        time.sleep(0.05)  # short: the poll interval is part of the end-to-end figure
    raise CommandError(f"document {document_id} not finished after {timeout:.0f}s")


def engine_alone(data: bytes, run: OcrRun) -> float:
    """Seconds the engine takes on the pages the worker rendered, in this process: the same
    pipeline, options, backend, precision, DPI and pixel cap; rendering is not counted."""
    engine = configured_engine(backend=run.backend, precision=run.precision)
    config = runtime_config()
    seconds = 0.0
    for rendered in page_files.iter_pages(
        data, dpi=config.pdf_dpi, max_pixels=config.max_page_pixels
    ):
        started = time.perf_counter()
        engine.run(rendered.image, pipeline=run.pipeline, options=run.options)
        seconds += time.perf_counter() - started
    return seconds


class Command(BaseCommand):
    help = (
        "Time a scanned PDF through the API and the queue against the engine alone "
        f"(target: end to end at most {TARGET_RATIO}x the engine's time)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pdf", type=Path, default=DEFAULT_PDF, help="A scanned PDF.")
        parser.add_argument("--pages", type=int, default=10, help="Pages per upload.")
        parser.add_argument("--repeat", type=int, default=2, help="Uploads to time.")
        parser.add_argument("--timeout", type=float, default=1800, help="Seconds per upload.")
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["pdf"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file (give a scanned PDF with --pdf)")
        if options["pages"] < 1 or options["repeat"] < 1:
            raise CommandError("--pages and --repeat must be at least 1")
        data = pdf_of_pages(path, options["pages"])
        warm = pdf_of_pages(path, 1)

        name = f"queue-bench-{uuid.uuid4().hex[:8]}"
        user = get_user_model().objects.create_user(name)
        other = get_user_model().objects.create_user(f"{name}-other")
        token = Token.objects.create(user=user).key
        cluster = BenchCluster(name, Path(tempfile.gettempdir()) / f"{name}.log")
        queue = (Conf.PREFIX, Conf.CLUSTER_NAME)
        # This process sends the uploads' messages to the private queue, signed as that
        # cluster expects (the prefix is the signing salt), as tests/conftest.py does.
        Conf.PREFIX = Conf.CLUSTER_NAME = name
        try:
            cluster.start()
            self._log(options, f"cluster {name} started, log {cluster.log_path}")
            with live_server() as base_url:
                # Ready once it has read a page: its worker has built and warmed the engine.
                first = upload(base_url, token, "warm.pdf", warm)
                wait_finished(first, cluster, options["timeout"])
                self._log(options, "cluster ready and warm")
                runs = [
                    self._time_upload(base_url, token, data, cluster, options)
                    for _ in range(options["repeat"])
                ]
                other_token = Token.objects.create(user=other).key
                fairness = self._fairness(base_url, (token, other_token), data, warm, cluster)
            cluster.stop()
            last = OcrRun.objects.get(pk=runs[-1]["run_id"])
            configured_engine(backend=last.backend, precision=last.precision).warm((last.pipeline,))
            engine_alone(pdf_of_pages(path, 1), last)  # the first run of a pipeline is slower
            for run in runs:
                self._engine_figures(run, data, last)
        finally:
            cluster.stop()
            get_broker().delete_queue()  # messages an aborted run left behind
            Conf.PREFIX, Conf.CLUSTER_NAME = queue
            for document in Document.objects.filter(owner__in=[user, other]):
                uploads.document_delete(document=document)
            Task.objects.filter(cluster=name).delete()  # the bench's rows in the admin's lists
            user.delete()
            other.delete()
        page_s = statistics.median(r["end_to_end_s"] for r in runs) / options["pages"]
        fairness |= {"page_s": page_s, "single_in_page_times": fairness["single_s"] / page_s}
        self._report(runs, fairness, path, options)

    def _time_upload(
        self, base_url: str, token: str, data: bytes, cluster: BenchCluster, options: dict
    ) -> dict[str, Any]:
        started = time.perf_counter()
        document_id = upload(base_url, token, f"bench-{options['pages']}.pdf", data)
        document = wait_finished(document_id, cluster, options["timeout"])
        end_to_end = time.perf_counter() - started
        run = document.runs.order_by("-attempt").first()
        pages = list(document.pages.all())
        figures = {
            "status": document.status,
            "error": document.error,
            "run_id": run.pk,
            "pipeline": run.pipeline,
            "end_to_end_s": end_to_end,
            "engine_in_worker_s": sum(p.timings.get("total", 0.0) for p in pages),
            "render_in_worker_s": sum(p.timings.get("render", 0.0) for p in pages),
        }
        self._log(options, f"upload: {document.status} in {end_to_end:.2f}s")
        return figures

    def _fairness(
        self,
        base_url: str,
        tokens: tuple[str, str],
        batch_data: bytes,
        single_data: bytes,
        cluster: BenchCluster,
    ) -> dict[str, Any]:
        """One user's batch, and once its first page is done another user's one page."""
        batch_id = upload(base_url, tokens[0], "batch.pdf", batch_data)
        batch = Document.objects.get(pk=batch_id)
        deadline = time.monotonic() + 600
        while not batch.pages.filter(status=Status.DONE).exists():
            cluster.check_alive()
            if time.monotonic() > deadline:
                raise CommandError("the batch's first page was not read in 600 s")
            time.sleep(0.05)
        started = time.perf_counter()
        single_id = upload(base_url, tokens[1], "single.pdf", single_data)
        single = wait_finished(single_id, cluster, 600)
        seconds = time.perf_counter() - started
        left = batch.pages.exclude(status=Status.DONE).count()
        wait_finished(batch_id, cluster, 1800)
        return {"single_s": seconds, "single_status": single.status, "batch_pages_left": left}

    def _engine_figures(self, run: dict[str, Any], data: bytes, ocr_run: OcrRun) -> None:
        run["engine_alone_s"] = engine_alone(data, ocr_run)
        run["ratio_end_to_end_engine_alone"] = run["end_to_end_s"] / run["engine_alone_s"]
        worker = run["engine_in_worker_s"]
        run["ratio_end_to_end_engine_in_worker"] = run["end_to_end_s"] / worker if worker else None

    def _log(self, options: dict, message: str) -> None:
        if not options["json"]:
            self.stdout.write(message)

    def _report(
        self, runs: list[dict[str, Any]], fairness: dict[str, Any], path: Path, options: dict
    ) -> None:
        median = statistics.median(r["ratio_end_to_end_engine_alone"] for r in runs)
        if options["json"]:
            summary = {
                "pdf": str(path),
                "pages": options["pages"],
                "target_ratio": TARGET_RATIO,
                "median_ratio_end_to_end_engine_alone": median,
                "runs": runs,
                "fairness": fairness,
            }
            self.stdout.write(json.dumps(summary, indent=1))
            return
        self.stdout.write(
            f"{options['pages']} pages of {path.name}, pipeline {runs[0]['pipeline']}"
        )
        self.stdout.write(
            "run  status  end-to-end s  engine in worker s  engine alone s  "
            "e2e/alone  e2e/in-worker"
        )
        for i, r in enumerate(runs, 1):
            in_worker = r["ratio_end_to_end_engine_in_worker"]
            self.stdout.write(
                f"{i:>3}  {r['status']:<6}  {r['end_to_end_s']:12.2f}  "
                f"{r['engine_in_worker_s']:18.2f}  {r['engine_alone_s']:14.2f}  "
                f"{r['ratio_end_to_end_engine_alone']:9.3f}  "
                + (f"{in_worker:13.3f}" if in_worker else "            -")
            )
            if r["error"]:
                self.stdout.write(f"     {r['error']}")
        verdict = "met" if median <= TARGET_RATIO else "missed"
        self.stdout.write(
            f"median end-to-end / engine alone {median:.3f} (target <= {TARGET_RATIO}: {verdict})"
        )
        self.stdout.write(
            f"fairness: another user's 1-page document sent during a {options['pages']}-page "
            f"batch was {fairness['single_status']} in {fairness['single_s']:.2f} s = "
            f"{fairness['single_in_page_times']:.1f} pages' time ({fairness['page_s']:.2f} s a "
            f"page end to end), with {fairness['batch_pages_left']} of the batch's pages to read"
        )
