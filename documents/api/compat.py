"""`POST /ocr`: the original Flask service's endpoint, kept so its clients only change the URL
(and send a token).

Request: JSON {"image": "<base64 of an image or a PDF>", "use_...": true|false, ...}.
Answer: {"success": true, "result": [PaddleOCR page result, one per page]}, or with a 4xx/5xx
status {"success": false, "error": {"code": ..., "message": ..., "fields": {}}} (the API's error
envelope; never an exception's text). The structure pipeline runs in the OCR queue's workers,
ahead of other pages, while the request waits (sync_ocr.py): web processes hold no engine.
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from documents.sync_ocr import read_now

from .errors import ApplicationError, error_body

logger = logging.getLogger(__name__)

# Options the old service passed on to PaddleOCR's predict(); other keys are ignored as it did.
OPTION_PREFIXES = ("use_", "text_")


def _fail(code: str, message: str, status_code: int) -> Response:
    return Response({"success": False, **error_body(code, message)}, status=status_code)


class OcrCompatApi(APIView):
    # Token first, so that a client without credentials gets 401 and a WWW-Authenticate header.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    parser_classes = [JSONParser]

    @extend_schema(
        request=inline_serializer(
            "OcrCompatRequest",
            {"image": serializers.CharField(help_text="Base64 of an image or a PDF.")},
        ),
        responses={
            200: inline_serializer(
                "OcrCompatResult",
                {"success": serializers.BooleanField(), "result": serializers.ListField()},
            ),
            400: OpenApiResponse(description='{"success": false, "error": {"code": ...}}'),
        },
        operation_id="ocr_compat",
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict) or not request.data.get("image"):
            return _fail("invalid", 'send JSON {"image": "<base64>"}', status.HTTP_400_BAD_REQUEST)
        try:
            data = base64.b64decode(_strip_data_url(str(request.data["image"])), validate=True)
        except (binascii.Error, ValueError):
            return _fail("invalid", "image is not valid base64", status.HTTP_400_BAD_REQUEST)
        options = {k: v for k, v in request.data.items() if k.startswith(OPTION_PREFIXES)}
        result = read_now(owner=request.user, data=data, options=options)
        return Response({"success": True, "result": result})

    def handle_exception(self, exc: Exception) -> Response:
        """Every error in the old service's shape, with the envelope as its error."""
        if isinstance(exc, ApplicationError):
            return _fail(exc.code, exc.message, exc.status)
        if isinstance(exc, exceptions.APIException):
            response = super().handle_exception(exc)
            failed = _fail(exc.default_code, str(exc.detail), response.status_code)
            if "WWW-Authenticate" in response:
                failed["WWW-Authenticate"] = response["WWW-Authenticate"]
            return failed
        logger.exception("/ocr failed")
        return _fail("internal_error", "internal error", status.HTTP_500_INTERNAL_SERVER_ERROR)


def _strip_data_url(text: str) -> str:
    """Accept "data:image/png;base64,...." as well as bare base64 (whitespace ignored)."""
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]
    return "".join(text.split())


ocr_compat: Any = OcrCompatApi.as_view()
