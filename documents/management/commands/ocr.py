"""`ocr FILE_OR_DIR... [--out DIR]`: run one engine over many files, one result per file.

Without --out the results go to stdout (one file: exactly that file's result; several: each under
a `==> name <==` header) and the per-file lines to stderr; with --out each result is a file in DIR
and the per-file lines go to stdout.
"""

import json
import os
import time
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents.engine import Engine, EngineError
from documents.engine.backends import BACKENDS, PRECISIONS
from documents.engine.pages import SUFFIXES, iter_pages
from documents.engine.pipeline import resolve_options
from documents.engine.registry import TEXT_MODELS
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


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def collect(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files to read, in order and each once, and the arguments that give none (why).
    A folder gives its files of a supported type by name; a file named is read whatever its name."""
    files: list[Path] = []
    failed: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()
            )
            if not found:
                failed.append((path, "no PDF or image files in this folder"))
            files += found
        elif path.exists():
            files.append(path)
        else:
            failed.append((path, "no such file or folder"))
    return list(dict.fromkeys(files)), failed


def output_names(files: list[Path], suffix: str) -> dict[Path, Path]:
    """Each file's output path under --out: its path below the files' common folder, so that
    a.pdf in two folders gives two outputs; a.pdf beside a.png keeps its suffix (a.pdf.txt)."""
    base = os.path.commonpath([os.path.abspath(f.parent) for f in files])
    below = {f: Path(os.path.relpath(os.path.abspath(f), base)) for f in files}
    plain = {f: p.with_suffix(suffix) for f, p in below.items()}
    counts = Counter(plain.values())
    return {
        f: plain[f] if counts[plain[f]] == 1 else p.with_name(p.name + suffix)
        for f, p in below.items()
    }


def read_file(
    engine: Engine, path: Path, *, pipeline: str, options: dict, format: str
) -> tuple[str, int]:
    """The file's result in `format` as one text, and its number of pages."""
    parts: list[str] = []
    results = []
    pages = 0
    for page in iter_pages(path, dpi=settings.PDF_DPI, max_pixels=settings.MAX_PAGE_PIXELS):
        result = engine.run(page.image, pipeline=pipeline, options=options)
        pages = page.number
        if format == "json":
            results.append({"page": page.number, **result.to_dict()})
        else:
            if page.number > 1:
                parts.append(f"\n--- page {page.number} ---\n")
            parts.append(result.text if format == "txt" else result.markdown)
    if format == "json":
        parts = [json.dumps(results, ensure_ascii=False, indent=1)]
    # Each part ends with one newline, as the one-file command has always printed it.
    return "".join(p if p.endswith("\n") else p + "\n" for p in parts), pages


def write_atomically(target: Path, text: str) -> None:
    """A temporary file beside `target`, renamed over it: an interrupted run or a reader never
    sees half a result under the final name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    requires_system_checks = []  # an engine tool: it needs models, not the web app
    help = (
        "OCR images, multi-page TIFFs and PDFs (files, or folders read recursively) with one "
        "engine; print the results or write one file per input to --out (json, txt or md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DIR")
        parser.add_argument("--out", type=Path, metavar="DIR", help="one result file per input")
        parser.add_argument("--pipeline", choices=PIPELINES, default="structure")
        parser.add_argument("--backend", choices=BACKENDS)
        parser.add_argument("--precision", choices=PRECISIONS)
        parser.add_argument("--text-models", choices=TEXT_MODELS)
        parser.add_argument("--format", choices=("json", "txt", "md"), default="txt")
        parser.add_argument(
            "--option",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a pipeline option, e.g. use_doc_orientation_classify=true (repeatable)",
        )

    def handle(
        self, *args, paths, out, pipeline, backend, precision, text_models, format, option, **kw
    ):
        options = dict(parse_option(o) for o in option)
        try:
            engine = configured_engine(
                backend=backend, precision=precision, text_models=text_models
            )
            # The options are the same for every file: a bad one fails the command once, up front.
            resolve_options(pipeline, options, engine.installed())
            engine.warm((pipeline,))  # load the models now: the first file's seconds are its own
        except (EngineError, ValueError) as e:
            raise CommandError(str(e)) from e

        files, failed = collect(paths)
        for path, why in failed:
            self.stderr.write(f"{path}: {why}")
        total = len(files) + len(failed)
        names = output_names(files, f".{format}") if out and files else {}
        report = self.stdout if out else self.stderr  # without --out stdout carries the results
        done = pages_done = 0
        started = time.perf_counter()
        for path in files:
            file_started = time.perf_counter()
            try:
                text, pages = read_file(
                    engine, path, pipeline=pipeline, options=options, format=format
                )
                if out:
                    write_atomically(out / names[path], text)
            except (EngineError, ValueError, OSError) as e:  # this file's fault: go on
                self.stderr.write(f"{path}: {e}")
                failed.append((path, str(e)))
                continue
            if not out:
                if total > 1:
                    self.stdout.write(("\n" if done else "") + f"==> {path} <==")
                self.stdout.write(text, ending="")
            done, pages_done = done + 1, pages_done + pages
            seconds = time.perf_counter() - file_started
            report.write(f"{path}  {plural(pages, 'page')}  {seconds:.2f} s")

        elapsed = time.perf_counter() - started
        per_page = f" ({elapsed / pages_done:.2f} s per page)" if pages_done else ""
        pages_read = plural(pages_done, "page")
        report.write(f"{done} of {total} files, {pages_read} in {elapsed:.2f} s{per_page}")
        if failed:
            raise CommandError(f"{len(failed)} of {total} files failed")
