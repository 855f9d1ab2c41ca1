"""The OCR engine: PaddleOCR pipelines on local models, plain Python with no Django import.

engine = get_engine(EngineConfig(models_dir="data/models", backend="openvino"))
page = engine.run("scan.png", pipeline="structure", options={"use_table_recognition": True})
"""

from .errors import BadImageError, EngineError, ModelMissingError
from .pipeline import Engine, EngineConfig, get_engine
from .types import Block, Line, PageResult, Table, TableCell

__all__ = [
    "BadImageError",
    "Block",
    "Engine",
    "EngineConfig",
    "EngineError",
    "Line",
    "ModelMissingError",
    "PageResult",
    "Table",
    "TableCell",
    "get_engine",
]
