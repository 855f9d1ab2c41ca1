"""The application's one error type and the one JSON shape every error answer has.

    {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}

`fields` maps input field names to their messages (validation errors); `files` lists the
per-file reasons when an upload rejects every file. Services raise ApplicationError; the API
(api/errors.py), the admin and the command-line tools each show it in their own way.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


class ApplicationError(Exception):
    """A request the application refuses, with a message a user can act on."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        status: int = HTTPStatus.BAD_REQUEST,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.extra = extra or {}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": {}, **extra}}
