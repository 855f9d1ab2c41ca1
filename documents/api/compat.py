"""`POST /ocr` in the original Flask service's shape, kept so its clients only change the URL
(and send a token). The view (paddlex_serving.OcrApi) tells it apart from PaddleX serving's
shape by the body: {"image": ...} here, {"file": ...} there.

Request: JSON {"image": "<base64 of an image or a PDF>", "use_...": true|false, ...}.
Answer: {"success": true, "result": [PaddleOCR page result, one per page]}, or with a 4xx/5xx
status {"success": false, "error": {"code": ..., "message": ..., "fields": {}}} (the API's error
envelope; never an exception's text). The structure pipeline runs in the OCR queue's workers,
ahead of other pages, while the request waits (sync_ocr.py): web processes hold no engine.
Nothing of the file is kept.
"""

from __future__ import annotations

import base64
import binascii
import logging

from django.core.files.base import ContentFile
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from documents.errors import ApplicationError, error_body
from documents.sync_ocr import read_now

logger = logging.getLogger(__name__)

# Options the old service passed on to PaddleOCR's predict(); other keys are ignored as it did.
OPTION_PREFIXES = ("use_", "text_")

REQUEST = inline_serializer(
    "OcrCompatRequest", {"image": serializers.CharField(help_text="Base64 of an image or a PDF.")}
)
RESULT = inline_serializer(
    "OcrCompatResult", {"success": serializers.BooleanField(), "result": serializers.ListField()}
)


def answer(request: Request) -> Response:
    """Read the request's file now; the old service took only token holders, and so do we."""
    if not request.user.is_authenticated:
        raise exceptions.NotAuthenticated()
    if not isinstance(request.data, dict) or not request.data.get("image"):
        return _fail("invalid", 'send JSON {"image": "<base64>"}', status.HTTP_400_BAD_REQUEST)
    try:
        data = base64.b64decode(strip_data_url(str(request.data["image"])), validate=True)
    except (binascii.Error, ValueError):
        return _fail("invalid", "image is not valid base64", status.HTTP_400_BAD_REQUEST)
    options = {k: v for k, v in request.data.items() if k.startswith(OPTION_PREFIXES)}
    pages = read_now(
        owner=request.user, upload=ContentFile(data, name="ocr-request"), options=options
    )
    return Response({"success": True, "result": [page.raw for page in pages]})


def error_response(view: APIView, exc: Exception) -> Response:
    """Every error in the old service's shape, with the API's envelope as its error."""
    if isinstance(exc, ApplicationError):
        return _fail(exc.code, exc.message, exc.status)
    if isinstance(exc, exceptions.APIException):
        response = APIView.handle_exception(view, exc)  # DRF's status and WWW-Authenticate
        failed = _fail(exc.default_code, str(exc.detail), response.status_code)
        if "WWW-Authenticate" in response:
            failed["WWW-Authenticate"] = response["WWW-Authenticate"]
        return failed
    logger.exception("/ocr failed")
    return _fail("internal_error", "internal error", status.HTTP_500_INTERNAL_SERVER_ERROR)


def _fail(code: str, message: str, status_code: int) -> Response:
    return Response({"success": False, **error_body(code, message)}, status=status_code)


def strip_data_url(text: str) -> str:
    """Accept "data:image/png;base64,...." as well as bare base64 (whitespace ignored)."""
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]
    return "".join(text.split())
