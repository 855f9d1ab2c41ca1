"""System checks: `manage.py serve`, `qcluster` and `runserver` refuse to start on an engine
setting that cannot run here, rather than fail every page later."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from .engine.registry import TEXT_MODELS
from .engine_settings import openvino_report


@register()
def engine_device_check(
    app_configs: list[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """OCRSITE_DEVICE is present and OCRSITE_PRECISION runs on it (OpenVINO's own answer)."""
    engine = settings.OCR_ENGINE
    backend, precision, device = engine["BACKEND"], engine["PRECISION"], engine["DEVICE"]
    if (backend, device) == ("openvino", "CPU") and precision in ("auto", "f32"):
        return []  # always runs: no need to start OpenVINO (half a second) for every command
    error = openvino_report(backend, precision, device)["error"]
    if error is None:
        return []
    return [
        Error(
            error,
            hint="Change OCRSITE_DEVICE, OCRSITE_PRECISION or OCRSITE_BACKEND in the environment.",
            id="documents.E001",
        )
    ]


@register()
def text_models_check(
    app_configs: list[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """OCRSITE_TEXT_MODELS names a text model set the engine knows."""
    if settings.OCR_ENGINE["TEXT_MODELS"] in TEXT_MODELS:
        return []
    return [
        Error(
            f"OCRSITE_TEXT_MODELS={settings.OCR_ENGINE['TEXT_MODELS']!r} is not a text model set",
            hint=f"Use one of {', '.join(TEXT_MODELS)}.",
            id="documents.E002",
        )
    ]
