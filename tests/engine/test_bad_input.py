"""Every odd input gets a correct result or a clear BadImageError, and the engine keeps serving."""

import io

import numpy as np
import pytest
from PIL import Image

from documents.engine import BadImageError, EngineError, ModelMissingError
from tests.pages import ENGLISH_LINES, encode, render_lines

LINES = list(ENGLISH_LINES[:2])


def page():
    return render_lines(LINES, size=(1000, 400))


def texts(result):
    return [line.text for line in result.lines]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"%PDF-1.7 this is not an image", "not a supported image"),
        (b"hello, plain text", "not a supported image"),
        (encode(render_lines(LINES))[:3000], "corrupt or truncated"),
    ],
    ids=["zero-bytes", "pdf", "text", "truncated-png"],
)
def test_unreadable_input_is_refused_with_a_reason(engine, data, message):
    with pytest.raises(BadImageError, match=message):
        engine.run(data, pipeline="ocr")
    # ... and the engine serves the next page as usual.
    assert texts(engine.run(page(), pipeline="ocr")) == LINES


def test_a_huge_image_is_refused_before_decoding(engine):
    huge = encode(Image.new("1", (20000, 20000), 1))  # 2 MB of PNG, 400 Mpx decoded
    # Pillow's own guard, at the engine's limit, refuses it as it opens: past twice the limit.
    with pytest.raises(BadImageError, match="pixels, over the limit of 40,000,000 pixels"):
        engine.run(huge, pipeline="ocr")
    over = encode(Image.new("1", (8000, 6000), 1))  # 48 Mpx: the header check's message
    with pytest.raises(BadImageError, match="8000x6000 pixels, over the limit"):
        engine.run(over, pipeline="ocr")


def test_a_one_pixel_image_has_no_text(engine):
    assert engine.run(encode(Image.new("RGB", (1, 1), "white")), pipeline="ocr").lines == ()


@pytest.mark.parametrize(
    "convert",
    [
        lambda im: encode(im.convert("CMYK"), "JPEG", quality=95),
        lambda im: encode(im.convert("P", palette=Image.Palette.ADAPTIVE)),
        lambda im: encode(im.convert("L"), "TIFF"),
        lambda im: encode(im.convert("1"), "BMP"),
        lambda im: encode(im, "WEBP", lossless=True),
        lambda im: encode(Image.fromarray(np.asarray(im.convert("L"), np.uint16) * 257)),
        lambda im: np.asarray(im)[:, :, ::-1].copy(),  # a BGR array
    ],
    ids=["cmyk-jpeg", "palette-png", "grey-tiff", "1bit-bmp", "webp", "16bit-png", "bgr-array"],
)
def test_image_modes_and_formats_are_read(engine, convert):
    assert texts(engine.run(convert(page()), pipeline="ocr")) == LINES


def test_transparent_background_is_paper_not_black(engine):
    transparent = Image.new("RGBA", (1000, 400), (0, 0, 0, 0))
    text = page().convert("L").point(lambda v: 255 - v)  # ink where the page is dark
    transparent.putalpha(text)
    assert texts(engine.run(encode(transparent), pipeline="ocr")) == LINES


def test_exif_rotation_is_applied(engine):
    rotated = page().rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 clockwise to display"
    data = encode(rotated, "JPEG", quality=95, exif=exif.tobytes())
    result = engine.run(data, pipeline="ocr", options={"use_doc_orientation_classify": False})
    assert texts(result) == LINES and (result.width, result.height) == (1000, 400)


def test_unknown_options_and_pipelines_are_refused(engine):
    with pytest.raises(EngineError, match="unknown option 'use_magic'"):
        engine.run(page(), pipeline="ocr", options={"use_magic": True})
    with pytest.raises(EngineError, match="unknown pipeline"):
        engine.run(page(), pipeline="handwriting")
    with pytest.raises(EngineError, match="use_table_recognition is for the structure pipeline"):
        engine.run(page(), pipeline="ocr", options={"use_table_recognition": True})
    with pytest.raises(EngineError, match="is for the ocr or structure pipeline, not table"):
        engine.run(page(), pipeline="table", options={"use_textline_orientation": True})
    with pytest.raises(EngineError, match="must be true or false"):
        engine.run(page(), pipeline="ocr", options={"use_textline_orientation": "yes"})


@pytest.mark.parametrize(
    "option, message",
    [("use_formula_recognition", "PP-FormulaNet_plus-L.*ocr_models add FOLDER"),
     ("use_chart_recognition", "is not available: PaddleX runs PP-Chart2Table only")],
)  # fmt: skip
def test_an_option_without_its_model_names_the_model_and_how_to_add_it(engine, option, message):
    with pytest.raises(ModelMissingError, match=message):
        engine.run(page(), pipeline="structure", options={option: True})


def test_a_bytes_stream_of_a_multi_frame_tiff_reads_its_first_frame(engine):
    out = io.BytesIO()
    first, second = page(), render_lines(["Second frame"], size=(1000, 400))
    first.save(out, "TIFF", save_all=True, append_images=[second])
    assert texts(engine.run(out.getvalue(), pipeline="ocr")) == LINES
