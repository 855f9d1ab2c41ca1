"""export_all / import_all: a real instance's documents, read by the real engine and corrected,
restored into a second instance that already has its own admin (as `make setup` leaves it)."""

import json
import shutil

import pytest

SCENARIO = "from tests.deploy import scenario; scenario.{}()"


@pytest.fixture(scope="module")
def backup(new_instance, tmp_path_factory):
    """An instance with documents, exported; returns (instance, backup folder, what it held)."""
    source = new_instance()
    made = source.python(SCENARIO.format("populate"))
    assert made["tables"] >= 1
    folder = tmp_path_factory.mktemp("backup") / "backup"
    source.manage("export_all", str(folder))
    return source, folder, source.python(SCENARIO.format("fingerprint"))


def test_round_trip_restores_documents_results_corrections_and_files(new_instance, backup):
    _restore_and_compare(new_instance(), *backup[1:])


@pytest.mark.services
def test_round_trip_into_postgresql(new_instance, backup, database_url):
    """Rows keep their primary keys: PostgreSQL's sequences must be moved past them."""
    _restore_and_compare(new_instance(DATABASE_URL=database_url), *backup[1:])


def test_the_backup_is_readable_by_its_writer_only(backup):
    folder = backup[1]
    assert folder.stat().st_mode & 0o777 == 0o700
    for path in folder.rglob("*"):
        assert path.stat().st_mode & 0o077 == 0, path


def _restore_and_compare(target, folder, before) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["data"]["documents.document"]["rows"] == 3
    assert len(manifest["files"]) == 3 + 3  # originals, and the page images of the read pages
    assert manifest["active_documents"] == 1

    target.env |= {"OCRSITE_ADMIN_USER": "admin", "OCRSITE_ADMIN_PASSWORD": "target-admin-pw"}
    target.manage("ensure_admin")
    out = target.manage("import_all", str(folder))
    assert "already here, kept as they are" in out
    after = target.python(SCENARIO.format("fingerprint"))

    # The target's admin keeps its own password; everything else is as it was.
    before = json.loads(json.dumps(before))
    assert after["users"]["admin"][0] != before["users"]["admin"][0]
    for data in (before, after):
        data["users"]["admin"][0] = "kept"
    # The document that was waiting at export time is queued again, in a new run.
    waiting = {d["uid"] for d in before["documents"] if d["state"][0] == "queued"}
    for document in before["documents"] + after["documents"]:
        if document["uid"] in waiting:
            runs = document.pop("runs")
    assert runs == [["structure", {}, "queued", 0], ["structure", {}, "cancelled", 0]]
    assert after == before

    # New rows do not collide with the restored primary keys (an IntegrityError fails the call).
    new_pk = target.python(
        "import json; from django.contrib.auth.models import User;"
        " from django.core.files.base import ContentFile; from documents.services import uploads;"
        " from tests import pages;"
        " d = uploads.document_create(owner=User.objects.get(username='alice'),"
        " upload=ContentFile(pages.encode(pages.render_lines(['New'])), name='new.png'));"
        " print(json.dumps(d.pk))"
    )
    assert new_pk == 4  # after the restored documents 1-3


def test_import_refuses_a_damaged_backup_and_writes_nothing(new_instance, backup):
    _, folder, _ = backup
    damaged = folder.parent / "damaged"
    shutil.copytree(folder, damaged)
    manifest = json.loads((damaged / "manifest.json").read_text())
    victim = damaged / "files" / manifest["files"][0]["name"]
    victim.write_bytes(victim.read_bytes()[:-1] + b"\0")

    target = new_instance()
    with pytest.raises(AssertionError, match="the backup is damaged"):
        target.manage("import_all", str(damaged))
    assert target.python(
        "import json; from documents.models import Document; from django.conf import settings;"
        " print(json.dumps([Document.objects.count(),"
        " [str(p) for p in settings.MEDIA_ROOT.rglob('*') if p.is_file()]]))"
    ) == [0, []]


def test_import_refuses_an_instance_with_documents_and_export_a_used_folder(backup):
    source, folder, _ = backup
    with pytest.raises(AssertionError, match="already has 3 documents"):
        source.manage("import_all", str(folder))
    with pytest.raises(AssertionError, match="is not empty"):
        source.manage("export_all", str(folder))
