"""OpenVINO devices and the precision in force, on this machine's real OpenVINO: `auto` follows
what OpenVINO reports, f32 can be forced, and a device that is not there is refused by name."""

import openvino as ov
import pytest

from documents.engine import Engine, EngineConfig, EngineError, get_engine
from documents.engine.backends.devices import is_present, precision_in_force
from tests.pages import ENGLISH_LINES, render_lines

CORE = ov.Core()
AVAILABLE = CORE.available_devices


def reports_bf16(device: str) -> bool:
    return "BF16" in CORE.get_property(device, "OPTIMIZATION_CAPABILITIES")


def texts(result):
    return [line.text for line in result.lines]


def test_auto_is_bf16_exactly_where_openvino_reports_it_and_reads_a_page(models_dir, tmp_path):
    expected = "bf16" if reports_bf16("CPU") else "f32"
    engine = get_engine(EngineConfig(models_dir=str(models_dir), cache_dir=str(tmp_path)))
    assert engine.config.precision == expected
    assert engine.info()["precision"] == expected and engine.info()["device"] == "CPU"
    assert texts(engine.run(render_lines(ENGLISH_LINES), pipeline="ocr")) == list(ENGLISH_LINES)
    # compiled for that device and precision, in a cache folder of its own (the orientation
    # classifiers always run f32, see documents/engine/backends)
    assert {p.name.split("-", 2)[2] for p in tmp_path.iterdir()} == {f"CPU-{expected}", "CPU-f32"}
    # "auto" and the precision it resolves to are one engine, not two copies of the models
    same = EngineConfig(models_dir=str(models_dir), precision=expected, cache_dir=str(tmp_path))
    assert get_engine(same) is engine


def test_f32_can_be_forced(engine):
    assert engine.info()["precision"] == "f32"  # the session engine forces it
    assert texts(engine.run(render_lines(ENGLISH_LINES), pipeline="ocr")) == list(ENGLISH_LINES)


def test_auto_on_the_auto_device_needs_bf16_on_every_device():
    """AUTO may run a model on any device (the CPU while a GPU compiles)."""
    expected = "bf16" if all(reports_bf16(d) for d in AVAILABLE) else "f32"
    assert precision_in_force("openvino", "auto", "AUTO") == expected


def test_other_backends_run_f32_on_the_cpu_only(models_dir):
    assert precision_in_force("onnxruntime", "auto") == "f32"
    with pytest.raises(EngineError, match="needs the openvino backend"):
        Engine(EngineConfig(models_dir=str(models_dir), backend="onnxruntime", device="GPU"))
    with pytest.raises(EngineError, match="bf16 precision needs the openvino backend"):
        Engine(EngineConfig(models_dir=str(models_dir), backend="paddle", precision="bf16"))


def test_forced_bf16_where_the_cpu_lacks_it_is_refused(models_dir):
    if reports_bf16("CPU"):
        pytest.skip("this CPU has bf16")
    with pytest.raises(EngineError, match="has no bf16 support"):
        get_engine(EngineConfig(models_dir=str(models_dir), precision="bf16"))


def test_a_missing_device_is_refused_naming_the_devices_present(models_dir):
    if any(name.startswith("GPU") for name in AVAILABLE):
        pytest.skip("this machine has a GPU")
    config = EngineConfig(models_dir=str(models_dir), device="GPU")
    for build in (get_engine, Engine):
        with pytest.raises(EngineError) as error:
            build(config)
        message = str(error.value)
        assert "device GPU is not available" in message
        assert all(name in message for name in AVAILABLE), message


@pytest.mark.parametrize(
    "device, available, present",
    [
        ("CPU", ["CPU"], True),
        ("GPU", ["CPU"], False),
        ("GPU", ["CPU", "GPU.0", "GPU.1"], True),  # the first GPU
        ("GPU.1", ["CPU", "GPU.0", "GPU.1"], True),
        ("GPU.1", ["CPU", "GPU"], False),
        ("GPU.0", ["CPU", "GPU"], True),  # OpenVINO lists a single GPU without its index
        ("NPU", ["CPU", "GPU"], False),
        ("AUTO", ["CPU"], True),
    ],
)
def test_device_names_as_openvino_gives_them(device, available, present):
    assert is_present(device, available) is present
