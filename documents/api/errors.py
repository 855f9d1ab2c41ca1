"""Every error the API returns, ours, Django's and DRF's, in the one envelope of
documents/errors.py."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from documents.errors import ApplicationError, error_body

logger = logging.getLogger(__name__)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error, ours, Django's and DRF's, in the one envelope."""
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, **exc.extra), status=exc.status)
    if isinstance(exc, ValidationError):  # Django's, e.g. from a model's full_clean()
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        # An unexpected exception: logged with its traceback, answered without internals.
        logger.exception("unhandled error in %s", context.get("view"), exc_info=exc)
        return Response(
            error_body(
                "server_error", gettext("Something went wrong on the server; it was logged.")
            ),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        message = _first_message(fields) or gettext("Invalid input.")
        body = error_body("invalid", message)
        body["error"]["fields"] = fields
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = error_body(str(code), str(detail))
    response.data = body
    return response


def _first_message(detail: Any) -> str | None:
    """The first message in a nested DRF error detail, prefixed with its field's name."""
    if isinstance(detail, dict):
        for name, value in detail.items():
            message = _first_message(value)
            if message:
                if name == "non_field_errors":
                    return message
                return gettext("%(field)s: %(message)s") % {"field": name, "message": message}
    elif isinstance(detail, list):
        for value in detail:
            message = _first_message(value)
            if message:
                return message
    elif detail:
        return str(detail)
    return None
