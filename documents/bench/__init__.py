"""The benchmarks' parts: `ocr_bench`'s evaluation pages, the worker processes that OCR them and
the accuracy measures that score them; `export_bench`'s sample document. Nothing the site runs
imports this package: the tests and the bench commands do.

The workers' modules import neither Django nor the engine: the RapidOCR worker runs in a venv of
its own, the stock PaddleOCR worker with nothing of ours loaded.
"""
