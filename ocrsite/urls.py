"""URL map: the API and the compatible /ocr endpoint, health probes, the admin, and last the
single-page app's catch-all so that client-side routes load index.html."""

from django.contrib import admin
from django.urls import include, path, re_path

from documents import health, spa
from documents.api.compat import ocr_compat

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/status/", health.status, name="status"),
    path("api/", include("documents.api.urls")),
    path("ocr", ocr_compat, name="ocr-compat"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    re_path(r"^(?!api/|admin/|static/|media/).*$", spa.index, name="spa"),
]
