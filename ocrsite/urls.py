"""URL map: the API, the PaddleX serving endpoints (/ocr, /layout-parsing), health probes, the
admin, and last the single-page app's catch-all so that client-side routes load index.html."""

from django.contrib import admin
from django.urls import include, path, re_path

from documents import health, spa
from documents.api import paddlex_serving

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/status/", health.status, name="status"),
    path("api/", include("documents.api.urls")),
    # PaddleX serving's endpoints (and /ocr's original shape), where its clients expect them.
    path("ocr", paddlex_serving.ocr, name="ocr-compat"),
    path("layout-parsing", paddlex_serving.layout_parsing, name="layout-parsing"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    re_path(r"^(?!api/|admin/|static/|media/).*$", spa.index, name="spa"),
]
