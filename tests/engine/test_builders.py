"""The structure models built from PyPI wheels, loaded by real PaddleX from the provisioned
folders, on pages rendered with real fonts."""

import cv2
import numpy as np
import openvino
import paddlex
import pytest
from PIL import Image, ImageDraw

from documents.engine.builders import layout, orientation, table
from documents.engine.builders.structure_config import structure_pipeline_config
from documents.engine.registry import DEFAULT_TEXT_MODELS, TEXT_MODELS, pipeline_models
from tests.pages import A4, TABLE_ROWS, draw_table, font, render_lines

TITLE = "Annual Supplies Report"
PARAGRAPH = (
    "The purchasing team reviewed the orders of the year and agreed that the figures for",
    "the second floor need a second look before the board meets next month. Several",
    "members asked for the delivery notes behind the summary table, so that the totals",
    "can be checked line by line against the invoices kept in the archive.",
)


def render_article() -> tuple[Image.Image, tuple[int, int, int, int]]:
    """A page laid out like a real document (the CDLA layout model was trained on such pages):
    a title, headed sections of full paragraphs and a ruled table. Returns the table's box."""
    page = Image.new("RGB", A4, "white")
    draw = ImageDraw.Draw(page)
    draw.text((120, 140), TITLE, font=font(56, bold=True), fill="black")
    y = 260
    for heading in ("Summary of the year", "Prices and quantities"):
        draw.text((120, y), heading, font=font(36, bold=True), fill="black")
        y += 70
        for line in PARAGRAPH:
            draw.text((120, y), line, font=font(28), fill="black")
            y += 40
        y += 50
    box = draw_table(page, TABLE_ROWS, left=140, top=y)
    y = box[3] + 60
    for line in PARAGRAPH:
        draw.text((120, y), line, font=font(28), fill="black")
        y += 40
    return page, box


def bgr(image: Image.Image) -> np.ndarray:
    return cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)


def iou(a, b) -> float:
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return w * h / union


@pytest.fixture(scope="module")
def model(models_dir):
    created = {}

    def get(name: str):
        if name not in created:
            created[name] = paddlex.create_model(
                model_name=name, model_dir=str(models_dir / name), engine="onnxruntime"
            )
        return created[name]

    return get


def table_image(rows) -> Image.Image:
    cell = (200, 60)
    image = Image.new("RGB", (cell[0] * len(rows[0]) + 40, cell[1] * len(rows) + 40), "white")
    draw_table(image, rows, left=20, top=20, cell=cell)
    return image


def test_layout_finds_the_title_the_paragraphs_and_the_table(model):
    page, table_box = render_article()
    (result,) = model(layout.MODEL_NAME).predict(bgr(page))
    boxes = result["boxes"]
    labels = [b["label"] for b in boxes]
    assert labels.count("table") == 1
    assert labels.count("text") >= 3  # the three paragraphs
    titles = sorted(b["coordinate"] for b in boxes if b["label"] == "paragraph_title")
    assert titles and iou(titles[0], (120, 140, 760, 210)) > 0.7  # the page title
    (found,) = (b["coordinate"] for b in boxes if b["label"] == "table")
    assert iou(found, table_box) > 0.8


