"""`ocr_bench`: our engine against the tools a user would pick instead, side by side in one run.

Rows (`--runs`): `stock` (PaddleOCR itself at its defaults), `rapidocr` (RapidOCR on OpenVINO, in
a venv of its own), `paddle` (our pipeline on the paddle backend), `default` (our engine as
configured) and any `backend:precision`, each of ours optionally with `+name=value` page options
and the engine settings `+quick_read=true|false` and `+text_models=NAME`.

Each run is a worker process of its own (so its peak RSS is its own and only one OpenVINO is
ever loaded in a process); the pages are sent to the workers in turn, page by page, so that the
machine's noise falls on all of them alike. Per run: total and median time, time ratio to the
reference row, peak RSS, bag-of-characters error per evaluation set and CER.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents.bench.metrics import bag_of_characters, cer, missing_characters, teds
from documents.bench.samples import (
    Sample,
    eval_samples,
    folder_samples,
    reading_order,
    warm_up_image,
)
from documents.engine.backends import BACKENDS, PRECISIONS
from documents.engine.registry import TEXT_MODELS
from documents.engine.types import PIPELINES
from documents.engine_settings import configured_engine
from documents.management.commands.ocr import parse_option

EVAL_DIR = settings.BASE_DIR.parent / "shared" / "eval"
DEFAULT_RUNS = {
    "ocr": "stock,rapidocr,paddle,default",
    "structure": "paddle,default",
    "table": "paddle,default",
}
PEERS = ("stock", "rapidocr")  # the other tools: they have no structure pipeline to compare
# Pinned so that the peer's figures mean the same from one run to the next; the same OpenVINO
# as ours, so the comparison is between the tools and not between OpenVINO releases.
RAPIDOCR_PACKAGES = ("rapidocr==3.10.0", "openvino==2026.4.1")
RAPIDOCR_VENV = settings.DATA_DIR / "bench" / "rapidocr-venv"


@dataclass(frozen=True)
class EngineRun:
    """One of our rows: backend and precision (None: as configured), page options, quick read,
    text models."""

    backend: str | None
    precision: str | None
    options: dict[str, Any]
    quick_read: bool | None = None
    text_models: str | None = None


def engine_run(spec: str) -> EngineRun:
    """`default`, `paddle` or `backend:precision`, each optionally followed by `+name=value`
    page options, `+quick_read=true|false` and `+text_models=NAME`."""
    base, *options = spec.split("+")
    parsed = dict(parse_option(o) for o in options)
    quick_read = parsed.pop("quick_read", None)
    if quick_read not in (None, True, False):
        raise CommandError(f"run {spec!r}: quick_read is true or false")
    text_models = parsed.pop("text_models", None)
    if text_models is not None and text_models not in TEXT_MODELS:
        raise CommandError(f"run {spec!r}: text_models is one of {', '.join(TEXT_MODELS)}")
    settings_ = {"quick_read": quick_read, "text_models": text_models}
    if base == "default":
        return EngineRun(None, None, parsed, **settings_)
    if base == "paddle":  # the stock reference: PaddleOCR's own models, in Paddle format
        settings_["text_models"] = text_models or "ppocrv5_mobile"
        return EngineRun("paddle", "f32", parsed, **settings_)
    backend, _, precision = base.partition(":")
    if backend not in BACKENDS or precision not in PRECISIONS:
        raise CommandError(
            f"unknown run {spec!r}: use stock, rapidocr, paddle, default or backend:precision "
            f"(backends {', '.join(BACKENDS)}; precisions {', '.join(PRECISIONS)})"
        )
    return EngineRun(backend, precision, parsed, **settings_)


def machine() -> str:
    model = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores"


@dataclass
class Figures:
    run: str
    description: str = ""
    seconds: list[float] = field(default_factory=list)
    inference: list[float] = field(default_factory=list)
    bag: dict[str, list[int]] = field(default_factory=dict)  # set -> [errors, reference chars]
    missing: dict[str, int] = field(default_factory=dict)  # set -> reference chars not read
    cer: dict[str, list[float]] = field(default_factory=dict)
    teds: list[float] = field(default_factory=list)
    failures: int = 0
    peak_rss_mb: float = 0.0
    rss_mb: list[float] = field(default_factory=list)

    def summary(self, reference_seconds: float | None) -> dict[str, Any]:
        total = sum(self.seconds)
        out: dict[str, Any] = {
            "run": self.run,
            "engine": self.description,
            "pages": len(self.seconds),
            "failures": self.failures,
            "total_s": round(total, 1),
            "median_s_per_page": round(statistics.median(self.seconds), 3)
            if self.seconds
            else None,
            "x_reference": round(reference_seconds / total, 2)
            if reference_seconds and total
            else None,
            "peak_rss_mb": round(self.peak_rss_mb),
            "bag_error": {s: round(e / n, 4) for s, (e, n) in sorted(self.bag.items()) if n},
            "missing": {
                s: round(self.missing[s] / n, 4) for s, (_, n) in sorted(self.bag.items()) if n
            },
            "cer": {s: round(statistics.mean(v), 4) for s, v in sorted(self.cer.items())},
        }
        chars = sum(n for _, n in self.bag.values())
        if chars:
            out["bag_error"]["all"] = round(sum(e for e, _ in self.bag.values()) / chars, 4)
            out["missing"]["all"] = round(sum(self.missing.values()) / chars, 4)
        all_cer = [e for v in self.cer.values() for e in v]
        if all_cer:
            out["cer"]["all"] = round(statistics.mean(all_cer), 4)
        if self.inference:
            out["non_inference_share"] = round(1 - sum(self.inference) / total, 3)
        if self.teds:
            out["teds"] = round(statistics.mean(self.teds), 4)
            out["teds_min"] = round(min(self.teds), 4)
        if len(self.rss_mb) > 20:  # a soak: does memory grow after the first pages?
            out["rss_mb_after_pages"] = {20: round(self.rss_mb[19])}
            out["rss_mb_after_pages"][len(self.rss_mb)] = round(self.rss_mb[-1])
        return out


class Command(BaseCommand):
    help = "Benchmark our engine against stock PaddleOCR and RapidOCR: speed, memory, accuracy."
    requires_system_checks = []  # an engine tool: it needs models, not the web app

    def add_arguments(self, parser):
        parser.add_argument(
            "--pipeline",
            choices=PIPELINES,
            default="ocr",
            help="table: the table crops only (pubtabnet), scored by TEDS",
        )
        parser.add_argument(
            "--runs",
            help="comma-separated rows: stock, rapidocr, paddle, default, backend:precision, "
            "ours with +name=value options (default: "
            + "; ".join(f"{p}: {r}" for p, r in DEFAULT_RUNS.items())
            + ")",
        )
        parser.add_argument("--images", type=Path, help="a folder of images to add (speed only)")
        parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
        parser.add_argument("--per-set", type=int, help="pages per evaluation set (default: all)")
        parser.add_argument(
            "--pages", type=int, help="cycle through the pages until this many (soak)"
        )
        parser.add_argument("--json", action="store_true", help="print JSON for machines")
        parser.add_argument("--worker", metavar="RUN", help="internal: serve one of our rows")

    def handle(self, *args, **opts):
        pipeline = opts["pipeline"]
        if opts["worker"]:
            return self.work(opts["worker"], pipeline)
        runs = (opts["runs"] or DEFAULT_RUNS[pipeline]).split(",")
        for run in runs:
            if run in PEERS:
                if pipeline != "ocr":
                    raise CommandError(f"the {run} row is for the ocr pipeline only")
            else:
                engine_run(run)  # a typo fails now, not after minutes of loading
        with tempfile.TemporaryDirectory(prefix="ocr-bench-") as tmp:
            samples = self.samples(opts, Path(tmp))
            report = self.measure_all(runs, pipeline, samples, warm_up_image(Path(tmp)), opts)
        if opts["json"]:
            self.stdout.write(json.dumps(report, indent=1, ensure_ascii=False))
        else:
            self.print_table(report)

    def samples(self, opts: dict, tmp: Path) -> list[Sample]:
        samples = []
        if opts["eval_dir"].is_dir():
            samples = eval_samples(
                opts["eval_dir"],
                opts["per_set"],
                tmp,
                dpi=settings.PDF_DPI,
                max_pixels=settings.MAX_PAGE_PIXELS,
            )
        if opts["pipeline"] == "table":  # the whole image is read as one table
            samples = [s for s in samples if s.table_html is not None]
        if opts["images"]:
            samples += folder_samples(opts["images"])
        if not samples:
            raise CommandError(f"no images: {opts['eval_dir']} is missing and no --images given")
        if opts["pages"]:
            samples = [samples[i % len(samples)] for i in range(opts["pages"])]
        return samples

    def measure_all(
        self, runs: list[str], pipeline: str, samples: list[Sample], warm_up: Path, opts: dict
    ) -> dict[str, Any]:
        figures = {run: Figures(run) for run in runs}
        workers = {}
        try:
            for run in runs:
                workers[run], figures[run].description = self.start(run, pipeline)
                self.ask(workers[run], run, warm_up)
            started = time.time()
            for i, sample in enumerate(samples):
                # Each page starts with another worker, so no row always follows the same one.
                for run in runs[i % len(runs) :] + runs[: i % len(runs)]:
                    self.score(self.ask(workers[run], run, sample.path), sample, figures[run])
                if not opts["json"] and (i + 1) % 10 == 0:
                    self.stderr.write(
                        f"{i + 1}/{len(samples)} pages, {time.time() - started:.0f} s"
                    )
        finally:
            for worker in workers.values():
                worker.stdin.close()
                worker.wait(timeout=60)
        # x stock: the stock row's total time over each row's; without it, the first paddle row.
        ours = [r for r in runs if r not in PEERS]
        reference = (
            "stock"
            if "stock" in runs
            else next((r for r in ours if engine_run(r).backend == "paddle"), None)
        )
        reference_seconds = sum(figures[reference].seconds) if reference else None
        return {
            "date": datetime.now().astimezone().isoformat(timespec="minutes"),
            "machine": machine(),
            "pipeline": pipeline,
            "pages": len(samples),
            "pages_with_ground_truth": sum(s.reference is not None for s in samples),
            "sets": sorted({s.set for s in samples}),
            "reference": reference,
            "runs": [figures[r].summary(reference_seconds) for r in runs],
        }

    def start(self, run: str, pipeline: str) -> tuple[subprocess.Popen, str]:
        """A worker for this row, ready to read pages, and the description it gives of itself."""
        if run == "stock":
            models = settings.OCR_ENGINE["MODELS_DIR"]
            command = [sys.executable, "-m", "documents.bench.stock_worker", models]
        elif run == "rapidocr":
            command = [str(self.rapidocr_python()), "-m", "documents.bench.rapidocr_worker"]
        else:
            command = [sys.executable, "manage.py", "ocr_bench", "--worker", run]
            command += ["--pipeline", pipeline]
        worker = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        ready = worker.stdout.readline()
        if not ready.startswith('{"ready"'):
            worker.kill()
            raise CommandError(f"the {run} worker did not start (its error is above)")
        return worker, json.loads(ready)["ready"]

    def rapidocr_python(self) -> Path:
        """The RapidOCR venv's python; the venv is made (or remade) when its pins change."""
        python = RAPIDOCR_VENV / "bin" / "python"
        stamp = RAPIDOCR_VENV / "ocrsite-pins.txt"
        pins = "\n".join(RAPIDOCR_PACKAGES)
        if python.exists() and stamp.exists() and stamp.read_text() == pins:
            return python
        steps = (
            [sys.executable, "-m", "venv", "--clear", str(RAPIDOCR_VENV)],
            [str(python), "-m", "pip", "install", "--quiet", *RAPIDOCR_PACKAGES],
        )
        for step in steps:
            self.stderr.write("rapidocr venv: " + " ".join(step))
            if subprocess.run(step).returncode:
                raise CommandError("could not set up the RapidOCR venv (see above)")
        stamp.write_text(pins)
        return python

    def ask(self, worker: subprocess.Popen, run: str, path: Path) -> dict[str, Any]:
        worker.stdin.write(f"{path}\n")
        worker.stdin.flush()
        answer = worker.stdout.readline()
        if not answer:
            raise CommandError(f"the {run} worker stopped at {path} (its error is above)")
        return json.loads(answer)

    def score(self, answer: dict[str, Any], sample: Sample, figures: Figures) -> None:
        figures.peak_rss_mb = answer["peak_rss_mb"]
        figures.rss_mb.append(answer["rss_mb"])
        if "error" in answer:
            figures.failures += 1
            self.stderr.write(f"{figures.run} failed on {sample.path}: {answer['error']}")
            return
        figures.seconds.append(answer["seconds"])
        if answer.get("inference") is not None:
            figures.inference.append(answer["inference"])
        if sample.reference is not None:
            text = reading_order([(t, tuple(box)) for t, box in answer["lines"]])
            errors = bag_of_characters(sample.reference, text, casefold=sample.casefold)
            bag = figures.bag.setdefault(sample.set, [0, 0])
            bag[0], bag[1] = bag[0] + errors[0], bag[1] + errors[1]
            missing = missing_characters(sample.reference, text, casefold=sample.casefold)
            figures.missing[sample.set] = figures.missing.get(sample.set, 0) + missing
            error = cer(sample.reference, text, casefold=sample.casefold)
            figures.cer.setdefault(sample.set, []).append(error)
        if sample.table_html is not None and "tables" in answer:
            predicted = answer["tables"][0] if answer["tables"] else ""
            figures.teds.append(teds(predicted, sample.table_html))

    def work(self, run: str, pipeline: str) -> None:
        """Worker side for our rows: the engine, warmed, answering one JSON line per page."""
        from documents.bench.serve import box_of, serve
        from documents.engine.pipeline import resolve_options

        spec = engine_run(run)
        options = spec.options

        def build():
            engine = configured_engine(
                backend=spec.backend,
                precision=spec.precision,
                quick_read=spec.quick_read,
                text_models=spec.text_models,
            )
            resolve_options(pipeline, options, engine.installed())  # bad options fail at start
            engine.warm((pipeline,))

            def ocr(path: str) -> dict[str, Any]:
                result = engine.run(path, pipeline=pipeline, options=options)
                answer = {
                    "lines": [[li.text, box_of(li.box)] for li in result.lines],
                    "inference": result.timings.get("inference"),
                }
                if pipeline != "ocr":
                    answer["tables"] = [b.table.html for b in result.blocks if b.table]
                return answer

            info = engine.info()
            extra = "".join(f" +{k}={v}" for k, v in options.items())
            quick = f", lines read first by {info['quick_reader']}" if info["quick_reader"] else ""
            text = info["text_models"]
            return ocr, f"ours: {info['backend']} {info['precision']}, {text}{quick}{extra}"

        serve(build)

    def print_table(self, report: dict[str, Any]) -> None:
        rows = report["runs"]
        sets = [s for s in report["sets"] if any(s in r["bag_error"] for r in rows)]
        ratio = f"x {report['reference'] or 'ref'}"
        has_teds = any("teds" in r for r in rows)
        self.stdout.write(f"{report['date']}, {report['machine']}")
        self.stdout.write(
            f"pipeline {report['pipeline']}: {report['pages']} pages "
            f"({report['pages_with_ground_truth']} with ground truth) from "
            + ", ".join(report["sets"])
        )
        if report["reference"] is None:
            self.stdout.write("no stock or paddle row: no time ratio")
        elif report["reference"] != "stock":
            self.stdout.write(f"no stock row: {ratio} is the time ratio to {report['reference']}")
        width = max(len(r["run"]) for r in rows)
        self.stdout.write(
            f"{'run':{width}} {'total s':>8} {'s/page':>7} {ratio:>8} {'peak MB':>7}"
            + "".join(f" {s[:10]:>10}" for s in sets)
            + f" {'bag all':>8} {'CER all':>8}"
            + (f" {'TEDS':>6} {'min':>6}" if has_teds else "")
        )

        def number(value: float | None, spec: str, width: int) -> str:
            return f"{value:{width}{spec}}" if value is not None else f"{'-':>{width}}"

        for r in rows:
            bag = r["bag_error"]
            self.stdout.write(
                f"{r['run']:{width}} {r['total_s']:8.1f} "
                f"{number(r['median_s_per_page'], '.3f', 7)} "
                f"{number(r['x_reference'], '.2f', 8)} {r['peak_rss_mb']:7}"
                + "".join(f" {number(bag.get(s), '.4f', 10)}" for s in sets)
                + f" {number(bag.get('all'), '.4f', 8)} {number(r['cer'].get('all'), '.4f', 8)}"
                + (
                    f" {number(r.get('teds'), '.4f', 6)} {number(r.get('teds_min'), '.4f', 6)}"
                    if has_teds
                    else ""
                )
            )
        if sets:
            # Beside the bag error, under the same set columns.
            self.stdout.write(
                f"{'missing:':{width + 34}}"
                + "".join(f" {s[:10]:>10}" for s in sets)
                + f" {'all':>8}"
            )
            for r in rows:
                missing = r["missing"]
                self.stdout.write(
                    f"{r['run']:{width + 34}}"
                    + "".join(f" {number(missing.get(s), '.4f', 10)}" for s in sets)
                    + f" {number(missing.get('all'), '.4f', 8)}"
                )
        for r in rows:
            notes = [r["engine"]]
            if r["failures"]:
                notes.append(f"{r['failures']} pages failed (not in the time)")
            if "rss_mb_after_pages" in r:
                notes.append(
                    "RSS "
                    + ", ".join(
                        f"after {n} pages {mb} MB" for n, mb in r["rss_mb_after_pages"].items()
                    )
                )
            self.stdout.write(f"{r['run']}: " + "; ".join(notes))
        self.stdout.write(
            f"total s: sum over the pages; s/page: median; {ratio}: total time of "
            f"{report['reference'] or 'the reference'} over the row's (same run). bag = "
            "bag-of-characters error (NFKC, whitespace removed; max(missing, extra) / reference "
            "characters, summed per set); missing = the reference's characters not read / "
            "reference characters (text the ground truth leaves out is not counted); CER = edit "
            "distance / reference length, lines in reading order, mean over pages."
            + (" TEDS: tables of pubtabnet, mean and lowest." if has_teds else "")
        )
