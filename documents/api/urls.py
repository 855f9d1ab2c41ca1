"""The REST API under /api/ (see /api/docs/ for the schema-driven reference)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import auth, exports, views

urlpatterns = [
    path("auth/login/", auth.LoginApi.as_view(), name="auth-login"),
    path("auth/logout/", auth.LogoutApi.as_view(), name="auth-logout"),
    path("auth/me/", auth.MeApi.as_view(), name="auth-me"),
    path("config/", views.ConfigApi.as_view(), name="config"),
    path("documents/", views.DocumentListApi.as_view(), name="document-list"),
    # Exports (api/exports.py); "export/" before the <int:pk> routes.
    path(
        "documents/export/",
        exports.DocumentExportManyApi.as_view(),
        name="document-export-many",
    ),
    path("documents/<int:pk>/", views.DocumentDetailApi.as_view(), name="document-detail"),
    path(
        "documents/<int:pk>/export/",
        exports.DocumentExportApi.as_view(),
        name="document-export",
    ),
    path(
        "documents/<int:pk>/original/",
        views.DocumentOriginalApi.as_view(),
        name="document-original",
    ),
    path(
        "documents/<int:pk>/reprocess/",
        views.DocumentReprocessApi.as_view(),
        name="document-reprocess",
    ),
    path("documents/<int:pk>/cancel/", views.DocumentCancelApi.as_view(), name="document-cancel"),
    path(
        "documents/<int:pk>/reviewed/",
        views.DocumentReviewedApi.as_view(),
        name="document-reviewed",
    ),
    path(
        "documents/<int:pk>/pages/<int:number>/",
        views.PageDetailApi.as_view(),
        name="page-detail",
    ),
    path(
        "documents/<int:pk>/pages/<int:number>/image/",
        views.PageImageApi.as_view(),
        name="page-image",
    ),
    path("documents/<int:pk>/pages/<int:number>/raw/", views.PageRawApi.as_view(), name="page-raw"),
    path(
        "documents/<int:pk>/pages/<int:number>/reviewed/",
        views.PageReviewedApi.as_view(),
        name="page-reviewed",
    ),
    path("lines/<int:pk>/", views.LineApi.as_view(), name="line-detail"),
    path("blocks/<int:pk>/", views.BlockApi.as_view(), name="block-detail"),
    path("table-cells/<int:pk>/", views.TableCellApi.as_view(), name="table-cell-detail"),
    path(
        "corrections/<int:pk>/drop/",
        views.CorrectionDropApi.as_view(),
        name="correction-drop",
    ),
    path(
        "corrections/<int:pk>/reapply/",
        views.CorrectionReapplyApi.as_view(),
        name="correction-reapply",
    ),
    path("webhooks/", views.WebhookListApi.as_view(), name="webhook-list"),
    path("webhooks/<int:pk>/", views.WebhookDetailApi.as_view(), name="webhook-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
