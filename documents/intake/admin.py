"""The intake folders' admin pages: folders (with what the watcher last saw) and the files
taken from them (read-only: the watcher writes them). Registered by documents/admin.py."""

from __future__ import annotations

import re
from pathlib import Path

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from documents.errors import ApplicationError
from documents.exports import FORMATS
from documents.models import IntakeFile, IntakeFolder
from documents.selectors import runtime_config
from documents.services import uploads


class IntakeFolderForm(forms.ModelForm):
    output_formats = forms.MultipleChoiceField(
        label=_("output formats"),
        choices=[(name, name) for name in FORMATS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Written to the output folder (pdf: the page images with their text, searchable)."
        ),
    )

    class Meta:
        model = IntakeFolder
        fields = "__all__"

    def clean_path(self) -> str:
        path = _absolute(
            self.cleaned_data["path"],
            gettext("the path must be an absolute path, e.g. /mnt/c/Scans"),
        )
        if not Path(path).is_dir():
            raise forms.ValidationError(
                gettext("%(path)s is not a folder on this server") % {"path": path}
            )
        for other in IntakeFolder.objects.exclude(pk=self.instance.pk):
            if Path(path).is_relative_to(other.path) or Path(other.path).is_relative_to(path):
                raise forms.ValidationError(
                    gettext("overlaps the intake folder %(path)s: a file would be taken twice")
                    % {"path": other.path}
                )
        return path

    def clean_output_path(self) -> str:
        output = self.cleaned_data["output_path"].strip()
        refused = gettext("the output folder must be an absolute path, e.g. /mnt/c/Scans")
        return _absolute(output, refused) if output else ""

    def clean(self) -> dict:
        data = super().clean()
        path, output = data.get("path"), data.get("output_path")
        if path and output and Path(output).is_relative_to(path):
            self.add_error(
                "output_path",
                gettext(
                    "must be outside the intake folder: results written there would be taken "
                    "as new scans"
                ),
            )
        if output and not data.get("output_formats"):
            self.add_error("output_formats", gettext("choose what to write to the output folder"))
        config = runtime_config()
        try:
            uploads.options_validate(
                pipeline=data.get("pipeline") or config.pipeline,
                options=data.get("options") or {},
                text_models=config.text_models,
            )
        except ApplicationError as e:
            self.add_error("options", e.message)
        return data


def _absolute(value: str, refused: str) -> str:
    """The path as given, or a Windows drive path (C:\\Scans) as WSL2 sees it (/mnt/c/Scans);
    a relative path is refused with the message `refused`."""
    value = value.strip()
    if drive := re.match(r"([A-Za-z]):[\\/]", value):
        rest = value[3:].replace("\\", "/")
        value = f"/mnt/{drive[1].lower()}/{rest}"
    path = Path(value)
    if not path.is_absolute():
        raise forms.ValidationError(refused)
    return str(path)


@admin.register(IntakeFolder)
class IntakeFolderAdmin(admin.ModelAdmin):
    form = IntakeFolderForm
    list_display = ["path", "owner", "enabled", "pipeline", "output_path", "files_waiting",
                    "scanned_at", "last_error"]  # fmt: skip
    list_filter = ["enabled"]
    search_fields = ["path", "output_path", "owner__username"]
    fieldsets = [
        (None, {"fields": ["path", "owner", "owner_subfolders", "enabled"]}),
        (_("OCR"), {"fields": ["pipeline", "options"]}),
        (_("Results"), {"fields": ["output_path", "output_formats", "write_when"]}),
        (
            _("What the watcher last saw"),
            {"fields": ["scanned_at", "files_waiting", "last_error", "last_error_at"]},
        ),
    ]
    readonly_fields = ["scanned_at", "files_waiting", "last_error", "last_error_at"]
    raw_id_fields = ["owner"]


@admin.register(IntakeFile)
class IntakeFileAdmin(admin.ModelAdmin):
    list_display = ["name", "folder", "state", "document", "moved_to", "written_at",
                    "write_error", "created_at"]  # fmt: skip
    list_filter = ["state", "folder"]
    search_fields = ["name", "sha256", "moved_to", "error"]
    list_select_related = ["folder", "document"]
    readonly_fields = ["folder", "name", "sha256", "state", "document", "moved_to", "error",
                       "written_at", "write_error", "created_at"]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the watcher records the files it takes

    def has_change_permission(self, request: HttpRequest, obj: IntakeFile | None = None) -> bool:
        return False
