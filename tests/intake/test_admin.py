"""Admins define intake folders in the admin; a folder that could not work is refused with the
reason, and the files taken are listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from documents.models import IntakeFolder
from tests.documents import files
from tests.intake.conftest import settle

pytestmark = pytest.mark.django_db

ADD = "/admin/documents/intakefolder/add/"


def form(path: Path | str, owner, **fields) -> dict:
    return {
        "path": str(path),
        "owner": owner.pk,
        "pipeline": "",
        "options": "{}",
        "output_path": "",
        "write_when": "done",
        "enabled": "on",
        **fields,
    }


def errors(response) -> dict:
    assert response.status_code == 200, "the form was accepted"
    return {name: " ".join(e) for name, e in response.context["adminform"].form.errors.items()}


def test_an_admin_adds_a_folder_with_its_output(admin_client, user, tmp_path):
    (tmp_path / "scans").mkdir()
    response = admin_client.post(
        ADD,
        form(
            tmp_path / "scans/",
            user,
            output_path=str(tmp_path / "out"),
            output_formats=["pdf", "txt"],
            options='{"use_doc_orientation_classify": true}',
        ),
    )
    assert response.status_code == 302, errors(response)
    folder = IntakeFolder.objects.get()
    assert (folder.path, folder.output_formats) == (str(tmp_path / "scans"), ["pdf", "txt"])
    assert admin_client.get("/admin/documents/intakefolder/").status_code == 200


def test_folders_that_could_not_work_are_refused(admin_client, user, tmp_path):
    scans = tmp_path / "scans"
    scans.mkdir()
    IntakeFolder.objects.create(path=str(tmp_path / "other"), owner=user)

    assert "absolute path" in errors(admin_client.post(ADD, form("scans", user)))["path"]
    missing = errors(admin_client.post(ADD, form(tmp_path / "nowhere", user)))
    assert "is not a folder on this server" in missing["path"]
    windows = errors(admin_client.post(ADD, form("C:\\Scans\\Intake", user)))
    assert windows["path"] == "/mnt/c/Scans/Intake is not a folder on this server"
    (tmp_path / "other" / "inner").mkdir(parents=True)
    overlap = errors(admin_client.post(ADD, form(tmp_path / "other" / "inner", user)))
    assert "overlaps the intake folder" in overlap["path"]
    inside = errors(
        admin_client.post(
            ADD, form(scans, user, output_path=str(scans / "out"), output_formats=["txt"])
        )
    )
    assert "outside the intake folder" in inside["output_path"]
    nothing = errors(admin_client.post(ADD, form(scans, user, output_path=str(tmp_path / "o"))))
    assert "choose what to write" in nothing["output_formats"]
    option = errors(admin_client.post(ADD, form(scans, user, options='{"use_magic": true}')))
    assert "use_magic" in option["options"]
    assert IntakeFolder.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_files_taken_are_listed(admin_client, user, tmp_path, watcher):
    (tmp_path / "scans").mkdir()
    IntakeFolder.objects.create(path=str(tmp_path / "scans"), owner=user)
    (tmp_path / "scans" / "scan.png").write_bytes(files.png())
    settle(watcher)
    page = admin_client.get("/admin/documents/intakefile/").content.decode()
    assert "scan.png" in page and "done/scan.png" in page
