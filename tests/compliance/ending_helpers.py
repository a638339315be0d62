"""Shared by the ending tests: an engagement with work done under it, and
reading the export the way the firm will (pyzipper and the passphrase)."""

import datetime
import io

import pyzipper
from django.core.files.uploadedfile import SimpleUploadedFile

from firmdesk.billing.models import TimeEntry
from firmdesk.documents.services import document_upload
from firmdesk.work.models import Review, Task
from tests import factories as f

PASSPHRASE = "blue heron at dawn"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def work_done(firm, engagement, matter, person, reviewer):
    """What ``person`` did for the firm: an open task, a task approved after a
    review, time on it, and a document they uploaded to the matter."""
    open_task = f.task(
        firm,
        matter=matter,
        assignee=person,
        engagement=engagement,
        title="Calendar the Lopez deposition",
        status=Task.Status.IN_PROGRESS,
        minutes_logged=25,
    )
    done = f.task(
        firm,
        matter=matter,
        assignee=person,
        engagement=engagement,
        title="Draft the notice of appearance",
        status=Task.Status.APPROVED,
    )
    Review.objects.for_firm(firm).create(
        firm=firm, task=done, reviewer=reviewer, decision="approved", comment="Fine"
    )
    TimeEntry.objects.for_firm(firm).create(
        firm=firm,
        timekeeper=person,
        matter=matter,
        task=done,
        engagement=engagement,
        date=datetime.date(2026, 11, 30),
        minutes=42,
        narrative="Drafted notice of appearance",
        outside_staff=True,
    )
    document = document_upload(
        firm=firm,
        actor=person,
        matter=matter,
        uploaded_file=SimpleUploadedFile("notice.pdf", PDF),
        title="Notice of appearance",
    )
    done.attachments.add(document)
    return open_task, done, document


def open_zip(content: bytes, passphrase: str = PASSPHRASE) -> dict[str, bytes]:
    with pyzipper.AESZipFile(io.BytesIO(content)) as archive:
        archive.setpassword(passphrase.encode())
        return {name: archive.read(name) for name in archive.namelist()}


def csv_text(files: dict, name: str) -> str:
    return files[name].decode("utf-8-sig")
