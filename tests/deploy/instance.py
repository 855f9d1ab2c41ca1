"""A real ocrsite instance for the deploy tests: its own data folder (SQLite, ORM broker, media)
and `manage.py serve` as a real process tree on a free loopback port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
MODELS_DIR = Path(os.environ.get("OCRSITE_MODELS_DIR", REPO / "data" / "models"))
# Variables that would point an instance at shared servers or at the developer's own setup.
_NOT_INHERITED = ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "OCRSITE_BIND")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Instance:
    def __init__(self, data_dir: Path, cache_dir: Path, **env: str) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "serve.log"
        self.env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED} | {
            "OCRSITE_DATA_DIR": str(data_dir),
            "OCRSITE_MODELS_DIR": str(MODELS_DIR),
            "OCRSITE_CACHE_DIR": str(cache_dir),
            "OCRSITE_WEB_WORKERS": "2",
            "OCRSITE_WORKERS": "1",
            **env,
        }
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(
            [sys.executable, str(REPO / "manage.py"), *args],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise AssertionError(
                f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
            )
        return done.stdout

    def python(self, code: str) -> object:
        """Runs `code` in the instance (`manage.py shell`); it prints one JSON value."""
        return json.loads(self.manage("shell", "-c", code).strip().splitlines()[-1])

    def create_user(self, username: str) -> str:
        """A user with an API token; returns the token."""
        return self.python(
            "import json; from django.contrib.auth.models import User;"
            " from rest_framework.authtoken.models import Token;"
            f" u = User.objects.create_user({username!r}, password='pw-' + {username!r});"
            " print(json.dumps(Token.objects.create(user=u).key))"
        )

    def start(self, *, only: str | None = None) -> None:
        """`manage.py serve` (`only`: "web" or "worker"), logging to serve.log."""
        assert self.process is None
        argv = [
            sys.executable,
            str(REPO / "manage.py"),
            "serve",
            "--bind",
            f"127.0.0.1:{self.port}",
        ]
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            argv + (["--only", only] if only else []),
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    def wait_exit(self, timeout: float = 120) -> int:
        assert self.process is not None
        code = self.process.wait(timeout)
        self.process = None
        return code

    def stop(self) -> int:
        self.signal(signal.SIGTERM)
        return self.wait_exit()

    def kill(self) -> None:
        """Test clean-up: the whole tree (serve's children stop with it: PR_SET_PDEATHSIG)."""
        if self.process is not None:
            self.process.kill()
            self.wait_exit()

    def get(self, path: str, token: str | None = None, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Token {token}"} if token else {}
        return requests.get(self.url + path, headers=headers, timeout=30, **kwargs)

    def post_upload(
        self, token: str, name: str, content: bytes, **fields: str
    ) -> requests.Response:
        return requests.post(
            self.url + "/api/documents/",
            headers={"Authorization": f"Token {token}"},
            files={"file": (name, content)},
            data=fields,
            timeout=60,
        )

    def wait_for(self, path: str, status: int = 200, timeout: float = 180) -> requests.Response:
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            assert self.process is None or self.process.poll() is None, self.log()
            try:
                response = self.get(path)
                if response.status_code == status:
                    return response
                last = response.text
            except requests.ConnectionError as e:
                last = e
            time.sleep(0.5)
        raise AssertionError(f"{path} never answered {status}: {last}\n{self.log()}")

    def web_peak_rss_mb(self) -> float:
        """The largest peak RSS (VmHWM) among the instance's web processes (gunicorn's)."""
        tree, found = {self.process.pid}, True
        while found:  # every descendant of `serve`
            found = False
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                if ppid in tree and int(stat.parent.name) not in tree:
                    tree.add(int(stat.parent.name))
                    found = True
        peaks = []
        for pid in tree:
            try:
                if b"gunicorn" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    continue
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            peaks += [int(li.split()[1]) / 1024 for li in status.splitlines() if "VmHWM" in li]
        assert peaks, "no gunicorn process found"
        return max(peaks)

    def log(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""
