"""Health probes and the status API.

- `healthz`: the web process answers (the Windows watchdog polls it). Touches nothing else, so a
  slow database never makes a live process look dead.
- `readyz`: everything a document needs to get through is there: database, broker, OCR models and
  at least one qcluster whose heartbeat is recent. 503 names what fails; why (paths, hosts,
  exception text) only to a signed-in admin.
- `status`: for admins and their scripts (staff): library versions, OpenVINO devices, backend,
  device and precision in force, queue depth, the clusters with each worker's memory, the last
  finished job, the intake folders (watched or not, files waiting, last error), webhook
  deliveries waiting, failing and given up, and what PaddleX serving clients may do
  (anonymous calls, file folders).
"""

from __future__ import annotations

import socket
from importlib import metadata
from pathlib import Path

import psutil
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_q.brokers import get_broker
from django_q.status import Stat
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response

from documents import queue, webhooks
from documents.engine.pipeline import quick_reader_for
from documents.engine_settings import openvino_report
from documents.intake.watch import HEARTBEAT_S
from documents.models import IntakeFile, IntakeFolder, OcrRun, Status
from documents.selectors import runtime_config, serving_user

LIBRARIES = (
    "paddleocr",
    "paddlex",
    "paddlepaddle",
    "openvino",
    "onnxruntime",
    "django",
    "django-q2",
)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": _check(_database),
        "broker": _check(_broker),
        "models": _check(_models),
        "workers": _check(_workers),
    }
    failing = [name for name, result in checks.items() if result != "ok"]
    if not request.user.is_staff:
        checks = {name: "ok" if result == "ok" else "failing" for name, result in checks.items()}
    return JsonResponse(
        {"status": "unavailable" if failing else "ready", "failing": failing, "checks": checks},
        status=503 if failing else 200,
    )


def _check(probe) -> str:
    """'ok', or why not: one failing probe must not hide the others."""
    try:
        probe()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return "ok"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker() -> None:
    broker = get_broker()
    if not broker.ping():
        raise ConnectionError(f"{broker.info()} does not answer")
    broker.queue_size()  # the ORM broker's ping is always true: this reads its table


def _model_states() -> list:
    from documents.engine.provision import states  # the registry pulls in the model builders

    return states(Path(settings.OCR_ENGINE["MODELS_DIR"]))


def _installed_models() -> set[str]:
    return {s.spec.name for s in _model_states() if s.installed}


def _models() -> None:
    missing = [s.spec.name for s in _model_states() if not s.installed]
    if missing:
        raise FileNotFoundError(
            f"not installed in {settings.OCR_ENGINE['MODELS_DIR']}: {', '.join(missing)}"
            " (run `python manage.py ocr_models install`)"
        )


def _workers() -> None:
    if not queue.live_clusters():
        raise RuntimeError(
            f"no qcluster heartbeat in the last {queue.HEARTBEAT_MAX_AGE_S} s"
            " (is `manage.py qcluster` running?)"
        )


@extend_schema(
    operation_id="status",
    responses={200: OpenApiTypes.OBJECT},
    description="Versions, OpenVINO devices, engine settings in force, queue depth, clusters "
    "with each worker's memory, the last finished run with its speed, the intake folders, "
    "webhook deliveries waiting, failing (with the last error) and given up, and whether "
    "PaddleX serving clients may call without a token (and as whom) and which file folders "
    "they may name.",
)
@api_view(["GET"])
@permission_classes([IsAdminUser])
def status(request: Request) -> Response:
    broker = get_broker()
    engine, devices = _engine_in_use()
    return Response(
        {
            "versions": {name: _version(name) for name in LIBRARIES},
            "openvino_devices": devices,
            "engine": engine,
            "last_finished_run": _last_finished_run(),
            "queue": {
                "broker": broker.info(),
                "queued": broker.queue_size(),
                # taken by a worker, not yet acknowledged: the ORM broker knows, Redis says None
                "in_progress": broker.lock_size(),
            },
            "clusters": [_cluster(stat) for stat in queue.live_clusters()],
            "intake": _intake(),
            "webhooks": webhooks.delivery_status(),
            "paddlex_serving": _paddlex_serving(),
            "ready": {"database": _check(_database), "models": _check(_models)},
        }
    )


def _paddlex_serving() -> dict:
    """Who may call /layout-parsing and /ocr without a token, and the folders they may name."""
    owner = serving_user()
    return {
        "anonymous_allowed": owner is not None,
        "anonymous_user": owner.get_username() if owner is not None else None,
        "file_dirs": [str(d) for d in settings.SERVING_FILE_DIRS],
    }


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _engine_in_use() -> tuple[dict, list[str] | str]:
    """The engine setting in force, and the OpenVINO devices present (or why none are)."""
    config = runtime_config()  # the admin's runtime settings over the environment's defaults
    device = settings.OCR_ENGINE["DEVICE"]
    openvino = openvino_report(config.backend, config.precision_setting, device)
    devices = openvino["devices"]
    engine = {
        "backend": config.backend,
        "device": device,
        "precision": openvino["precision"],  # in force here; None when the setting cannot run
        "precision_setting": config.precision_setting,
        "error": openvino["error"],
        "threads": settings.OCR_ENGINE["THREADS"],
        "default_pipeline": config.pipeline,
        "text_models": config.text_models,
        # lines read first by this model, again by the main recogniser where it is unsure; or None
        "quick_reader": quick_reader_for(
            config.backend, settings.OCR_ENGINE["QUICK_READ"], _installed_models()
        ),
    }
    return engine, devices if devices is not None else f"error: {openvino['error']}"


def _last_finished_run() -> dict | None:
    """The latest finished run and its speed (no document name)."""
    run = OcrRun.objects.filter(status=Status.DONE).order_by("-finished_at").first()
    if run is None:
        return None
    pages = run.pages_done
    return {
        "run": run.pk,
        "document": run.document_id,
        "pipeline": run.pipeline,
        "backend": run.backend,
        "precision": run.precision,
        "pages": pages,
        "finished_at": run.finished_at,
        "wait_s": run.wait,
        "duration_s": run.duration,
        "ocr_seconds": run.ocr_seconds,
        "seconds_per_page": round(run.duration / pages, 3) if pages and run.duration else None,
    }


def _intake() -> dict:
    """Each enabled folder as the watcher (manage.py integrations) last reported it; `watched`
    is false when its last report is too old (the watcher is not running, or is stuck)."""
    now = timezone.now()
    folders = IntakeFolder.objects.filter(enabled=True).select_related("owner")
    return {
        "folders": [
            {
                "path": folder.path,
                "owner": folder.owner.get_username(),
                "watched": bool(
                    folder.scanned_at
                    and (now - folder.scanned_at).total_seconds() < 4 * HEARTBEAT_S
                ),
                "scanned_at": folder.scanned_at,
                "files_waiting": folder.files_waiting,
                "last_error": folder.last_error or None,
                "last_error_at": folder.last_error_at,
            }
            for folder in folders
        ],
        "write_errors": IntakeFile.objects.exclude(write_error="").count(),
    }


def _cluster(stat: Stat) -> dict:
    local = stat.host == socket.gethostname()
    return {
        "id": str(stat.cluster_id),
        "host": stat.host,
        "status": stat.status,
        "uptime_s": round(stat.uptime()),
        "workers": [
            {"pid": pid, "rss_mb": _rss_mb(pid) if local else None} for pid in stat.workers
        ],
    }


def _rss_mb(pid: int) -> float | None:
    try:
        return round(psutil.Process(pid).memory_info().rss / 2**20, 1)
    except psutil.Error:
        return None
