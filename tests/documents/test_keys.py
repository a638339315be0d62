"""`firmdesk keys` (issue 19, items 2 and 8): rotation keeps every file
readable, also once the old master key is gone; encrypt-existing seals every
file stored before encryption, leaves no plaintext on disk, and can be
stopped anywhere and run again."""

import base64
import hashlib
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from firmdesk.audit.models import AuditEvent
from firmdesk.documents import crypto, keys
from firmdesk.documents.models import Document, DocumentVersion, FirmKey
from firmdesk.documents.services import document_upload
from firmdesk.documents.storage import current_key, read_plaintext

from .helpers import stored_files, upload

A, B, C = (base64.b64encode(bytes([n]) * 32).decode() for n in (0xA, 0xB, 0xC))
ID = {k: crypto.master_key_id(base64.b64decode(k)) for k in (A, B, C)}
MARKER = b"WITNESS-STATEMENT-UNREDACTED-7731 "


@pytest.fixture
def masters(settings):
    """Set the configured master keys, as an operator edits the environment."""

    def configure(*lines):
        settings.FIRMDESK_MASTER_KEY = ",".join(lines)
        crypto.forget_opened_keys()

    configure(A)
    yield configure
    crypto.forget_opened_keys()


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("keys", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def content_of(n: int) -> bytes:
    return b"%PDF-1.7\n" + MARKER * (300 * (n + 1)) + str(n).encode()


def fresh(version) -> DocumentVersion:
    return DocumentVersion.objects.for_firm(version.firm).get(pk=version.pk)


@pytest.fixture
def uploaded(firm, other_firm, attorney, outsider, masters):
    """Files of two firms, sealed under master key A."""
    versions = []
    for n, (org, actor) in enumerate([(firm, attorney)] * 3 + [(other_firm, outsider)]):
        document = document_upload(
            firm=org, actor=actor, uploaded_file=upload(f"f{n}.pdf", content_of(n))
        )
        versions.append(document.current_version)
    return versions


def assert_all_readable(versions):
    crypto.forget_opened_keys()
    for n, version in enumerate(versions):
        assert read_plaintext(fresh(version)) == content_of(n)


# --- Rotation -----------------------------------------------------------------------


def test_rotate_rewraps_under_the_new_master_and_the_old_one_can_go(
    uploaded, masters, firm, other_firm
):
    masters(A, B)
    output = run("rotate")
    assert "Hale & Ortiz LLP: re-wrapped 1 data key(s)" in output
    assert f"Every data key is wrapped by master key {ID[B]}" in output
    assert set(FirmKey.unscoped.values_list("master_key_id", flat=True)) == {ID[B]}
    masters(B)
    assert_all_readable(uploaded)
    event = AuditEvent.objects.get(org=firm, action="documents.keys_rotated")
    assert event.detail["rewrapped"] == 1 and event.actor is None


def test_rotate_is_idempotent_and_resumes_where_it_stopped(
    uploaded, masters, monkeypatch
):
    masters(A, B)
    real = keys._rotate_firm
    calls = []

    def crash_on_second(org, *args):
        calls.append(org)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(org, *args)

    monkeypatch.setattr(keys, "_rotate_firm", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        run("rotate")
    monkeypatch.setattr(keys, "_rotate_firm", real)
    assert sorted(FirmKey.unscoped.values_list("master_key_id", flat=True)) == sorted(
        [ID[A], ID[B]]
    )
    assert_all_readable(uploaded)  # half done: both master keys still open
    output = run("rotate")
    assert output.count("re-wrapped 1 data key(s)") == 1
    assert "already up to date" in output
    assert "already up to date" in run("rotate")
    masters(B)
    assert_all_readable(uploaded)


def test_rotate_with_new_data_keys_seals_new_files_with_them_and_keeps_old_ones(
    uploaded, masters, firm, attorney
):
    masters(A, B)
    output = run("rotate", "--data-keys")
    assert "Hale & Ortiz LLP: re-wrapped 1 data key(s); new data key 2" in output
    assert current_key(firm).number == 2
    later = document_upload(
        firm=firm, actor=attorney, uploaded_file=upload("later.pdf", content_of(9))
    ).current_version
    assert later.key.number == 2
    assert {v.key.number for v in map(fresh, uploaded[:3])} == {1}
    masters(B)
    assert_all_readable(uploaded)
    assert read_plaintext(fresh(later)) == content_of(9)
    assert set(FirmKey.unscoped.values_list("master_key_id", flat=True)) == {ID[B]}


def test_a_firm_whose_master_key_is_missing_is_reported_and_the_others_rotate(
    uploaded, masters, firm
):
    masters(A, B)
    run("rotate")
    # Firm A's key goes back to A's wrapping, then A is removed before rotating.
    masters(A)
    key = current_key(firm)
    data_key = crypto.unwrap(
        crypto.parse_master_keys(B)[0],
        bytes(FirmKey.unscoped.get(pk=key.pk).wrapped),
        firm_public_id=firm.public_id,
        number=key.number,
    )
    FirmKey.unscoped.filter(pk=key.pk).update(
        master_key_id=ID[A],
        wrapped=crypto.wrap(
            crypto.parse_master_keys(A)[0],
            data_key,
            firm_public_id=firm.public_id,
            number=key.number,
        ),
    )
    masters(B, C)
    with pytest.raises(CommandError) as failed:
        run("rotate")
    assert "1 firm(s) could not be rotated" in str(failed.value)
    assert failed.value.returncode == 1
    assert FirmKey.unscoped.get(pk=key.pk).master_key_id == ID[A]
    assert set(
        FirmKey.unscoped.exclude(pk=key.pk).values_list("master_key_id", flat=True)
    ) == {ID[C]}


# --- Status and new master keys ---------------------------------------------------


def test_status_names_the_master_keys_the_data_keys_and_the_plain_files(
    uploaded, masters, firm
):
    plain = make_plain(firm, "old.pdf", content_of(5))
    masters(A, B)
    record = json.loads(run("status", "--json"))
    assert record["master_keys"]["ids"] == [ID[A], ID[B]]
    assert record["master_keys"]["current"] == ID[B]
    assert record["master_keys"]["source"] == "environment"
    hale = next(f for f in record["firms"] if f["slug"] == "hale-ortiz")
    assert hale["plain_versions"] == 1
    assert hale["keys"] == [
        {
            "number": 1,
            "master_key_id": ID[A],
            "master_configured": True,
            "current": True,
            "versions": 3,
        }
    ]
    assert record["plain_versions"] == 1
    text = run("status")
    assert f"current: {ID[B]}" in text
    assert "(older)" in text and "run `firmdesk keys rotate`" in text
    assert "1 stored file(s) are not encrypted yet" in text
    assert plain.key is None


def test_new_master_appends_to_the_key_file_which_stays_private(
    settings, tmp_path, uploaded
):
    settings.FIRMDESK_MASTER_KEY = ""
    path = tmp_path / "master.keys"
    path.write_text(f"# ours\n{A}\n")
    path.chmod(0o600)
    settings.FIRMDESK_MASTER_KEY_FILE = path
    output = run("new-master")
    configured = crypto.master_keys()
    assert [k.id for k in configured][0] == ID[A] and len(configured) == 2
    assert f"Added master key {configured[-1].id}" in output
    assert path.read_text().startswith(f"# ours\n{A}\n")
    assert path.stat().st_mode & 0o777 == 0o600
    run("rotate")
    path.write_text(path.read_text().replace(A, "# removed"))
    assert_all_readable(uploaded)


def test_new_master_with_keys_in_the_environment_prints_one_to_add(masters):
    out, err = io.StringIO(), io.StringIO()
    call_command("keys", "new-master", stdout=out, stderr=err)
    [line] = out.getvalue().split()
    assert len(base64.b64decode(line)) == 32
    assert "Add the key above at its end" in err.getvalue()


def test_status_warns_when_the_key_file_can_be_read_by_others(settings, tmp_path, db):
    settings.FIRMDESK_MASTER_KEY = ""
    path = tmp_path / "master.keys"
    path.write_text(A + "\n")
    path.chmod(0o644)
    settings.FIRMDESK_MASTER_KEY_FILE = path
    assert f"chmod 600 {path}" in run("status")


# --- Encrypting files stored before encryption --------------------------------------


def make_plain(firm, name, content, actor=None) -> DocumentVersion:
    """A version as the code before issue 19 stored it: the bytes as they
    are, under the version's name, and no key."""
    document = Document.objects.create(firm=firm, title=name, created_by=actor)
    version = DocumentVersion(
        firm=firm,
        document=document,
        number=1,
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )
    version.file.save(name, ContentFile(content), save=False)
    version.save()
    document.current_version = version
    document.save(update_fields=["current_version"])
    return version


@pytest.fixture
def plain(firm, other_firm, masters):
    return [
        make_plain(org, f"old-{n}.pdf", content_of(n))
        for n, org in enumerate([firm, firm, firm, other_firm, other_firm])
    ]


def assert_no_plaintext_on_disk(root):
    for path in stored_files(root):
        data = path.read_bytes()
        assert MARKER not in data, path
        assert b"%PDF" not in data, path


def test_encrypt_existing_seals_every_plain_file_and_leaves_no_plaintext(
    plain, media_root, firm
):
    assert any(MARKER in p.read_bytes() for p in stored_files(media_root))
    output = run("encrypt-existing")
    assert "Encrypted 5 of 5 file(s)" in output
    assert all(fresh(v).key is not None for v in plain)
    assert_all_readable(plain)
    assert_no_plaintext_on_disk(media_root)
    assert len(stored_files(media_root)) == 5
    event = AuditEvent.objects.filter(org=firm, action="document.sealed").first()
    assert event.detail["version"] == 1 and "plain_file" in event.detail
    assert "Encrypted 0 of 0 file(s)" in run("encrypt-existing")


def test_a_dry_run_changes_nothing_and_names_missing_files(plain, media_root):
    (media_root / plain[1].file.name).unlink()
    before = sorted(p.read_bytes() for p in stored_files(media_root))
    output = run("encrypt-existing", "--dry-run")
    assert "5 file(s)" in output and "would be encrypted; 1 of them cannot be" in output
    assert "“old-1.pdf” version 1: the stored file is missing" in output
    assert sorted(p.read_bytes() for p in stored_files(media_root)) == before
    assert all(fresh(v).key is None for v in plain)


def test_one_firm_only(plain, firm):
    run("encrypt-existing", "--firm", firm.slug)
    assert [fresh(v).key is not None for v in plain] == [True] * 3 + [False] * 2


def test_a_file_that_is_not_the_one_uploaded_is_left_as_it_is_and_reported(
    plain, media_root
):
    path = media_root / plain[2].file.name
    path.write_bytes(path.read_bytes() + b"edited")
    with pytest.raises(CommandError) as failed:
        run("encrypt-existing")
    assert "1 file(s) were not encrypted" in str(failed.value)
    assert fresh(plain[2]).key is None and path.exists()
    assert [fresh(v).key is not None for v in plain] == [True, True, False, True, True]


def versions_state(plain, media_root):
    """Every version names a file that is there and reads back as uploaded."""
    crypto.forget_opened_keys()
    for n, version in enumerate(plain):
        now = fresh(version)
        assert (media_root / now.file.name).exists()
        assert read_plaintext(now) == content_of(n)
    return [fresh(v).key is not None for v in plain]


def test_stopped_while_sealing_leaves_each_file_plain_or_sealed_and_resumes(
    plain, media_root, monkeypatch
):
    real = keys.storage.store
    calls = []

    def crash_on_third(version, chunks, size, **kw):
        calls.append(version.pk)
        if len(calls) == 3:
            next(iter(chunks))  # half-read, as when the process is killed
            raise KeyboardInterrupt
        return real(version, chunks, size, **kw)

    monkeypatch.setattr(keys.storage, "store", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        run("encrypt-existing")
    monkeypatch.setattr(keys.storage, "store", real)
    # Firms go by name: Brandt Legal's two, then Hale & Ortiz's.
    assert versions_state(plain, media_root) == [False, False, False, True, True]
    assert "Encrypted 3 of 3 file(s)" in run("encrypt-existing")
    assert versions_state(plain, media_root) == [True] * 5
    assert_no_plaintext_on_disk(media_root)


def test_stopped_between_the_row_and_deleting_the_plain_file_resumes_cleanly(
    plain, media_root, monkeypatch
):
    storage_class = type(keys.document_storage())
    real_delete = storage_class.delete

    def crash(self, name):
        raise KeyboardInterrupt

    monkeypatch.setattr(storage_class, "delete", crash)
    with pytest.raises(KeyboardInterrupt):
        run("encrypt-existing")
    monkeypatch.setattr(storage_class, "delete", real_delete)
    # The first version (Brandt Legal's: firms go by name) is sealed; its
    # plain file is still on disk.
    assert versions_state(plain, media_root) == [False, False, False, True, False]
    assert any(MARKER in p.read_bytes() for p in stored_files(media_root))
    output = run("encrypt-existing")
    assert "Removed 1 unencrypted file(s) an earlier run had stopped" in output
    assert "Encrypted 4 of 4 file(s)" in output
    assert versions_state(plain, media_root) == [True] * 5
    assert_no_plaintext_on_disk(media_root)


def test_stopped_before_the_row_names_the_sealed_copy_leaves_only_ciphertext_behind(
    plain, media_root, monkeypatch
):
    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(keys, "_sync_file", crash)
    with pytest.raises(KeyboardInterrupt):
        run("encrypt-existing")
    monkeypatch.undo()
    assert versions_state(plain, media_root) == [False] * 5
    orphans = [p for p in stored_files(media_root) if p.read_bytes()[:4] == b"FDE1"]
    assert len(orphans) == 1
    run("encrypt-existing")
    assert versions_state(plain, media_root) == [True] * 5
    assert_no_plaintext_on_disk(media_root)
