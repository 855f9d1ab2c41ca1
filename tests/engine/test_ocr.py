"""The real engine on pages rendered with real fonts: text, Chinese, rotation, scans, backends."""

import pytest
from PIL import Image

from documents.bench.metrics import cer
from documents.engine import EngineConfig, get_engine
from tests.pages import CHINESE_LINES, ENGLISH_LINES, encode, render_lines, render_report, scanned


def texts(result):
    return [line.text for line in result.lines]


def test_english_lines_are_read_exactly(engine):
    result = engine.run(encode(render_lines(ENGLISH_LINES)), pipeline="ocr")
    assert texts(result) == list(ENGLISH_LINES)
    assert all(line.score > 0.9 for line in result.lines)
    first = result.lines[0]
    # The box sits where the line was drawn (x=100, y=120, 40 px font).
    assert 80 <= first.box[0] <= 110 and 110 <= first.box[1] <= 135
    assert (result.width, result.height, result.angle) == (1240, 1754, 0)


def test_chinese_lines_are_read(engine):
    result = engine.run(render_lines(CHINESE_LINES, cjk=True), pipeline="ocr")
    assert len(result.lines) == len(CHINESE_LINES)
    # PP-OCRv5 mobile reads the odd simplified character as its traditional form (门/門).
    assert cer("\n".join(CHINESE_LINES), "\n".join(texts(result))) <= 0.05


def test_a_noisy_blurred_scan_is_still_read(engine):
    result = engine.run(encode(scanned(render_lines(ENGLISH_LINES)), "JPEG", quality=70),
                        pipeline="ocr")  # fmt: skip
    assert texts(result) == list(ENGLISH_LINES)


@pytest.mark.parametrize("rotation, corrected", [(180, 180), (90, 270), (270, 90)])
def test_a_rotated_page_is_turned_upright(engine, rotation, corrected):
    page = render_lines(ENGLISH_LINES).rotate(rotation, expand=True)
    result = engine.run(page, pipeline="ocr", options={"use_doc_orientation_classify": True})
    assert result.angle == corrected
    assert (result.width, result.height) == (1240, 1754)  # sizes of the upright page
    assert texts(result) == list(ENGLISH_LINES)


def test_without_orientation_the_upside_down_page_is_not_read(engine):
    """Proves the orientation model does the work in the test above."""
    page = render_lines(ENGLISH_LINES).rotate(180)
    result = engine.run(page, pipeline="ocr", options={"use_doc_orientation_classify": False})
    assert result.angle == 0
    assert texts(result) != list(ENGLISH_LINES)


def test_a_blank_page_has_no_text(engine):
    result = engine.run(Image.new("RGB", (800, 1000), "white"), pipeline="structure")
    assert result.lines == () and result.blocks == ()
    assert result.text == ""


@pytest.mark.parametrize("backend", ["onnxruntime", "paddle"])
def test_every_backend_reads_the_same_text(engine, models_dir, backend):
    page = render_lines(ENGLISH_LINES)
    other = get_engine(EngineConfig(models_dir=str(models_dir), backend=backend))
    assert texts(other.run(page, pipeline="ocr")) == texts(engine.run(page, pipeline="ocr"))
    assert other.info()["backend"] == backend


def test_info_names_backend_models_and_versions(engine):
    info = engine.info()
    assert info["backend"] == "openvino" and info["precision"] == "f32"
    assert "PP-OCRv5_mobile_rec" in info["models"]
    assert info["versions"]["paddlex"] == "3.7.2"
    assert info["versions"]["openvino"].startswith("2026.4")


def test_the_structure_pipeline_finds_title_text_and_table(engine):
    result = engine.run(render_report(), pipeline="structure")
    labels = [block.label for block in result.blocks]
    assert "table" in labels
    assert any(label in ("doc_title", "paragraph_title") for label in labels)
    assert "Office supplies order" in result.markdown
    assert "Please report any missing items" in result.text
    assert result.raw["parsing_res_list"] and result.raw["overall_ocr_res"]["rec_texts"]
    assert [b.order for b in result.blocks] == list(range(len(result.blocks)))


def test_bf16_reads_the_same_text_and_shares_no_cache_with_f32(models_dir, tmp_path):
    """OpenVINO's cache key ignores the precision: each precision must keep its own folder."""
    from documents.engine.backends.devices import bf16_supported

    if not bf16_supported():
        pytest.skip("this CPU has no bf16")
    page = render_lines(ENGLISH_LINES)
    for precision in ("f32", "bf16", "f32"):
        engine = get_engine(
            EngineConfig(models_dir=str(models_dir), precision=precision, cache_dir=str(tmp_path))
        )
        assert texts(engine.run(page, pipeline="ocr")) == list(ENGLISH_LINES), precision
    assert sorted(p.name.rsplit("-", 1)[1] for p in tmp_path.iterdir()) == ["bf16", "f32"]
