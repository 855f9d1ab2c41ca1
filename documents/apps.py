from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        # Connects the worker's engine warm-up to django-q2's post_spawn signal, the sign-in
        # failure counter to Django's, and registers the check that refuses an engine setting
        # that cannot run here.
        from documents import checks, login_throttle, tasks  # noqa: F401
