from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        # Connects the worker's engine warm-up to django-q2's post_spawn signal.
        from documents import tasks  # noqa: F401
