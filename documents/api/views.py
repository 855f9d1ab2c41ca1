"""Thin API views: validate the input, call one selector or service, shape the output.

A document someone may not see is "not found" for them, on every endpoint (reads, writes,
downloads), so its existence does not leak.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import ModelSerializer
from rest_framework.views import APIView

from documents import selectors, webhooks
from documents.errors import ApplicationError
from documents.models import Correction, Document, Page, Webhook
from documents.services import corrections, review, runs, uploads

from . import serializers as s

ERRORS = {
    400: OpenApiResponse(description="Invalid input (the error envelope)."),
    404: OpenApiResponse(description="No such object, or not yours."),
}


class DocumentPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


# The list pages by hand (an APIView has no paginator for drf-spectacular to read), so its
# parameters are named here, from the paginator's own settings.
PAGE_PARAMETERS = [
    OpenApiParameter(
        DocumentPagination.page_query_param, int, description="1-based; past the last page: 404."
    ),
    OpenApiParameter(
        DocumentPagination.page_size_query_param,
        int,
        description=f"Documents per page: {DocumentPagination.page_size} unless given, "
        f"at most {DocumentPagination.max_page_size}.",
    ),
]


def _document(request: Request, pk: int) -> Document:
    return get_object_or_404(selectors.document_visible(user=request.user), pk=pk)


def _detail(request: Request, pk: int) -> Response:
    try:
        document = selectors.document_get(user=request.user, pk=pk)
    except Document.DoesNotExist:
        raise ApplicationError(gettext("Not found."), code="not_found", status=404) from None
    return Response(s.DocumentDetailSerializer(document).data)


class ConfigApi(APIView):
    @extend_schema(responses={200: s.ConfigSerializer}, operation_id="config")
    def get(self, request: Request) -> Response:
        """The pipelines and options an upload may ask for here, with their defaults: only
        those whose models are installed are `available`."""
        return Response(s.ConfigSerializer(selectors.run_choices()).data)


class DocumentListApi(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        parameters=[s.DocumentFilterSerializer, *PAGE_PARAMETERS],
        responses={200: s.PaginatedDocumentListSerializer, **ERRORS},
        operation_id="documents_list",
    )
    def get(self, request: Request) -> Response:
        filters = s.DocumentFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        args = filters.validated_data
        documents = selectors.document_list(
            user=request.user,
            status=args.get("status"),
            owner=args.get("owner"),
            created_after=args.get("created_after"),
            created_before=args.get("created_before"),
            reviewed=args.get("reviewed"),
            search=args.get("q"),
        )
        paginator = DocumentPagination()
        page = paginator.paginate_queryset(documents, request, view=self)
        return paginator.get_paginated_response(s.DocumentSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": s.UploadInputSerializer},
        responses={201: s.UploadResultSerializer, **ERRORS},
        operation_id="documents_upload",
    )
    def post(self, request: Request) -> Response:
        """Upload one or more files; each good file becomes a queued document.

        Files that cannot be read are listed in `rejected` with the reason; the others are
        still created. When no file is accepted the answer is a 400 (413 when too large)."""
        data = s.UploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created, rejected = [], []
        for upload in data.validated_data["file"]:
            try:
                created.append(
                    uploads.document_create(
                        owner=request.user,
                        upload=upload,
                        pipeline=data.validated_data.get("pipeline"),
                        options=data.validated_data.get("options"),
                    )
                )
            except ApplicationError as e:
                if e.code == "invalid_options":
                    raise  # the same for every file of the request
                rejected.append({"name": upload.name, "code": e.code, "message": e.message})
        if not created:
            first = rejected[0]
            raise ApplicationError(
                first["message"] if len(rejected) == 1 else gettext("No file was accepted."),
                code=first["code"],
                status=413 if all(r["code"] == "too_large" for r in rejected) else 400,
                extra={"files": rejected},
            )
        documents = selectors.document_list(user=request.user).filter(
            pk__in=[d.pk for d in created]
        )
        body = {"documents": s.DocumentSerializer(documents, many=True).data, "rejected": rejected}
        return Response(body, status=status.HTTP_201_CREATED)


class DocumentDetailApi(APIView):
    @extend_schema(responses={200: s.DocumentDetailSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return _detail(request, pk)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request: Request, pk: int) -> Response:
        uploads.document_delete(document=_document(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentReprocessApi(APIView):
    @extend_schema(
        request=s.RunOptionsInputSerializer,
        responses={202: s.DocumentDetailSerializer, **ERRORS},
        operation_id="documents_reprocess",
    )
    def post(self, request: Request, pk: int) -> Response:
        """Run OCR again on every page, with other options if given (whatever the status)."""
        document = _document(request, pk)
        data = s.RunOptionsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        runs.document_reprocess(
            document=document,
            pipeline=data.validated_data.get("pipeline"),
            options=data.validated_data.get("options"),
        )
        response = _detail(request, pk)
        response.status_code = status.HTTP_202_ACCEPTED
        return response


class DocumentCancelApi(APIView):
    @extend_schema(
        request=None,
        responses={
            200: s.DocumentDetailSerializer,
            404: ERRORS[404],
            409: OpenApiResponse(description="Not queued or running (code not_active)."),
        },
        operation_id="documents_cancel",
    )
    def post(self, request: Request, pk: int) -> Response:
        """Stop a queued or running document (409 when it is not active)."""
        runs.ocr_run_cancel(document=_document(request, pk))
        return _detail(request, pk)


class DocumentReviewedApi(APIView):
    @extend_schema(
        request=s.ReviewedInputSerializer,
        responses={200: s.DocumentDetailSerializer, **ERRORS},
        operation_id="documents_reviewed",
    )
    def post(self, request: Request, pk: int) -> Response:
        """Mark the document (and all its pages) reviewed, or {"reviewed": false} to unmark."""
        data = s.ReviewedInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review.document_mark_reviewed(
            document=_document(request, pk), reviewed=data.validated_data["reviewed"]
        )
        return _detail(request, pk)


class DocumentOriginalApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): bytes, **ERRORS})
    def get(self, request: Request, pk: int) -> FileResponse:
        """The uploaded file, as it was uploaded."""
        document = _document(request, pk)
        return _file(document.original, document.mime_type, attachment=document.name)


def _page(request: Request, pk: int, number: int) -> Page:
    try:
        return selectors.page_get(user=request.user, document_pk=pk, number=number)
    except Page.DoesNotExist:
        raise ApplicationError(gettext("Not found."), code="not_found", status=404) from None


class PageDetailApi(APIView):
    @extend_schema(responses={200: s.PageDetailSerializer, **ERRORS})
    def get(self, request: Request, pk: int, number: int) -> Response:
        """One page with its blocks, lines and tables (boxes in ocr_width x ocr_height)."""
        return Response(s.PageDetailSerializer(_page(request, pk, number)).data)


class PageRawApi(APIView):
    @extend_schema(responses={200: s.PageRawSerializer, **ERRORS})
    def get(self, request: Request, pk: int, number: int) -> Response:
        """PaddleOCR's own page result, as the engine returned it."""
        return Response({"raw": _page(request, pk, number).raw})


