"""A webhook receiver for the tests: a real HTTP server on loopback, in a thread, and the checks
a receiver makes of what it gets."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: Message
    body: bytes


class Receiver:
    """An HTTP server on loopback, in a thread: records every request and answers each with
    the next status of `statuses` (200 once they are used up)."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.statuses: list[int] = []
        lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with lock:
                    receiver.requests.append(Received(self.path, self.headers, body))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "7")
                self.end_headers()
                self.wfile.write(b"noted.\n")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def verified(request: Received, secret: str, *, max_age_s: int = 300) -> dict:
    """The payload, checked as a receiver checks it: the signature over the timestamp and the
    raw body, and a timestamp that is recent."""
    timestamp = request.headers["X-Ocrsite-Timestamp"]
    assert abs(time.time() - int(timestamp)) < max_age_s
    signed = timestamp.encode() + b"." + request.body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request.headers["X-Ocrsite-Signature"], expected)
    payload = json.loads(request.body)
    assert payload["delivery"] == request.headers["X-Ocrsite-Delivery"]
    assert payload["event"] == request.headers["X-Ocrsite-Event"]
    return payload