def test_layout_takes_a_batch_of_pages_of_any_size(model):
    page, _ = render_article()
    half = page.resize((page.width // 2, page.height // 2))
    blank = Image.new("RGB", (800, 600), "white")
    full, small, empty = model(layout.MODEL_NAME).predict([bgr(page), bgr(half), bgr(blank)],
                                                          batch_size=3)  # fmt: skip
    table_full = next(b["coordinate"] for b in full["boxes"] if b["label"] == "table")
    table_small = next(b["coordinate"] for b in small["boxes"] if b["label"] == "table")
    # Boxes come back in each page's own coordinates.
    assert iou([v / 2 for v in table_full], table_small) > 0.9
    assert empty["boxes"] == []


def test_layout_graph_runs_on_openvino_as_on_onnx_runtime(models_dir):
    import onnxruntime

    path = str(models_dir / layout.MODEL_NAME / "inference.onnx")
    page = cv2.resize(np.asarray(render_article()[0]), (layout.INPUT_W, layout.INPUT_H))
    x = ((page / 255.0 - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]).astype(np.float32)
    feeds = {
        "image": x.transpose(2, 0, 1)[None],
        "scale_factor": np.array([[layout.INPUT_H / 1754, layout.INPUT_W / 1240]], np.float32),
    }
    ort_boxes, ort_count = onnxruntime.InferenceSession(path).run(None, feeds)
    compiled = openvino.Core().compile_model(path, "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
    ov = compiled(feeds)
    ov_boxes, ov_count = ov[compiled.outputs[0]], ov[compiled.outputs[1]]
    assert ov_count.tolist() == ort_count.tolist() == [len(ort_boxes)]
    confident = ort_boxes[:, 1] > 0.5
    assert confident.sum() >= 4
    np.testing.assert_allclose(ov_boxes[confident], ort_boxes[confident], atol=1.0)


@pytest.mark.parametrize("rows", [TABLE_ROWS, [[f"{r}{c}" for c in "ABCDE"] for r in range(7)]])
def test_table_structure_has_the_drawn_rows_and_columns(model, rows):
    (result,) = model(table.MODEL_NAME).predict(bgr(table_image(rows)))
    html = "".join(result["structure"])
    assert html.startswith("<html><body><table>")
    assert html.count("<tr>") == len(rows)
    assert html.count("<td") == len(rows) * len(rows[0])
    assert len(result["bbox"]) == len(rows) * len(rows[0])


# PIL turns counter-clockwise; PaddleOCR names the clockwise angle the page is turned by.
@pytest.mark.parametrize("rotation, label", [(0, "0"), (90, "270"), (180, "180"), (270, "90")])
def test_document_orientation_names_the_rotation(model, rotation, label):
    page = render_article()[0].rotate(rotation, expand=True)
    (result,) = model(orientation.DOC_ORI_MODEL_NAME).predict(bgr(page))
    assert result["label_names"] == [label]


@pytest.mark.parametrize("rotation, class_id", [(0, 0), (180, 1)])
def test_text_line_orientation_sees_an_upside_down_line(model, rotation, class_id):
    line = render_lines(["Invoice total due 1,240.50 EUR"], size=(600, 60), top=6)
    (result,) = model(orientation.TEXTLINE_ORI_MODEL_NAME).predict(bgr(line.rotate(rotation)))
    assert result["class_ids"].ravel().tolist() == [class_id]
    assert result["label_names"] == [orientation.TEXTLINE_LABELS[class_id]]


def test_structure_pipeline_runs_offline_on_the_built_models(models_dir):
    text_models = TEXT_MODELS[DEFAULT_TEXT_MODELS]
    names = (layout.MODEL_NAME, table.MODEL_NAME, text_models.det, text_models.rec,
             orientation.DOC_ORI_MODEL_NAME, orientation.TEXTLINE_ORI_MODEL_NAME)  # fmt: skip
    config = structure_pipeline_config(
        {name: str(models_dir / name) for name in names}, TEXT_MODELS[DEFAULT_TEXT_MODELS]
    )
    pipeline = paddlex.create_pipeline(config=config, engine="onnxruntime")
    page = bgr(render_article()[0].rotate(180))
    result = next(
        pipeline.predict(
            page, use_doc_orientation_classify=True, use_ocr_results_with_table_cells=False
        )
    )
    assert result["doc_preprocessor_res"]["angle"] == 180
    blocks = result["parsing_res_list"]
    assert blocks[0].label in ("paragraph_title", "doc_title")
    assert blocks[0].content.strip() == TITLE
    (html,) = (b.content for b in blocks if b.label == "table")
    expected = "".join(
        "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in TABLE_ROWS
    )
    assert html == f"<html><body><table>{expected}</table></body></html>"
    assert f"## {TITLE}" in result.markdown["markdown_texts"]


def test_structure_config_leaves_out_models_that_are_not_provisioned():
    required = {name: f"/models/{name}" for name in pipeline_models("structure")}
    config = structure_pipeline_config(required, TEXT_MODELS[DEFAULT_TEXT_MODELS])
    assert config["use_table_recognition"] is False
    assert config["use_doc_preprocessor"] is False
    assert config["SubPipelines"]["GeneralOCR"]["use_textline_orientation"] is False
    # Every model the pipeline would create is one of the given folders.
    dirs = []

    def collect(node):
        if isinstance(node, dict):
            if "model_name" in node:
                dirs.append((node["model_name"], node["model_dir"]))
            for value in node.values():
                collect(value)

    collect(config)
    assert sorted(dirs) == sorted(required.items())
