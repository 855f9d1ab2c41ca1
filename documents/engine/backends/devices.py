"""OpenVINO's devices: which are present, and the precision each setting runs at on them.

Imports no PaddleX, and OpenVINO only when first asked, so that `report` is quick to run in a
child process of the web server (which never loads OpenVINO itself: see engine_settings).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from ..errors import EngineError
from . import PRECISIONS, Backend

if TYPE_CHECKING:
    import openvino as ov


@cache
def core() -> ov.Core:
    import onnxruntime
    import openvino as ov

    if "OpenVINOExecutionProvider" in onnxruntime.get_available_providers():
        # onnxruntime-openvino bundles its own OpenVINO: two copies in one process conflict.
        raise RuntimeError(
            "onnxruntime-openvino is installed: replace it with plain onnxruntime "
            "(pip install -r requirements.txt)"
        )
    return ov.Core()


def available_devices() -> list[str]:
    """The devices as OpenVINO names them: CPU, GPU or GPU.0 and GPU.1, NPU."""
    return list(core().available_devices)


def is_present(device: str, available: Sequence[str]) -> bool:
    """Whether OpenVINO can compile for `device` (CPU, GPU, GPU.1, NPU, AUTO) here.

    "GPU" means the first GPU, so it matches GPU.0 and GPU.1; with a single GPU, OpenVINO lists
    it as "GPU" and still accepts "GPU.0".
    """
    if device == "AUTO":
        return True  # picks among the devices present, the CPU at least
    kind, _, index = device.partition(".")
    for name in available:
        name_kind, _, name_index = name.partition(".")
        if name_kind == kind and index in ("", name_index or "0"):
            return True
    return False


def require_device(device: str) -> None:
    available = available_devices()
    if not is_present(device, available):
        raise EngineError(
            f"the OpenVINO device {device} is not available on this machine; OpenVINO finds "
            f"{', '.join(available) or 'no device'}: set OCRSITE_DEVICE to one of them"
        )


def capabilities(device: str) -> set[str]:
    """The device's OPTIMIZATION_CAPABILITIES (FP32, BF16, FP16, INT8...)."""
    if device == "AUTO":
        # AUTO reports the union over every device, yet it may run a model on any of them (it
        # starts on the CPU while a GPU compiles): only what all of them have is safe to ask.
        each = [capabilities(name) for name in available_devices()]
        return set.intersection(*each) if each else set()
    return set(core().get_property(device, "OPTIMIZATION_CAPABILITIES"))


def bf16_supported(device: str = "CPU") -> bool:
    return "BF16" in capabilities(device)


def precision_in_force(backend: str, precision: str, device: str = "CPU") -> str:
    """What `precision` runs at: `auto` is bf16 where the OpenVINO device reports BF16 (AVX512_BF16
    or AMX on a CPU), f32 elsewhere and on the other backends. Raises EngineError when the device
    is absent or a forced bf16 is not supported there."""
    if precision not in PRECISIONS:
        raise EngineError(f"unknown precision {precision!r}: choose {', '.join(PRECISIONS)}")
    if backend != "openvino":
        return "f32" if precision == "auto" else precision  # Backend refuses bf16 there
    require_device(device)
    if precision == "f32":
        return "f32"
    if bf16_supported(device):
        return "bf16"
    if precision == "bf16":
        raise EngineError(
            f"the OpenVINO device {device} has no bf16 support (it reports "
            f"{', '.join(sorted(capabilities(device)))}): set the precision to auto or f32"
        )
    return "f32"


def backend_in_force(
    name: str, precision: str, device: str = "CPU", threads: int = 2, cache_dir: str | None = None
) -> Backend:
    """The backend a setting gives on this machine, checked: EngineError says what is wrong."""
    try:
        in_force = precision_in_force(name, precision, device)
        return Backend(name, in_force, threads, cache_dir, device)
    except ValueError as e:
        raise EngineError(str(e)) from None


def report(backend: str, precision: str, device: str) -> dict[str, Any]:
    """For the status API and the system check: the devices present, and the precision the
    setting runs at or why it cannot run."""
    try:
        devices = available_devices()
    except Exception as e:  # a broken OpenVINO install is reported, not raised
        return {"devices": None, "precision": None, "error": f"OpenVINO lists no devices: {e}"}
    try:
        in_force = backend_in_force(backend, precision, device).precision
    except EngineError as e:
        return {"devices": devices, "precision": None, "error": str(e)}
    return {"devices": devices, "precision": in_force, "error": None}
