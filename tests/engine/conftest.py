import os
from pathlib import Path

import pytest

from documents.engine import Engine, EngineConfig, get_engine

MODELS_DIR = Path(
    os.environ.get("OCRSITE_MODELS_DIR", Path(__file__).parents[2] / "data" / "models")
)


@pytest.fixture(scope="session")
def models_dir() -> Path:
    if not (MODELS_DIR / "PP-OCRv5_mobile_det" / "inference.yml").exists():
        pytest.fail(f"no models in {MODELS_DIR}: run `python manage.py ocr_models install`")
    return MODELS_DIR


@pytest.fixture(scope="session")
def engine(models_dir, tmp_path_factory) -> Engine:
    """The default engine with f32 forced (stock PaddleOCR's text on any CPU), loaded once for
    the whole session."""
    cache = tmp_path_factory.mktemp("ov-cache")
    return get_engine(
        EngineConfig(models_dir=str(models_dir), precision="f32", cache_dir=str(cache))
    )
