"""The pages `ocr_bench` measures: every set of ../shared/eval, with the ground truth to score."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from documents.engine.pages import SUFFIXES, iter_pages

IMAGE_SUFFIXES = SUFFIXES - {".pdf"}  # every row's worker reads image files
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Sample:
    set: str
    path: Path
    reference: str | None  # ground-truth text, lines in reading order; None: speed only
    casefold: bool = False  # the ground truth is upper-case (sroie)
    table_html: str | None = None  # ground-truth table (pubtabnet), scored by TEDS


def read_jsonl(path: Path) -> list[dict]:
    # split("\n"), not splitlines(): texts in the records hold U+2028 and other line breaks.
    return [json.loads(line) for line in path.read_text().split("\n") if line.strip()]


def reading_order(items: list[tuple[str, Box]]) -> str:
    """Lines sorted top to bottom, left to right within a band, so that ground truth and OCR
    whose line order differs (columns, key-value forms) are compared on the same footing."""
    ordered = sorted(items, key=lambda t: (int((t[1][1] + t[1][3]) / 2 // 20), t[1][0]))
    return "\n".join(text for text, _ in ordered)


def reference_text(row: dict, scale: float = 1.0) -> str | None:
    """A ground-truth row's text; its boxes (times `scale`) give the reading order."""
    if row.get("boxes_valid_for_this_image") is False:
        # Phone photos of a page carry the original's boxes (mdpbench): score their text only.
        return row.get("full_text") or None
    lines = [
        (li["text"], tuple(v * scale for v in li["box"]))
        for li in row.get("lines") or []
        if li.get("box")
    ]
    return reading_order(lines) if lines else None


def eval_samples(
    eval_dir: Path, per_set: int | None, pages_dir: Path, *, dpi: int, max_pixels: int
) -> list[Sample]:
    """The first `per_set` pages (all if None) of every set under `eval_dir`. Sets of PDFs are
    rendered into `pages_dir` once, so every worker reads the same image files."""
    samples = []
    for gt in sorted(eval_dir.glob("*/gt.jsonl")):
        folder = gt.parent
        rows = read_jsonl(gt)
        if (folder / "docs.jsonl").exists():
            samples += pdf_samples(folder, rows, per_set, pages_dir, dpi=dpi, max_pixels=max_pixels)
            continue
        for row in rows[:per_set]:
            samples.append(
                Sample(
                    set=folder.name,
                    path=folder / row["image"],
                    reference=reference_text(row),
                    casefold=folder.name == "sroie",
                    table_html=row.get("html"),
                )
            )
    return samples


def pdf_samples(
    folder: Path,
    rows: list[dict],
    per_set: int | None,
    pages_dir: Path,
    *,
    dpi: int,
    max_pixels: int,
) -> list[Sample]:
    """A set of PDFs (docs.jsonl) as the app sees them: pages rendered by the app's own code at
    its DPI, not the set's pre-rendered images (another renderer, another DPI). The ground truth
    is per page, its boxes in the pixels of that set's images: scaled to ours."""
    truth = {(row["doc"], row["page"]): row for row in rows}
    samples: list[Sample] = []
    for doc in read_jsonl(folder / "docs.jsonl"):
        for page in iter_pages(folder / doc["pdf"], dpi=dpi, max_pixels=max_pixels):
            if per_set is not None and len(samples) >= per_set:
                return samples
            path = pages_dir / f"{doc['doc']}_p{page.number:02d}.png"
            page.image.save(path)
            row = truth.get((doc["doc"], page.number), {})
            scale = page.dpi / row["dpi"] if row.get("dpi") else 1.0
            samples.append(Sample(folder.name, path, reference_text(row, scale)))
    return samples


def folder_samples(folder: Path) -> list[Sample]:
    """Every image under `folder`, for speed only."""
    return [
        Sample(folder.name, p, None)
        for p in sorted(folder.rglob("*"))
        if p.suffix.lower() in IMAGE_SUFFIXES
    ]


def warm_up_image(folder: Path) -> Path:
    """A small page of text that every worker reads once before the timing starts: models that
    load or compile on their first page (RapidOCR's, Paddle's) are then measured warm, as a
    server would run them."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (640, 160), "white")
    font = ImageFont.load_default(size=40)
    ImageDraw.Draw(image).text((20, 50), "Warm-up page 0123456789", fill="black", font=font)
    path = folder / "warm-up.png"
    image.save(path)
    return path
