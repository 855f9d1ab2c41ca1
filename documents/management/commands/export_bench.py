"""`python manage.py export_bench`: seconds to export a 50-page document in each format.

By default the document is the rendered sample (documents/bench/export_sample.py: PNG pages with a
title, Chinese and English lines and a table, as the backend stores them); `--document ID`
times a stored document instead, reading it from the database included.
"""

from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.bench.export_sample import sample_document
from documents.exports import FORMATS, export_document
from documents.exports.document import ExportDocument
from documents.exports.from_models import export_from_model
from documents.exports.zip import write_zip
from documents.models import Document


class Command(BaseCommand):
    help = "Time the export of a document in every format (target: under 10 s each for 50 pages)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pages", type=int, default=50, help="Pages of the sample.")
        parser.add_argument("--document", type=int, help="Time this stored document instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        with tempfile.TemporaryDirectory() as folder:
            if options["document"]:
                try:
                    stored = Document.objects.get(pk=options["document"])
                except Document.DoesNotExist:
                    raise CommandError(f"No document {options['document']}.") from None
                load = lambda: export_from_model(stored)  # noqa: E731
            else:
                start = time.perf_counter()
                doc = sample_document(Path(folder), options["pages"])
                self.stdout.write(f"rendered {len(doc.pages)} pages in {_since(start):.2f} s")
                load = lambda: doc  # noqa: E731
            self._bench(load)

    def _bench(self, load: Any) -> None:
        start = time.perf_counter()
        doc: ExportDocument = load()
        self.stdout.write(f"read      {_since(start):7.3f} s  ({len(doc.pages)} pages)")
        for fmt in FORMATS:
            start = time.perf_counter()
            exported = export_document(load(), fmt)
            self.stdout.write(f"{fmt:<8}  {_since(start):7.3f} s  {len(exported.data):>10} bytes")
        start = time.perf_counter()
        out = io.BytesIO()
        write_zip([load()], list(FORMATS), out)
        self.stdout.write(f"{'zip(all)':<8}  {_since(start):7.3f} s  {out.tell():>10} bytes")


def _since(start: float) -> float:
    return time.perf_counter() - start
