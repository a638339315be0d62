"""`firmdesk keys encrypt-existing` on a copy of the demo (issue 19, "Done
means"): its stored files, turned back into the plain files the code before
encryption at rest wrote, are all readable afterwards, and no stored byte on
disk holds their contents."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from firmdesk.documents import crypto
from firmdesk.documents.models import DocumentVersion
from firmdesk.documents.storage import read_plaintext
from firmdesk.orgs.models import Organization

# Loading the demo for this module takes about 25 s.
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("demo_loaded", "db")]


def _versions():
    return [
        version
        for org in Organization.objects.order_by("pk")
        for version in DocumentVersion.objects.for_firm(org).select_related("document")
    ]


def _samples(data: bytes) -> list[bytes]:
    """Stretches of a file's contents that must not be found on disk: the
    whole of a short file, else 48 bytes from each of several places."""
    if len(data) <= 48:
        return [data]
    step = max(1, (len(data) - 48) // 8)
    return [data[at : at + 48] for at in range(0, len(data) - 47, step)]


def test_every_demo_file_is_readable_after_encrypt_existing_and_none_is_plain(
    settings, tmp_path
):
    versions = _versions()
    assert versions, "the demo stores files"
    contents = {v.pk: read_plaintext(v) for v in versions}

    # As before issue 19: the bytes as they are, in MEDIA_ROOT, and no key.
    settings.MEDIA_ROOT = tmp_path / "media"
    for version in versions:
        version.file.save(
            version.original_name, ContentFile(contents[version.pk]), save=False
        )
        DocumentVersion.objects.for_firm(version.firm).filter(pk=version.pk).update(
            file=version.file.name, key=None
        )
    stored = [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert any(contents[versions[0].pk] in p.read_bytes() for p in stored)

    out = io.StringIO()
    call_command("keys", "encrypt-existing", stdout=out, stderr=io.StringIO())
    assert f"Encrypted {len(versions)} of {len(versions)} file(s)" in out.getvalue()

    crypto.forget_opened_keys()
    for version in _versions():
        assert version.key is not None
        assert read_plaintext(version) == contents[version.pk]
    on_disk = [p.read_bytes() for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert len(on_disk) == len(versions)
    for data in contents.values():
        for sample in _samples(data):
            assert not any(sample in stored_bytes for stored_bytes in on_disk)
