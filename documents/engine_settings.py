"""The bridge from Django settings to the engine's configuration (the engine never reads them)."""

import dataclasses
import json
import subprocess
import sys
import time
from typing import Any

from django.conf import settings

from .engine import Engine, EngineConfig, get_engine

# Run in a child process: importing OpenVINO costs a web process memory, and a broken install
# may crash the interpreter. Imports neither PaddleX nor Django.
_REPORT = (
    "import json, sys; from documents.engine.backends.devices import report;"
    " print(json.dumps(report(*sys.argv[1:])))"
)


def engine_config(
    *,
    backend: str | None = None,
    precision: str | None = None,
    quick_read: bool | None = None,
    text_models: str | None = None,
) -> EngineConfig:
    """The configured engine, with the backend, precision, quick read and text models optionally
    overridden."""
    cfg = settings.OCR_ENGINE
    config = EngineConfig(
        models_dir=cfg["MODELS_DIR"],
        backend=backend or cfg["BACKEND"],
        precision=precision or cfg["PRECISION"],
        device=cfg["DEVICE"],
        threads=cfg["THREADS"],
        cache_dir=cfg["CACHE_DIR"],
        max_pixels=settings.MAX_PAGE_PIXELS,
        text_models=text_models or cfg["TEXT_MODELS"],
    )
    if not (cfg["QUICK_READ"] if quick_read is None else quick_read):
        config = dataclasses.replace(config, quick_read_min_score=None)
    return config


def configured_engine(
    *,
    backend: str | None = None,
    precision: str | None = None,
    quick_read: bool | None = None,
    text_models: str | None = None,
) -> Engine:
    """This process's engine (one per process, reused for every page)."""
    return get_engine(
        engine_config(
            backend=backend, precision=precision, quick_read=quick_read, text_models=text_models
        )
    )


# A failed device check is asked again after this long: a driver installed or a device plugged
# in is then seen without a restart, and a broken install costs one check per interval, not one
# per request.
RETRY_FAILED_CHECK_S = 300.0
_reports: dict[tuple[str, str, str], tuple[float, dict[str, Any]]] = {}


def openvino_report(backend: str, precision: str, device: str) -> dict[str, Any]:
    """What OpenVINO says of this setting on this machine, asked once per process (a failure
    again after RETRY_FAILED_CHECK_S):
    {"devices": [...] or None, "precision": the one in force or None, "error": why not or None}.
    """
    key = (backend, precision, device)
    if key in _reports:
        asked_at, report = _reports[key]
        if report["error"] is None or time.monotonic() - asked_at < RETRY_FAILED_CHECK_S:
            return report
    report = _ask_openvino(backend, precision, device)
    _reports[key] = (time.monotonic(), report)
    return report


def _ask_openvino(backend: str, precision: str, device: str) -> dict[str, Any]:
    try:
        done = subprocess.run(
            [sys.executable, "-c", _REPORT, backend, precision, device],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=settings.BASE_DIR,
        )
    except subprocess.TimeoutExpired:
        return _failed("the OpenVINO device check did not answer in 60 s")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return _failed(f"the OpenVINO device check failed: {last}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _failed(error: str) -> dict[str, Any]:
    return {"devices": None, "precision": None, "error": error}


def precision_in_force(backend: str, precision: str) -> str:
    """The precision a setting runs at with the configured device: `auto` resolved (by the
    device's capabilities), a forced one as it is (the engine refuses it if it cannot run)."""
    if precision != "auto":
        return precision
    device = settings.OCR_ENGINE["DEVICE"]
    return openvino_report(backend, precision, device)["precision"] or precision
