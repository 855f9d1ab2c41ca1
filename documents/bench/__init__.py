"""`ocr_bench`'s parts: the evaluation pages and the worker processes that OCR them.

The workers' modules import neither Django nor the engine: the RapidOCR worker runs in a venv of
its own, the stock PaddleOCR worker with nothing of ours loaded.
"""
