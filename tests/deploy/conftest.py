import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.deploy.instance import MODELS_DIR, Instance


@pytest.fixture(scope="session")
def models_dir() -> Path:
    if not (MODELS_DIR / "PP-OCRv5_mobile_det" / "inference.yml").exists():
        pytest.fail(f"no models in {MODELS_DIR}: run `python manage.py ocr_models install`")
    return MODELS_DIR


@pytest.fixture(scope="module")
def new_instance(models_dir, tmp_path_factory) -> Iterator[Callable[..., Instance]]:
    """Makes migrated instances, each with its own data folder; kills what is left at the end."""
    cache_dir = tmp_path_factory.getbasetemp() / "openvino-cache"
    made: list[Instance] = []

    def make(**env: str) -> Instance:
        instance = Instance(tmp_path_factory.mktemp("instance"), cache_dir, **env)
        instance.manage("migrate", "--no-input", "-v", "0")
        made.append(instance)
        return instance

    yield make
    for instance in made:
        instance.kill()


@pytest.fixture
def database_url():
    """A PostgreSQL database of this test's own on the DATABASE_URL server."""
    server = urlsplit(os.environ["DATABASE_URL"])
    name = f"ocrsite_deploy_{secrets.token_hex(4)}"
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        yield urlunsplit(server._replace(path=f"/{name}"))
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
