"""`ocr_bench`'s `rapidocr` row: RapidOCR as a user installs it (`pip install rapidocr openvino`),
at its defaults with OpenVINO for its detection, classification and recognition models.

Its wheel ships its default models (PP-OCRv6 small det/rec, ch_ppocr_mobile_v2.0 cls), so it
runs offline as it is. It runs in a venv of its own, created by `ocr_bench`:

    data/bench/rapidocr-venv/bin/python -m documents.bench.rapidocr_worker
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from documents.bench.serve import OCR, box_of, serve


def build() -> tuple[OCR, str]:
    import rapidocr
    from rapidocr import EngineType, RapidOCR

    params = {f"{model}.engine_type": EngineType.OPENVINO for model in ("Det", "Cls", "Rec")}
    params["Global.log_level"] = "warning"  # its per-model INFO lines only; no effect on OCR
    engine = RapidOCR(params=params)

    def run(path: str) -> dict:
        result = engine(path)
        if result.boxes is None:  # nothing detected
            return {"lines": []}
        return {"lines": [[t, box_of(b)] for t, b in zip(result.txts, result.boxes, strict=True)]}

    bundled = sorted(p.name for p in (Path(rapidocr.__file__).parent / "models").glob("*.onnx"))
    return run, (
        f"RapidOCR {version('rapidocr')}, openvino {version('openvino')}, "
        f"its bundled models {', '.join(bundled)}"
    )


if __name__ == "__main__":
    serve(build)
