"""Request bodies over the upload limit are refused before a byte of them is read.

The limit is the runtime setting `max_upload_mb` (OCRSITE_MAX_UPLOAD_MB, editable in the admin),
plus room for the multipart form around the file. Django reads a request body only up to its
Content-Length (a body without one is read as empty), so the announced length is the size that
counts: a larger one gets 413 here, and nothing of it lands in memory or in /tmp.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext

from .errors import error_body
from .selectors import runtime_config

MB = 1024 * 1024
FORM_SLACK = 1 * MB  # boundaries, headers and the form's other fields beside the file


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MB:  # below that no limit applies, so the settings are not read
            limit_mb = runtime_config().max_upload_mb
            if length > limit_mb * MB + FORM_SLACK:
                message = gettext("the upload is %(size).1f MB, over the limit of %(limit)d MB") % {
                    "size": length / MB,
                    "limit": limit_mb,
                }
                return JsonResponse(error_body("too_large", message), status=413)
        return self.get_response(request)
