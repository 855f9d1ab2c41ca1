"""`ocr_bench`: every backend side by side on the same pages, in one run.

Each backend runs in a worker process of its own (so its peak RSS is its own and only one
OpenVINO is ever loaded in a process); the pages are sent to the workers in turn, page by page,
so that the machine's noise falls on all of them alike. Figures per backend: median s/page,
pages/min, peak RSS, inference share, CER per evaluation set, ratio to the `paddle` reference.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents.engine.metrics import cer, teds
from documents.engine_settings import configured_engine

EVAL_DIR = settings.BASE_DIR.parent / "shared" / "eval"
RUNS = (("paddle", "f32"), ("onnxruntime", "f32"), ("openvino", "f32"), ("openvino", "bf16"))
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}


@dataclass(frozen=True)
class Sample:
    set: str
    path: Path
    reference: str | None  # ground-truth text, lines in reading order; None: speed only
    casefold: bool
    table_html: str | None = None  # ground-truth table (pubtabnet), scored by TEDS


def reading_order(items: list[tuple[str, tuple[float, float, float, float]]]) -> str:
    """Lines sorted top to bottom, left to right within a band, so that ground truth and OCR
    whose line order differs (columns, key-value forms) are compared on the same footing."""
    ordered = sorted(items, key=lambda t: (int((t[1][1] + t[1][3]) / 2 // 20), t[1][0]))
    return "\n".join(text for text, _ in ordered)


def eval_samples(eval_dir: Path, per_set: int) -> list[Sample]:
    samples = []
    for gt in sorted(eval_dir.glob("*/gt.jsonl")):
        rows = [json.loads(line) for line in gt.read_text().split("\n") if line.strip()]
        for row in rows[:per_set]:
            lines = [
                (li["text"], tuple(li["box"])) for li in row.get("lines") or [] if li.get("box")
            ]
            samples.append(
                Sample(
                    set=gt.parent.name,
                    path=gt.parent / row["image"],
                    reference=reading_order(lines) if lines else None,
                    casefold=gt.parent.name == "sroie",  # its ground truth is upper-case
                    table_html=row.get("html"),
                )
            )
    return samples


def folder_samples(folder: Path) -> list[Sample]:
    return [
        Sample(folder.name, p, None, False)
        for p in sorted(folder.rglob("*"))
        if p.suffix.lower() in IMAGE_SUFFIXES
    ]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


@dataclass
class Figures:
    label: str
    seconds: list[float] = field(default_factory=list)
    inference: list[float] = field(default_factory=list)
    errors: dict[str, list[float]] = field(default_factory=dict)
    teds: list[float] = field(default_factory=list)
    failures: int = 0
    peak_rss_mb: float = 0.0
    rss_mb: list[float] = field(default_factory=list)

    def summary(self, reference: Figures | None) -> dict:
        median = statistics.median(self.seconds) if self.seconds else float("nan")
        total = sum(self.seconds)
        out = {
            "backend": self.label,
            "pages": len(self.seconds),
            "failures": self.failures,
            "median_s_per_page": round(median, 3),
            "pages_per_min": round(60 * len(self.seconds) / total, 1) if total else None,
            "peak_rss_mb": round(self.peak_rss_mb),
            "cer": {k: round(statistics.mean(v), 4) for k, v in sorted(self.errors.items())},
        }
        if self.inference:
            out["non_inference_share"] = round(1 - sum(self.inference) / total, 3)
        if len(self.rss_mb) > 20:  # a soak: does memory grow after the first pages?
            out["rss_mb_after_20"] = round(self.rss_mb[19])
            out[f"rss_mb_after_{len(self.rss_mb)}"] = round(self.rss_mb[-1])
        if self.teds:
            out["teds"] = round(statistics.mean(self.teds), 4)
        all_errors = [e for v in self.errors.values() for e in v]
        if all_errors:
            out["cer"]["all"] = round(statistics.mean(all_errors), 4)
        if reference and reference.seconds and self.seconds:
            out["speedup_vs_paddle"] = round(statistics.median(reference.seconds) / median, 2)
        return out


class Command(BaseCommand):
    help = "Benchmark every backend side by side: speed, memory and accuracy."
    requires_system_checks = []  # an engine tool: it needs models, not the web app

    def add_arguments(self, parser):
        parser.add_argument("--pipeline", choices=("ocr", "structure"), default="ocr")
        parser.add_argument("--images", type=Path, help="a folder of images to add (no CER)")
        parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
        parser.add_argument("--per-set", type=int, default=5, help="images per evaluation set")
        parser.add_argument(
            "--pages", type=int, help="cycle through the images until this many pages (soak)"
        )
        parser.add_argument(
            "--backends",
            default=",".join(f"{b}:{p}" for b, p in RUNS),
            help="comma-separated backend:precision list (the first paddle run is the reference)",
        )
        parser.add_argument("--json", action="store_true", help="print JSON for machines")
        parser.add_argument("--worker", nargs=2, metavar=("BACKEND", "PRECISION"), help="internal")

    def handle(self, *args, **opts):
        if opts["worker"]:
            return self.work(*opts["worker"], opts["pipeline"])
        samples = (
            eval_samples(opts["eval_dir"], opts["per_set"]) if opts["eval_dir"].is_dir() else []
        )
        if opts["images"]:
            samples += folder_samples(opts["images"])
        if not samples:
            raise CommandError(f"no images: {opts['eval_dir']} is missing and no --images given")
        if opts["pages"]:
            samples = [samples[i % len(samples)] for i in range(opts["pages"])]
        runs = [tuple(r.split(":")) for r in opts["backends"].split(",")]
        workers = {run: self.start(run, opts["pipeline"]) for run in runs}
        figures = {run: Figures(f"{run[0]} {run[1]}") for run in runs}
        started = time.time()
        for i, sample in enumerate(samples, 1):
            for run, worker in workers.items():
                self.measure(worker, sample, figures[run])
            if not opts["json"] and i % 10 == 0:
                self.stderr.write(f"{i}/{len(samples)} pages, {time.time() - started:.0f} s")
        for worker in workers.values():
            worker.stdin.close()
            worker.wait(timeout=60)
        reference = next((figures[r] for r in runs if r[0] == "paddle"), None)
        report = {
            "pipeline": opts["pipeline"],
            "pages": len(samples),
            "sets": sorted({s.set for s in samples}),
            "backends": [figures[r].summary(reference) for r in runs],
        }
        if opts["json"]:
            self.stdout.write(json.dumps(report, indent=1))
        else:
            self.print_table(report)

    def start(self, run: tuple[str, str], pipeline: str) -> subprocess.Popen:
        command = [
            sys.executable,
            "manage.py",
            "ocr_bench",
            "--worker",
            *run,
            "--pipeline",
            pipeline,
        ]
        worker = subprocess.Popen(
            command, cwd=settings.BASE_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        ready = worker.stdout.readline()
        if not ready.startswith("ready"):
            raise CommandError(f"the {' '.join(run)} worker did not start")
        return worker

    def measure(self, worker: subprocess.Popen, sample: Sample, figures: Figures) -> None:
        worker.stdin.write(f"{sample.path}\n")
        worker.stdin.flush()
        answer = json.loads(worker.stdout.readline())
        figures.peak_rss_mb = answer["peak_rss_mb"]
        figures.rss_mb.append(answer["rss_mb"])
        if "error" in answer:
            figures.failures += 1
            return
        figures.seconds.append(answer["seconds"])
        if answer.get("inference") is not None:
            figures.inference.append(answer["inference"])
        if sample.reference is not None:
            error = cer(sample.reference, answer["text"], casefold=sample.casefold)
            figures.errors.setdefault(sample.set, []).append(error)
        if sample.table_html is not None and "tables" in answer:
            figures.teds.append(
                teds(answer["tables"][0] if answer["tables"] else "", sample.table_html)
            )

    def work(self, backend: str, precision: str, pipeline: str) -> None:
        """Worker side: warm the engine, then answer one JSON line per image path read."""
        from documents.engine import EngineError

        engine = configured_engine(backend=backend, precision=precision)
        engine.warm((pipeline,))
        print("ready", flush=True)
        for path in sys.stdin:
            started = time.perf_counter()
            try:
                result = engine.run(path.strip(), pipeline=pipeline)
            except EngineError as e:
                answer = {"error": str(e)}
            else:
                answer = {
                    "seconds": time.perf_counter() - started,
                    "inference": result.timings.get("inference"),
                    "text": reading_order([(li.text, li.box) for li in result.lines]),
                }
                if pipeline == "structure":
                    answer["tables"] = [b.table.html for b in result.blocks if b.table]
            answer.update(peak_rss_mb=peak_rss_mb(), rss_mb=current_rss_mb())
            print(json.dumps(answer, ensure_ascii=False), flush=True)

    def print_table(self, report: dict) -> None:
        rows = report["backends"]
        sets = sorted({k for r in rows for k in r["cer"]})
        sources = ", ".join(report["sets"])
        self.stdout.write(f"pipeline {report['pipeline']}, {report['pages']} pages from {sources}")
        head = (
            f"{'backend':18} {'s/page':>7} {'pages/min':>9} {'x paddle':>8} {'peak MB':>8} "
            f"{'non-inf':>7}"
        )
        self.stdout.write(head + "".join(f" {s[:12]:>12}" for s in sets))
        for r in rows:
            share = r.get("non_inference_share")
            line = (
                f"{r['backend']:18} {r['median_s_per_page']:7.3f} {r['pages_per_min'] or 0:9.1f} "
                f"{r.get('speedup_vs_paddle', float('nan')):8.2f} {r['peak_rss_mb']:8} "
                f"{'' if share is None else f'{share:.0%}':>7}"
            )
            self.stdout.write(
                line + "".join(f" {r['cer'].get(s, float('nan')):12.4f}" for s in sets)
            )
            if "teds" in r:
                self.stdout.write(f"  table TEDS (pubtabnet) {r['teds']:.4f}")
            if r["failures"]:
                self.stdout.write(f"  {r['failures']} pages failed")
            if "rss_mb_after_20" in r:
                last = [k for k in r if k.startswith("rss_mb_after_") and k != "rss_mb_after_20"]
                self.stdout.write(f"  RSS after 20 pages {r['rss_mb_after_20']} MB, " + ", ".join(
                    f"after {k.rsplit('_', 1)[1]} pages {r[k]} MB" for k in last))  # fmt: skip
        self.stdout.write("CER = edit distance / reference length (lines in reading order)")
