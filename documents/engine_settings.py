"""The bridge from Django settings to the engine's configuration (the engine never reads them)."""

from django.conf import settings

from .engine import Engine, EngineConfig, get_engine


def engine_config(*, backend: str | None = None, precision: str | None = None) -> EngineConfig:
    """The configured engine, with the backend and precision optionally overridden."""
    cfg = settings.OCR_ENGINE
    return EngineConfig(
        models_dir=cfg["MODELS_DIR"],
        backend=backend or cfg["BACKEND"],
        precision=precision or cfg["PRECISION"],
        threads=cfg["THREADS"],
        cache_dir=cfg["CACHE_DIR"],
        max_pixels=settings.MAX_PAGE_PIXELS,
    )


def configured_engine(*, backend: str | None = None, precision: str | None = None) -> Engine:
    """This process's engine (one per process, reused for every page)."""
    return get_engine(engine_config(backend=backend, precision=precision))
