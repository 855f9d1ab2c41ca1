"""Downloads of the corrected results.

    GET /api/documents/{id}/export/?format=txt|md|json|pdf|docx|xlsx|csv
    GET /api/documents/export/?ids=1,2&formats=txt,pdf        (a ZIP with manifest.json)

The same visibility as every other endpoint: someone else's document is a 404. A document
whose OCR has not finished exports the pages that are done, and says so: the header
`X-Export-Incomplete: true` (with `X-Export-Pages: done/total`), a notice inside the file
where the format has room for one, and `complete: false` in the JSON and the ZIP manifest.
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.request import Request
from rest_framework.views import APIView

from documents.errors import ApplicationError
from documents.exports import FORMATS, ZIP_CONTENT_TYPE, export_document
from documents.exports.downloads import MAX_DOCUMENTS_PER_ZIP, progress_headers, zip_download
from documents.exports.errors import ExportError
from documents.exports.from_models import export_from_model
from documents.selectors import document_visible

ERRORS = {
    400: OpenApiResponse(description="Unknown format or bad ids (the error envelope)."),
    404: OpenApiResponse(description="No such document, or not yours."),
}


class FirstRenderer(BaseContentNegotiation):
    """`?format=` names the export format here, not a DRF renderer: errors are JSON."""

    def select_parser(self, request, parsers):  # type: ignore[no-untyped-def]
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):  # type: ignore[no-untyped-def]
        return renderers[0], renderers[0].media_type


def _comma_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=sorted(FORMATS))


class ExportManyQuerySerializer(serializers.Serializer):
    ids = serializers.CharField(help_text="Document ids, comma-separated, e.g. 1,2,3.")
    formats = serializers.CharField(help_text=f"Comma-separated: {', '.join(FORMATS)}.")

    def validate_ids(self, value: str) -> list[int]:
        items = _comma_list(value)
        if not items or not all(item.isdigit() for item in items):
            raise serializers.ValidationError(
                gettext("Give document ids as numbers separated by commas.")
            )
        ids = list(dict.fromkeys(int(item) for item in items))
        if len(ids) > MAX_DOCUMENTS_PER_ZIP:
            raise serializers.ValidationError(
                ngettext(
                    "At most %(count)d document per export.",
                    "At most %(count)d documents per export.",
                    MAX_DOCUMENTS_PER_ZIP,
                )
                % {"count": MAX_DOCUMENTS_PER_ZIP}
            )
        return ids

    def validate_formats(self, value: str) -> list[str]:
        formats = list(dict.fromkeys(_comma_list(value)))
        unknown = [f for f in formats if f not in FORMATS]
        if not formats or unknown:
            raise serializers.ValidationError(
                gettext("Unknown format %(unknown)s; choose from %(formats)s.")
                % {
                    "unknown": ", ".join(unknown) or gettext("(none)"),
                    "formats": ", ".join(FORMATS),
                }
            )
        return formats


def _export_failed(error: ExportError) -> ApplicationError:
    return ApplicationError(str(error), code="export_failed", status=500)


class DocumentExportApi(APIView):
    content_negotiation_class = FirstRenderer

    @extend_schema(
        parameters=[ExportQuerySerializer],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **ERRORS},
        operation_id="documents_export",
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        """The document's corrected results in one format, as a file download."""
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        document = get_object_or_404(document_visible(user=request.user), pk=pk)
        doc = export_from_model(document)
        try:
            exported = export_document(doc, query.validated_data["format"])
        except ExportError as e:
            raise _export_failed(e) from None
        response = HttpResponse(exported.data, content_type=exported.content_type)
        response["Content-Disposition"] = content_disposition_header(True, exported.filename)
        progress_headers(response, [doc])
        return response


class DocumentExportManyApi(APIView):
    content_negotiation_class = FirstRenderer

    @extend_schema(
        parameters=[
            OpenApiParameter("ids", str, required=True, description="e.g. 1,2,3"),
            OpenApiParameter("formats", str, required=True, description="e.g. txt,pdf"),
        ],
        responses={(200, ZIP_CONTENT_TYPE): OpenApiTypes.BINARY, **ERRORS},
        operation_id="documents_export_many",
    )
    def get(self, request: Request) -> FileResponse:
        """Several documents in several formats as one ZIP with a manifest.json."""
        query = ExportManyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        ids, formats = query.validated_data["ids"], query.validated_data["formats"]
        found = document_visible(user=request.user).in_bulk(ids)
        if missing := [i for i in ids if i not in found]:
            raise ApplicationError(
                gettext("Document %(id)d not found.") % {"id": missing[0]},
                code="not_found",
                status=404,
            )
        try:
            return zip_download([found[pk] for pk in ids], formats)
        except ExportError as e:
            raise _export_failed(e) from None
