"""The OpenAPI schema's view of the API, beyond what drf-spectacular reads from each view."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema

from .serializers import ErrorSerializer


class ApiSchema(AutoSchema):
    """Every error response under /api/ has the error envelope's shape (the `Error` component).

    The exception handler gives every 4xx and 5xx that shape, so the schema says it once here
    rather than in each view; a view only lists which error statuses it may answer. The PaddleX
    serving endpoints answer errors in PaddleX's own shape and keep what they declare."""

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None or not self.path.startswith("/api/"):
            return operation
        for code, response in operation["responses"].items():
            if code.isdigit() and int(code) >= 400 and "content" not in response:
                envelope = self.resolve_serializer(ErrorSerializer, "response").ref
                response["content"] = {"application/json": {"schema": envelope}}
        return operation
