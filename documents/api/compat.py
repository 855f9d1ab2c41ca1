"""`POST /ocr`: the original Flask service's endpoint, kept so its clients only change the URL
(and send a token).

Request: JSON {"image": "<base64 of an image or a PDF>", "use_...": true|false, ...}.
Answer: {"success": true, "result": [PaddleOCR page result, one per page]} or
{"success": false, "error": "..."} with a 4xx/5xx status. The structure pipeline runs here, in
the request, on this process's engine.
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

from documents.engine import pages as page_files
from documents.engine.errors import BadImageError, EngineError, ModelMissingError
from documents.engine_settings import configured_engine
from documents.selectors import runtime_config

logger = logging.getLogger(__name__)

# Options the old service passed on to PaddleOCR's predict(); other keys are ignored as it did.
OPTION_PREFIXES = ("use_", "text_")


def _fail(message: str, code: int) -> Response:
    return Response({"success": False, "error": message}, status=code)


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
            400: OpenApiResponse(description='{"success": false, "error": "..."}'),
        },
        operation_id="ocr_compat",
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict) or not request.data.get("image"):
            return _fail('send JSON {"image": "<base64>"}', status.HTTP_400_BAD_REQUEST)
        try:
            data = base64.b64decode(_strip_data_url(str(request.data["image"])), validate=True)
        except (binascii.Error, ValueError):
            return _fail("image is not valid base64", status.HTTP_400_BAD_REQUEST)
        options = {k: v for k, v in request.data.items() if k.startswith(OPTION_PREFIXES)}
        config = runtime_config()
        try:
            page_files.inspect(
                data,
                max_pages=config.max_pages,
                max_pixels=config.max_page_pixels,
                dpi=config.pdf_dpi,
            )
            engine = configured_engine(backend=config.backend, precision=config.precision)
            result = [
                engine.run(page.image, pipeline="structure", options=options).raw
                for page in page_files.iter_pages(
                    data, dpi=config.pdf_dpi, max_pixels=config.max_page_pixels
                )
            ]
        except ModelMissingError as e:
            return _fail(str(e), status.HTTP_503_SERVICE_UNAVAILABLE)
        except (BadImageError, EngineError) as e:
            return _fail(str(e), status.HTTP_400_BAD_REQUEST)
        return Response({"success": True, "result": result})

    def handle_exception(self, exc: Exception) -> Response:
        """Every error in the old service's shape, authentication ones included."""
        if isinstance(exc, exceptions.APIException):
            response = super().handle_exception(exc)
            failed = _fail(str(exc.detail), response.status_code)
            if "WWW-Authenticate" in response:
                failed["WWW-Authenticate"] = response["WWW-Authenticate"]
            return failed
        logger.exception("/ocr failed")
        return _fail(f"internal error: {exc}", status.HTTP_500_INTERNAL_SERVER_ERROR)


def _strip_data_url(text: str) -> str:
    """Accept "data:image/png;base64,...." as well as bare base64 (whitespace ignored)."""
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]
    return "".join(text.split())


ocr_compat: Any = OcrCompatApi.as_view()
