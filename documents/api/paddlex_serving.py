"""PaddleX serving's endpoints, so that a client written for `paddlex --serve` (PaddleOCR 3.x's
serving) works against ocrsite unchanged: `POST /layout-parsing` (PP-StructureV3, our structure
pipeline) and `POST /ocr` with a "file" (PP-OCR, our ocr pipeline; a body with an "image" is the
original service's shape, compat.py).

Request, by PaddleX 3.x's field names (camelCase): {"file": "<base64>" or "file:///path",
"fileType": 0 (PDF) | 1 (image) | null, "useDocOrientationClassify": true, ..., "logId": ...}.
Keys PaddleX does not know are ignored, as its request models ignore them. A file:// URL must
name a file in a folder the administrator listed (OCRSITE_SERVING_FILE_DIRS); nothing is ever
fetched from another host. Without fileType the type comes from the content.

Answer, as PaddleX's: {"logId", "result": {"layoutParsingResults" | "ocrResults": [one per
page], "dataInfo"}, "errorCode": 0, "errorMsg": "Success"}; an error: {"logId", "errorCode":
<the HTTP status>, "errorMsg": <why, in words>} with that status (422 where our API says 400,
as PaddleX does for a request it cannot process).

The file becomes a document like any upload: owned by the token's user, else by the runtime
settings' serving user (none set: anonymous clients get 401), read by the queue ahead of other
pages while the request waits (sync_ocr.py), and kept, so it appears in the review app.

PaddleX is not imported: its schemas pull in its inference package, and web processes hold no
engine. The shapes are written here after paddlex/inference/serving/schemas/.
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from PIL import Image, ImageDraw
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from documents.engine import pages as page_files
from documents.engine.errors import BadImageError
from documents.errors import ApplicationError
from documents.models import Page
from documents.selectors import serving_user
from documents.sync_ocr import read_now

from . import compat

logger = logging.getLogger(__name__)

# PaddleX's request fields that our pipelines take: (our option, the field's JSON type).
PAGE_OPTIONS: dict[str, tuple[str, type]] = {
    "useDocOrientationClassify": ("use_doc_orientation_classify", bool),
    "useDocUnwarping": ("use_doc_unwarping", bool),
    "useTextlineOrientation": ("use_textline_orientation", bool),
    "textDetLimitSideLen": ("text_det_limit_side_len", int),
    "textDetLimitType": ("text_det_limit_type", str),
    "textDetThresh": ("text_det_thresh", float),
    "textDetBoxThresh": ("text_det_box_thresh", float),
    "textDetUnclipRatio": ("text_det_unclip_ratio", float),
    "textRecScoreThresh": ("text_rec_score_thresh", float),
}
LAYOUT_OPTIONS: dict[str, tuple[str, type]] = {
    **PAGE_OPTIONS,
    "useSealRecognition": ("use_seal_recognition", bool),
    "useTableRecognition": ("use_table_recognition", bool),
    "useFormulaRecognition": ("use_formula_recognition", bool),
    "useChartRecognition": ("use_chart_recognition", bool),
}
# PaddleX's fields our pipelines have no setting for, with the values that ask for what the
# server does anyway (PaddleX's defaults): those and null are accepted, any other is refused.
LAYOUT_FIXED: dict[str, tuple[Any, ...]] = {
    **dict.fromkeys(
        (
            "useRegionDetection",
            "formatBlockContent",
            "layoutThreshold",
            "layoutNms",
            "layoutUnclipRatio",
            "layoutMergeBboxesMode",
            "sealDetLimitSideLen",
            "sealDetLimitType",
            "sealDetThresh",
            "sealDetBoxThresh",
            "sealDetUnclipRatio",
            "sealRecScoreThresh",
            "markdownIgnoreLabels",
            "outputFormats",
        ),
        (),
    ),
    "useWiredTableCellsTransToHtml": (False,),
    "useWirelessTableCellsTransToHtml": (False,),
    "useTableOrientationClassify": (True,),
    "useOcrResultsWithTableCells": (True,),
    "useE2eWiredTableRecModel": (False,),
    "useE2eWirelessTableRecModel": (True,),
    "prettifyMarkdown": (True,),
    "showFormulaNumber": (False,),
}
OCR_FIXED: dict[str, tuple[Any, ...]] = {"returnWordBox": (False,)}
TYPE_WORDS = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}
# What PaddleX leaves out of every result it returns.
PRUNED_KEYS = ("input_path", "page_index")
# A figure the structure pipeline's Markdown links to, named after its box on the page as the
# engine read it (PaddleX's layout_parsing.utils.construct_img_path).
# The largest image PaddleX returns (serving's max_output_img_size); larger ones are shrunk.
MAX_OUTPUT_IMAGE = (2000, 2000)
FIGURE_LINK = re.compile(r"imgs/img_in_[a-z_]+_box_(-?\d+)_(-?\d+)_(-?\d+)_(-?\d+)\.jpg")


@dataclass(frozen=True)
class ServingRequest:
    file: str
    file_type: int | None
    options: dict[str, Any]  # by our names
    visualize: bool | None
    markdown_images: bool


@dataclass(frozen=True)
class Endpoint:
    path: str
    pipeline: str
    results_key: str
    options: dict[str, tuple[str, type]]
    fixed: dict[str, tuple[Any, ...]]
    result: Callable[[Page, ServingRequest], dict[str, Any]]


def _layout_result(page: Page, request: ServingRequest) -> dict[str, Any]:
    draws = request.visualize is not False  # PaddleX's images, unless told not to
    linked = request.markdown_images and FIGURE_LINK.search(page.markdown)
    picture = PagePicture(page) if page.image and (draws or linked) else None
    return {
        "prunedResult": pruned(page.raw),
        "markdown": {
            "text": page.markdown,
            "images": figures(page, picture) if request.markdown_images else None,
            # Whether the page starts/ends mid-paragraph needs the layout's line geometry, which
            # is not kept: every page stands alone, PaddleX's own value when it cannot tell.
            "isStart": True,
            "isEnd": True,
        },
        # No layout drawings: an empty dict where PaddleX would have some, so that clients
        # iterating over them (as its documentation's do) run unchanged.
        "outputImages": {} if draws else None,
        "inputImage": _jpeg(picture.stored) if picture and draws else None,
    }


def _ocr_result(page: Page, request: ServingRequest) -> dict[str, Any]:
    images: dict[str, str | None] = dict.fromkeys(
        ("ocrImage", "docPreprocessingImage", "inputImage")
    )
    if page.image and request.visualize is not False:  # PaddleX draws them unless told not to
        picture = PagePicture(page)
        preprocessed = (page.raw.get("model_settings") or {}).get("use_doc_preprocessor")
        images = {
            "ocrImage": _jpeg(picture.with_lines(page.raw.get("rec_polys") or [])),
            "docPreprocessingImage": _jpeg(picture.upright) if preprocessed else None,
            "inputImage": _jpeg(picture.stored),
        }
    return {"prunedResult": pruned(page.raw), **images}


class PagePicture:
    """A page's stored image, and the page as the engine read it, which its boxes are on."""

    def __init__(self, page: Page) -> None:
        with page.image.open("rb") as stored, Image.open(stored) as image:
            self.stored = image.convert("RGB")
        # PaddleX turned the page by its angle, counter-clockwise as PIL turns.
        self.upright = self.stored.rotate(page.angle, expand=True)
        # The engine may have read the page smaller than it is stored (its pixel limit).
        self.scale = self.upright.width / (page.ocr_width or self.upright.width)

    def crop(self, box: tuple[int, ...]) -> Image.Image:
        return self.upright.crop(tuple(round(max(0, v) * self.scale) for v in box))

    def with_lines(self, polygons: list[list[list[float]]]) -> Image.Image:
        """The upright page with each text line's polygon drawn on it (PaddleX's ocrImage)."""
        drawn = self.upright.copy()
        draw = ImageDraw.Draw(drawn)
        for polygon in polygons:
            points = [(x * self.scale, y * self.scale) for x, y in polygon]
            draw.polygon(points, outline=(0, 160, 0), width=3)
        return drawn


