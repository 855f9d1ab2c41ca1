"""Exports are checked on pages rendered here with a real CJK font and text chosen here
(documents/bench/export_sample.py); the API tests run the real engine through the real queue."""

from __future__ import annotations

from pathlib import Path

import pytest

from documents.bench.export_sample import sample_document
from documents.exports.document import ExportDocument


@pytest.fixture
def sample(tmp_path: Path) -> ExportDocument:
    """Two pages, each a title, four Chinese and English lines and a table with a merged cell."""
    return sample_document(tmp_path / "pages", 2)