class PageImageApi(APIView):
    @extend_schema(responses={(200, "image/png"): bytes, **ERRORS})
    def get(self, request: Request, pk: int, number: int) -> FileResponse:
        """The page image the engine read (PNG); 404 until the page has been rendered."""
        page = _page(request, pk, number)
        if not page.image:
            raise ApplicationError(
                gettext("The page has not been rendered yet."), code="not_rendered", status=404
            )
        return _file(page.image, "image/png")


class PageReviewedApi(APIView):
    @extend_schema(
        request=s.ReviewedInputSerializer,
        responses={200: s.PageSummarySerializer, **ERRORS},
        operation_id="pages_reviewed",
    )
    def post(self, request: Request, pk: int, number: int) -> Response:
        data = s.ReviewedInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        page = review.page_mark_reviewed(
            page=_page(request, pk, number), reviewed=data.validated_data["reviewed"]
        )
        return Response(s.PageSummarySerializer(page).data)


def _file(field: object, content_type: str, *, attachment: str | None = None) -> FileResponse:
    try:
        handle = field.open("rb")  # type: ignore[attr-defined]
    except FileNotFoundError:
        raise ApplicationError(
            gettext("The file is missing from storage; ask an administrator."),
            code="file_missing",
            status=410,
        ) from None
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=attachment is not None,
        filename=attachment or "",
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


