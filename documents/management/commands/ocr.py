"""`ocr FILE`: run the engine on one file and print the result, page by page."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents.engine import EngineError
from documents.engine.backends import BACKENDS, PRECISIONS
from documents.engine.pages import iter_pages
from documents.engine.types import PIPELINES
from documents.engine_settings import configured_engine


def parse_option(text: str) -> tuple[str, object]:
    """`name=value` with PaddleOCR's option names; true/false and numbers are typed."""
    name, sep, value = text.partition("=")
    if not sep:
        raise CommandError(f"--option takes name=value, not {text!r}")
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return name.strip(), lowered == "true"
    try:
        return name.strip(), float(value) if "." in value else int(value)
    except ValueError:
        return name.strip(), value


class Command(BaseCommand):
    requires_system_checks = []  # an engine tool: it needs models, not the web app
    help = "OCR one image, multi-page TIFF or PDF and print the result (json, txt or md)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--pipeline", choices=PIPELINES, default="structure")
        parser.add_argument("--backend", choices=BACKENDS)
        parser.add_argument("--precision", choices=PRECISIONS)
        parser.add_argument("--format", choices=("json", "txt", "md"), default="txt")
        parser.add_argument(
            "--option",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a pipeline option, e.g. use_doc_orientation_classify=true (repeatable)",
        )

    def handle(self, *args, file, pipeline, backend, precision, format, option, **kwargs):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        options = dict(parse_option(o) for o in option)
        try:
            engine = configured_engine(backend=backend, precision=precision)
            pages = iter_pages(file, dpi=settings.PDF_DPI, max_pixels=settings.MAX_PAGE_PIXELS)
            results = []
            for page in pages:
                result = engine.run(page.image, pipeline=pipeline, options=options)
                if format == "json":
                    results.append({"page": page.number, **result.to_dict()})
                else:
                    if page.number > 1:
                        self.stdout.write(f"\n--- page {page.number} ---\n")
                    self.stdout.write(result.text if format == "txt" else result.markdown)
        except (EngineError, ValueError) as e:
            raise CommandError(f"{file}: {e}") from e
        if format == "json":
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=1))