def figures(page: Page, picture: PagePicture | None) -> dict[str, str]:
    """The figures the page's Markdown links to, as PaddleX returns them (JPEG, base64), cut
    from the stored page image: the engine keeps no crops."""
    links = list(FIGURE_LINK.finditer(page.markdown))
    if not links or picture is None:
        return {}
    return {
        link.group(0): _jpeg(picture.crop(tuple(int(v) for v in link.groups()))) for link in links
    }


def _jpeg(image: Image.Image, fit: tuple[int, int] = MAX_OUTPUT_IMAGE) -> str:
    """Base64 of the image as JPEG, at most `fit` (PaddleX's limit for what it returns)."""
    if image.width > fit[0] or image.height > fit[1]:
        image = image.copy()
        image.thumbnail(fit)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


LAYOUT = Endpoint(
    "layout-parsing",
    "structure",
    "layoutParsingResults",
    LAYOUT_OPTIONS,
    LAYOUT_FIXED,
    _layout_result,
)
OCR = Endpoint("ocr", "ocr", "ocrResults", PAGE_OPTIONS, OCR_FIXED, _ocr_result)


def _invalid(message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid", status=status.HTTP_422_UNPROCESSABLE_ENTITY)


def _is(value: Any, kind: type) -> bool:
    if isinstance(value, bool):  # JSON's true is not a number
        return kind is bool
    return isinstance(value, (int, float) if kind is float else kind)


def parse(data: Any, endpoint: Endpoint) -> ServingRequest:
    """The request's fields, checked; raises ApplicationError (422) saying which is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("file"), str) or not data["file"]:
        raise _invalid('send a JSON object {"file": "<base64 or file:// URL>", "fileType": 0 | 1}')
    file_type = data.get("fileType")
    if file_type is not None and (not _is(file_type, int) or file_type not in (0, 1)):
        raise _invalid("fileType must be 0 (PDF), 1 (image) or null")
    options = {}
    for name, (option, kind) in endpoint.options.items():
        value = data.get(name)
        if value is None:  # PaddleX's null: the pipeline's default
            continue
        if not _is(value, kind):
            raise _invalid(f"{name} must be {TYPE_WORDS[kind]} or null")
        options[option] = value
    for name, accepted in endpoint.fixed.items():
        value = data.get(name)
        if value is not None and not any(value is ok for ok in accepted):  # True is not 1
            also = "".join(f" or send {str(ok).lower()}" for ok in accepted)
            raise _invalid(f"{name} is not supported by this server: leave it out{also}")
    flags = {}
    for name in ("visualize", "returnMarkdownImages"):
        flags[name] = data.get(name)
        if flags[name] is not None and not isinstance(flags[name], bool):
            raise _invalid(f"{name} must be true, false or null")
    return ServingRequest(
        file=data["file"],
        file_type=file_type,
        options=options,
        visualize=flags["visualize"],
        markdown_images=flags["returnMarkdownImages"] is not False,
    )


def serving_owner(request: Request) -> AbstractBaseUser:
    """The token's user; without one, the user the administrator gave anonymous clients."""
    if request.user.is_authenticated:
        return request.user
    owner = serving_user()
    if owner is None:
        raise exceptions.NotAuthenticated(
            "send a token (Authorization: Token ...): this server takes no anonymous PaddleX "
            "clients unless an administrator sets a serving user in the runtime settings"
        )
    return owner


@contextmanager
def opened(file: str, name: str) -> Iterator[File]:
    """The request's file: base64, or a file:// URL in an allowed folder (opened for as long
    as the context lasts). PaddleX fetches http(s) URLs; this server fetches nothing."""
    if file.startswith(("http://", "https://")):
        raise _invalid(
            "this server fetches no URLs: send the file as base64, or as a file:// URL in a "
            "folder the administrator allowed"
        )
    if not file.startswith("file:"):
        try:
            data = base64.b64decode(compat.strip_data_url(file), validate=True)
        except (binascii.Error, ValueError):
            raise _invalid("file is neither valid base64 nor a file:// URL") from None
        yield ContentFile(data, name=name)
        return
    path = allowed_path(file)
    try:
        handle = path.open("rb")
    except OSError:
        raise _invalid(f"{file}: the server cannot read it") from None
    with handle:
        yield File(handle, name=path.name)


def allowed_path(url: str) -> Path:
    """The file a file:// URL names, once symlinks and ".." are resolved, if it lies in one of
    the folders OCRSITE_SERVING_FILE_DIRS lists; else ApplicationError."""
    parts = urlsplit(url)
    path = Path(url2pathname(parts.path))
    if parts.netloc not in ("", "localhost") or not path.is_absolute():
        raise _invalid(f"{url}: a file:// URL names a file on this server: file:///folder/name")
    try:
        resolved = path.resolve()  # the real file, wherever links and ".." lead
    except (OSError, RuntimeError, ValueError):  # a link loop, a NUL byte
        raise _invalid(f"{url}: no such file") from None
    folders = [Path(d).resolve() for d in settings.SERVING_FILE_DIRS]
    if not any(resolved.is_relative_to(folder) for folder in folders):
        raise ApplicationError(
            f"{url}: not in a folder this server lets PaddleX clients read",
            code="path_refused",
            status=status.HTTP_403_FORBIDDEN,
        )
    if not resolved.is_file():
        raise _invalid(f"{url}: no such file")
    return resolved


def check_file_type(upload: File, file_type: int | None) -> None:
    """Refuse a file whose content is not what fileType says (0: PDF, 1: image)."""
    head = upload.read(1024)
    upload.seek(0)
    try:
        detected = page_files.detect_type(head)
    except BadImageError:
        return  # not a file we read at all: document_create says why, as for any upload
    if file_type is not None and (file_type == 0) != (detected == "pdf"):
        said = "0 (PDF)" if file_type == 0 else "1 (image)"
        found = "a PDF" if detected == "pdf" else f"a {detected.upper()} image"
        raise _invalid(f"fileType is {said} but the file is {found}")


def pruned(value: Any) -> Any:
    """A page's result as PaddleX answers it: without its keys in PRUNED_KEYS, at every depth."""
    if isinstance(value, dict):
        return {k: pruned(v) for k, v in value.items() if k not in PRUNED_KEYS}
    if isinstance(value, list):
        return [pruned(v) for v in value]
    return value


def data_info(pages: list[Page]) -> dict[str, Any]:
    """PaddleX's dataInfo: the input's kind and its pages' sizes (as rendered for reading)."""
    sizes = [{"width": page.width, "height": page.height} for page in pages]
    if pages[0].document.file_type == "pdf":
        return {"numPages": len(pages), "pages": sizes, "type": "pdf"}
    if len(pages) > 1:  # a multi-page TIFF
        return {"numPages": len(pages), "pages": sizes, "type": "tiff"}
    return {**sizes[0], "type": "image"}


def serve(request: Request, endpoint: Endpoint, log_id: str) -> Response:
    owner = serving_owner(request)
    wanted = parse(request.data, endpoint)
    with opened(wanted.file, name=f"{endpoint.path} {log_id}") as upload:
        check_file_type(upload, wanted.file_type)
        pages = read_now(
            owner=owner,
            upload=upload,
            options=wanted.options,
            pipeline=endpoint.pipeline,
            keep=True,
        )
    results = [endpoint.result(page, wanted) for page in pages]
    return Response(
        {
            "logId": log_id,
            "result": {endpoint.results_key: results, "dataInfo": data_info(pages)},
            "errorCode": 0,
            "errorMsg": "Success",
        }
    )


def _failure(log_id: str, status_code: int, message: str) -> Response:
    return Response(
        {"logId": log_id, "errorCode": status_code, "errorMsg": message}, status=status_code
    )


def _request_schema(name: str, endpoint: Endpoint) -> serializers.Serializer:
    kinds = {
        bool: serializers.BooleanField,
        int: serializers.IntegerField,
        float: serializers.FloatField,
        str: serializers.CharField,
    }
    fields: dict[str, serializers.Field] = {
        "file": serializers.CharField(
            help_text="Base64 of the file, or a file:// URL in a folder the server allows."
        ),
        "fileType": serializers.ChoiceField(
            choices=[0, 1], allow_null=True, required=False, help_text="0: PDF, 1: image."
        ),
        "logId": serializers.CharField(allow_null=True, required=False),
        "visualize": serializers.BooleanField(allow_null=True, required=False),
    }
    if endpoint is LAYOUT:
        fields["returnMarkdownImages"] = serializers.BooleanField(allow_null=True, required=False)
    for field, (_, kind) in endpoint.options.items():
        fields[field] = kinds[kind](allow_null=True, required=False)
    return inline_serializer(name, fields)  # drf-spectacular adds "Request" to the name


def _response_schema(name: str, endpoint: Endpoint) -> serializers.Serializer:
    result = {
        endpoint.results_key: serializers.ListField(child=serializers.DictField()),
        "dataInfo": serializers.DictField(),
    }
    return inline_serializer(
        name,
        {
            "logId": serializers.CharField(),
            "result": inline_serializer(f"{name}Result", result),
            "errorCode": serializers.IntegerField(),
            "errorMsg": serializers.CharField(),
        },
    )


_ERROR = OpenApiResponse(description='{"logId": ..., "errorCode": <status>, "errorMsg": ...}')
_ERRORS = {code: _ERROR for code in (401, 403, 413, 422, 503, 504)}
_OCR_REQUEST = PolymorphicProxySerializer(
    component_name="Ocr",
    serializers=[_request_schema("OcrServing", OCR), compat.REQUEST],
    resource_type_field_name=None,
)
_OCR_RESPONSE = PolymorphicProxySerializer(
    component_name="OcrResponse",
    serializers=[_response_schema("OcrServingResponse", OCR), compat.RESULT],
    resource_type_field_name=None,
)


class ServingApi(APIView):
    """A PaddleX serving endpoint: `endpoint` says which."""

    # Token first, so that a client without credentials gets 401 and a WWW-Authenticate header.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    # Anyone gets in; serving_owner() then decides whose the document is, or refuses.
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    endpoint: Endpoint
    _log_id: str | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """In English whatever Accept-Language says: PaddleX clients (and the original /ocr's)
        are programs that read errorMsg and error.message as PaddleX and the old service wrote
        them."""
        with translation.override("en"):
            return super().dispatch(request, *args, **kwargs)

    def perform_authentication(self, request: Request) -> None:
        """Deferred to the first use of request.user, after the body is read: /ocr answers a
        bad token in the shape of the body it came with."""

    def log_id(self) -> str:
        """The request's logId (PaddleX echoes a client's), else a new UUID; one per request."""
        if self._log_id is None:
            try:
                data = self.request.data
            except exceptions.APIException:
                data = None
            given = data.get("logId") if isinstance(data, dict) else None
            self._log_id = given if isinstance(given, str) and given else str(uuid.uuid4())
        return self._log_id

    def post(self, request: Request) -> Response:
        return serve(request, self.endpoint, self.log_id())

    def handle_exception(self, exc: Exception) -> Response:
        """Every error in PaddleX's shape, with our message (never an exception's text)."""
        if isinstance(exc, ApplicationError):
            # PaddleX answers 422 to a request it cannot process, where our API says 400.
            code = status.HTTP_422_UNPROCESSABLE_ENTITY if exc.status == 400 else exc.status
            return _failure(self.log_id(), code, exc.message)
        if isinstance(exc, exceptions.ParseError):
            return _failure(
                self.log_id(),
                status.HTTP_422_UNPROCESSABLE_ENTITY,
                'the body is not JSON: send {"file": "<base64>", "fileType": 0 | 1}',
            )
        if isinstance(exc, exceptions.APIException):
            response = super().handle_exception(exc)  # DRF's status and WWW-Authenticate
            failed = _failure(self.log_id(), response.status_code, str(exc.detail))
            if "WWW-Authenticate" in response:
                failed["WWW-Authenticate"] = response["WWW-Authenticate"]
            return failed
        logger.exception("/%s failed", self.endpoint.path)
        return _failure(
            self.log_id(), status.HTTP_500_INTERNAL_SERVER_ERROR, "Internal server error"
        )


class LayoutParsingApi(ServingApi):
    endpoint = LAYOUT

    @extend_schema(
        request=_request_schema("LayoutParsing", LAYOUT),
        responses={200: _response_schema("LayoutParsingResponse", LAYOUT), **_ERRORS},
        operation_id="layout_parsing",
        description="PaddleX serving's PP-StructureV3 endpoint: the file becomes a document, "
        "read now ahead of other pages, and kept.",
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class OcrApi(ServingApi):
    """`POST /ocr`: PaddleX serving's OCR for a body with a "file", else the original service's
    shape (compat.py), which stays as it was, token required."""

    endpoint = OCR
    # The original shape until the body says otherwise: it was here first, and a body that is
    # not JSON says nothing.
    original_shape = True

    @extend_schema(
        request=_OCR_REQUEST,
        responses={
            200: _OCR_RESPONSE,
            400: OpenApiResponse(description='{"success": false, "error": {"code": ...}}'),
            **_ERRORS,
        },
        operation_id="ocr_compat",
        description='PaddleX serving\'s OCR endpoint for a body with a "file" (the document is '
        'kept), else the original service\'s {"image": ...} (nothing is kept).',
    )
    def post(self, request: Request) -> Response:
        if isinstance(request.data, dict) and "file" in request.data:
            self.original_shape = False
            return super().post(request)
        return compat.answer(request)

    def handle_exception(self, exc: Exception) -> Response:
        if self.original_shape:
            return compat.error_response(self, exc)
        return super().handle_exception(exc)


layout_parsing: Any = LayoutParsingApi.as_view()
ocr: Any = OcrApi.as_view()