class _CorrectionApi(APIView):
    """PATCH {"text": ...}: the staff's correction of one result (null removes it); the change
    is kept in the page's correction history."""

    output: type[ModelSerializer]

    def objects(self, request: Request) -> QuerySet:
        raise NotImplementedError

    def patch(self, request: Request, pk: int) -> Response:
        obj = get_object_or_404(self.objects(request), pk=pk)
        data = s.CorrectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        corrected = corrections.correct(obj, data.validated_data["text"], request.user)
        return Response(self.output(corrected).data)


@extend_schema(request=s.CorrectionInputSerializer, responses={200: s.LineSerializer, **ERRORS})
class LineApi(_CorrectionApi):
    output = s.LineSerializer

    def objects(self, request: Request) -> QuerySet:
        return selectors.line_visible(user=request.user)


@extend_schema(request=s.CorrectionInputSerializer, responses={200: s.BlockSerializer, **ERRORS})
class BlockApi(_CorrectionApi):
    output = s.BlockSerializer

    def objects(self, request: Request) -> QuerySet:
        return selectors.block_visible(user=request.user)


@extend_schema(
    request=s.CorrectionInputSerializer, responses={200: s.TableCellSerializer, **ERRORS}
)
class TableCellApi(_CorrectionApi):
    output = s.TableCellSerializer

    def objects(self, request: Request) -> QuerySet:
        return selectors.table_cell_visible(user=request.user)


def _correction(request: Request, pk: int) -> Correction:
    return get_object_or_404(selectors.correction_visible(user=request.user), pk=pk)


class CorrectionDropApi(APIView):
    @extend_schema(
        request=None,
        responses={200: s.CorrectionSerializer, 409: ERRORS[400], 404: ERRORS[404]},
    )
    def post(self, request: Request, pk: int) -> Response:
        """Let go of a correction that no result of the new run matched."""
        dropped = corrections.correction_drop(correction=_correction(request, pk))
        return Response(s.CorrectionSerializer(dropped).data)


# The kinds' result lists, to find the target a correction is re-applied to.
_RESULTS = {
    Correction.Kind.LINE: selectors.line_visible,
    Correction.Kind.BLOCK: selectors.block_visible,
    Correction.Kind.CELL: selectors.table_cell_visible,
}


class CorrectionReapplyApi(APIView):
    @extend_schema(
        request=s.ReapplyInputSerializer,
        responses={200: s.CorrectionSerializer, 409: ERRORS[400], **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        """Put a correction that was not placed on a result of the same kind and page; the
        new edit is recorded in the history, the unplaced one kept as history."""
        correction = _correction(request, pk)
        data = s.ReapplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target = (
            _RESULTS[correction.kind](user=request.user)
            .filter(pk=data.validated_data["target"])
            .first()
        )
        if target is None:
            raise ApplicationError(
                gettext("No %(kind)s %(id)d to put it on.")
                % {"kind": correction.get_kind_display(), "id": data.validated_data["target"]},
                code="no_target",
                status=400,
            )
        corrections.correction_reapply(correction=correction, result=target, user=request.user)
        correction.refresh_from_db()
        return Response(s.CorrectionSerializer(correction).data)


class WebhookListApi(APIView):
    @extend_schema(responses={200: s.WebhookSerializer(many=True)}, operation_id="webhooks_list")
    def get(self, request: Request) -> Response:
        """Your webhooks: called when one of your documents is done, failed or reviewed."""
        hooks = selectors.webhook_own(user=request.user)
        return Response(s.WebhookSerializer(hooks, many=True).data)

    @extend_schema(
        request=s.WebhookInputSerializer,
        responses={201: s.WebhookCreatedSerializer, **ERRORS},
        operation_id="webhooks_create",
    )
    def post(self, request: Request) -> Response:
        """Register a URL for your documents' events. The answer holds the secret the receiver
        checks the signature with: it is shown this once."""
        data = s.WebhookInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hook = webhooks.webhook_create(owner=request.user, **data.validated_data)
        return Response(s.WebhookCreatedSerializer(hook).data, status=status.HTTP_201_CREATED)


class WebhookDetailApi(APIView):
    def _hook(self, request: Request, pk: int) -> Webhook:
        return get_object_or_404(selectors.webhook_own(user=request.user), pk=pk)

    @extend_schema(responses={200: s.WebhookDetailSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        """The webhook with its latest deliveries and how each went."""
        return Response(s.WebhookDetailSerializer(self._hook(request, pk)).data)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request: Request, pk: int) -> Response:
        """Stop calling the URL; deliveries not sent yet are dropped with it."""
        self._hook(request, pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
