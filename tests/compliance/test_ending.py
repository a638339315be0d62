"""Ending an engagement (issue 20, Build 1): access cut at once, sessions and
feeds included; open work back with the firm; the export, encrypted for the
firm; the provider's certificate of return or destruction."""

import csv
import datetime
import hashlib
import io
import logging

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.compliance import ending, export
from firmdesk.compliance.models import DataReturnCertificate, EngagementExport
from firmdesk.documents.models import documents_storage
from firmdesk.engagements import services as engagement_services
from firmdesk.engagements.models import Assignment, Engagement
from firmdesk.matters.models import MatterScreen
from firmdesk.notify.models import Notification
from firmdesk.orgs.models import StaffProfile, UserSession
from firmdesk.scheduling import services as scheduling_services
from firmdesk.work.models import Task
from tests import factories as f

from .ending_helpers import PASSPHRASE, csv_text, open_zip, work_done


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def only_here(provider, engagement, matter):
    """Provider staff who serve firm A only, through this engagement."""
    user = f.member(
        provider, ["assistant"], email="solo@northstar.test", full_name="Sol Ames"
    )
    f.assign(engagement, user)
    f.grant(engagement, matter, user)
    return user


def _close(firm, firm_admin, engagement, **kwargs):
    return ending.engagement_close(
        scope=resolve_scope(firm_admin, firm),
        engagement=engagement,
        reason=kwargs.pop("reason", "The pilot did not pay off."),
        **kwargs,
    )


def _signed_in(user) -> Client:
    return f.sign_in(Client(), user)


def test_ending_signs_the_staff_out_and_turns_off_their_feeds(
    firm, firm_admin, engagement, matter, only_here
):
    feed = scheduling_services.feed_create(
        scope=resolve_scope(only_here, firm), actor=only_here
    )
    feed_url = reverse("scheduling:calendar_feed", args=[feed.token])
    browser = _signed_in(only_here)
    today = reverse("today:firm_today", args=[firm.slug])
    assert browser.get(today).status_code == 200
    assert Client().get(feed_url).status_code == 200

    _close(firm, firm_admin, engagement)

    response = browser.get(today)
    assert response.status_code == 302 and response.url.startswith("/login/")
    assert Client().get(feed_url).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert not UserSession.objects.filter(user=only_here, ended_at=None).exists()
    # Signed in again, the firm's pages and files are not there for them.
    again = _signed_in(only_here)
    for url in (
        today,
        reverse("matters:matter_detail", args=[firm.slug, matter.public_id]),
    ):
        assert again.get(url).status_code == 404


def test_ended_staff_get_404_for_the_files_they_uploaded(
    firm, firm_admin, engagement, matter, attorney, only_here
):
    _, _, document = work_done(firm, engagement, matter, only_here, attorney)
    url = reverse("documents:version_download", args=[firm.slug, document.public_id, 1])
    assert _signed_in(only_here).get(url).status_code == 200

    _close(firm, firm_admin, engagement)

    assert _signed_in(only_here).get(url).status_code == 404


def test_someone_still_on_another_live_engagement_with_the_firm_stays_signed_in(
    firm, firm_admin, provider, engagement, matter, only_here
):
    second = f.engagement(firm, provider, name="Reception cover")
    f.assign(second, only_here)
    f.grant(second, matter, only_here)
    browser = _signed_in(only_here)

    _close(firm, firm_admin, engagement)

    assert browser.get(reverse("today:firm_today", args=[firm.slug])).status_code == 200
    assert UserSession.objects.filter(user=only_here, ended_at=None).exists()


def test_open_tasks_come_back_to_the_firm_and_reviewed_work_stays(
    firm, firm_admin, engagement, matter, attorney, only_here
):
    open_task, done, _ = work_done(firm, engagement, matter, only_here, attorney)
    submitted = f.task(
        firm,
        matter=matter,
        assignee=only_here,
        engagement=engagement,
        title="Waiting for review",
        status=Task.Status.SUBMITTED,
    )

    closed = _close(firm, firm_admin, engagement)

    assert closed.tasks_returned == 1
    open_task.refresh_from_db()
    assert open_task.assignee is None and open_task.engagement is None
    assert open_task.status == Task.Status.OPEN
    assert "Back with the firm" in open_task.handover_note
    assert "Sol Ames" in open_task.handover_note
    submitted.refresh_from_db()
    done.refresh_from_db()
    assert submitted.assignee == only_here and done.assignee == only_here
    assert AuditEvent.objects.filter(
        org=firm, action="task.handed_over", object_id=str(open_task.public_id)
    ).exists()


def test_ending_opens_the_certificate_and_tells_the_providers_admins(
    firm, firm_admin, engagement, provider_admin, only_here
):
    closed = _close(firm, firm_admin, engagement)

    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.ENDED
    assert closed.certificate.status == DataReturnCertificate.Status.AWAITING
    note = Notification.objects.get(user=provider_admin)
    assert note.url == reverse(
        "engagements:provider_return_certify",
        args=["northstar", closed.certificate.public_id],
    )
    actions = set(AuditEvent.objects.filter(org=firm).values_list("action", flat=True))
    assert {
        "engagement.ended",
        "engagement.return_certificate_requested",
    } <= actions
    assert closed.export is None  # no passphrase: exported later


def test_a_short_passphrase_is_refused_before_anything_ends(
    firm, firm_admin, engagement, only_here
):
    with pytest.raises(ServiceError) as error:
        _close(firm, firm_admin, engagement, passphrase="too short")
    assert error.value.field == "passphrase"
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.ACTIVE
    assert not DataReturnCertificate.objects.for_firm(firm).exists()


def test_only_a_firm_admin_ends_an_engagement(firm, attorney, engagement):
    with pytest.raises(ServiceError):
        _close(firm, attorney, engagement)
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.ACTIVE


def test_the_export_opens_with_the_passphrase_and_holds_the_work(
    firm, firm_admin, engagement, matter, attorney, only_here, caplog
):
    caplog.set_level(logging.DEBUG)
    _, _, document = work_done(firm, engagement, matter, only_here, attorney)

    closed = _close(firm, firm_admin, engagement, passphrase=PASSPHRASE)

    row = closed.export
    assert row.status == EngagementExport.Status.READY
    content = export.export_content(scope=resolve_scope(firm_admin, firm), export=row)
    assert hashlib.sha256(content).hexdigest() == row.sha256
    files = open_zip(content)
    tasks = list(csv.DictReader(io.StringIO(csv_text(files, "tasks.csv"))))
    assert {t["title"] for t in tasks} == {
        "Calendar the Lopez deposition",
        "Draft the notice of appearance",
    }
    assert "Sol Ames <solo@northstar.test>" in {t["assignee"] for t in tasks}
    reviews = list(csv.DictReader(io.StringIO(csv_text(files, "reviews.csv"))))
    assert reviews[0]["decision"] == "Approved"
    times = list(csv.DictReader(io.StringIO(csv_text(files, "time_entries.csv"))))
    assert times[0]["minutes"] == "42"
    granted = csv_text(files, "matters_granted.csv")
    assert "M-2026-001" in granted
    assert "solo@northstar.test" in csv_text(files, "agreements.csv")
    audit = list(csv.DictReader(io.StringIO(csv_text(files, "audit_trail.csv"))))
    assert ("solo@northstar.test", "document.uploaded") in {
        (a["person"], a["action"]) for a in audit
    }
    (doc_path,) = [p for p in files if p.startswith("documents/")]
    assert doc_path.startswith("documents/M-2026-001/")
    assert files[doc_path] == b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
    readme = files["README.txt"].decode()
    for path, data in files.items():
        if path != "README.txt":
            assert f"{hashlib.sha256(data).hexdigest()}  {path}" in readme
    # The passphrase is nowhere: not in the rows, the audit trail or the logs.
    assert PASSPHRASE not in str(list(EngagementExport.objects.for_firm(firm).values()))
    assert not any(
        PASSPHRASE in str(e.detail) + e.summary
        for e in AuditEvent.objects.filter(org=firm)
    )
    assert PASSPHRASE not in caplog.text


def test_a_wrong_passphrase_does_not_open_the_export(
    firm, firm_admin, engagement, only_here
):
    closed = _close(firm, firm_admin, engagement, passphrase=PASSPHRASE)
    content = export.export_content(
        scope=resolve_scope(firm_admin, firm), export=closed.export
    )
    with pytest.raises(RuntimeError):
        open_zip(content, "not the right passphrase")


def test_the_export_is_sealed_at_rest(firm, firm_admin, engagement, only_here):
    closed = _close(firm, firm_admin, engagement, passphrase=PASSPHRASE)
    with documents_storage().open(closed.export.file.name, "rb") as stored:
        raw = stored.read()
    assert not raw.startswith(b"PK")  # not the zip itself
    assert raw.startswith(b"FDE1")  # FirmDesk's sealed form


def test_a_second_export_is_possible_with_a_new_passphrase(
    firm, firm_admin, engagement, only_here
):
    _close(firm, firm_admin, engagement)
    scope = resolve_scope(firm_admin, firm)
    row = ending.export_again(
        scope=scope, engagement=engagement, passphrase="another long passphrase"
    )
    assert row.status == EngagementExport.Status.READY
    files = open_zip(
        export.export_content(scope=scope, export=row), "another long passphrase"
    )
    assert "tasks.csv" in files and "README.txt" in files
    assert AuditEvent.objects.filter(
        org=firm, action="engagement.export_downloaded"
    ).exists()


def test_a_live_engagement_cannot_be_exported(firm, firm_admin, engagement):
    with pytest.raises(ServiceError):
        ending.export_again(
            scope=resolve_scope(firm_admin, firm),
            engagement=engagement,
            passphrase=PASSPHRASE,
        )


def _certify(provider, provider_admin, certificate, **changes):
    fields = {
        "method": "destroyed",
        "completed_on": timezone.localdate() - datetime.timedelta(days=1),
        "items": [
            ending.Item("Two downloaded drafts on a laptop", "Deleted, bin emptied")
        ],
        "statement": "",
        "typed_name": "Rosa Quint",
    }
    fields.update(changes)
    return ending.certificate_certify(
        actor=provider_admin, provider=provider, certificate=certificate, **fields
    )


def test_the_provider_admin_certifies_and_the_firm_gets_a_signed_pdf(
    firm, firm_admin, provider, provider_admin, engagement, only_here
):
    closed = _close(firm, firm_admin, engagement)

    certificate = _certify(provider, provider_admin, closed.certificate)

    assert certificate.status == DataReturnCertificate.Status.CERTIFIED
    pdf = ending.certificate_download(
        scope=resolve_scope(firm_admin, firm), actor=firm_admin, certificate=certificate
    )
    assert hashlib.sha256(pdf).hexdigest() == certificate.sha256
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Rosa Quint" in text and "Two downloaded drafts on a laptop" in text
    assert "Hale & Ortiz LLP" in text and "Destroyed" in text
    events = AuditEvent.objects.filter(org=firm)
    assert events.filter(action="engagement.return_certified", actor=provider_admin)
    assert events.filter(action="engagement.return_certificate_downloaded")
    assert Notification.objects.filter(
        user=firm_admin, kind="engagement.return_certified"
    ).exists()


def test_a_certificate_is_signed_once(
    firm, firm_admin, provider, provider_admin, engagement
):
    closed = _close(firm, firm_admin, engagement)
    _certify(provider, provider_admin, closed.certificate)
    with pytest.raises(ServiceError):
        _certify(provider, provider_admin, closed.certificate)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"completed_on": datetime.date(2999, 1, 1)}, "completed_on"),
        ({"items": []}, "items"),
        ({"typed_name": "  "}, "typed_name"),
    ],
)
def test_an_incomplete_certificate_is_refused(
    firm, firm_admin, provider, provider_admin, engagement, changes, field
):
    closed = _close(firm, firm_admin, engagement)
    with pytest.raises(ServiceError) as error:
        _certify(provider, provider_admin, closed.certificate, **changes)
    assert error.value.field == field
    closed.certificate.refresh_from_db()
    assert closed.certificate.status == DataReturnCertificate.Status.AWAITING


def test_none_held_needs_no_items(
    firm, firm_admin, provider, provider_admin, engagement
):
    closed = _close(firm, firm_admin, engagement)
    certificate = _certify(
        provider, provider_admin, closed.certificate, method="none_held", items=[]
    )
    assert certificate.status == DataReturnCertificate.Status.CERTIFIED


def test_a_changed_certificate_file_is_refused(
    firm, firm_admin, provider, provider_admin, engagement
):
    closed = _close(firm, firm_admin, engagement)
    certificate = _certify(provider, provider_admin, closed.certificate)
    DataReturnCertificate.objects.for_firm(firm).filter(pk=certificate.pk).update(
        sha256="0" * 64
    )
    certificate.refresh_from_db()
    from firmdesk.documents.crypto import TamperedFile

    with pytest.raises(TamperedFile):
        ending.certificate_pdf(certificate=certificate)


def test_removing_someone_from_the_engagement_signs_them_out(
    firm, firm_admin, engagement, only_here
):
    browser = _signed_in(only_here)
    assignment = Assignment.objects.for_firm(firm).get(
        engagement=engagement, user=only_here
    )
    engagement_services.assignment_end(
        scope=resolve_scope(firm_admin, firm), assignment=assignment
    )
    response = browser.get(reverse("today:firm_today", args=[firm.slug]))
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_removing_someone_still_on_another_engagement_keeps_them_signed_in(
    firm, firm_admin, provider, engagement, matter, only_here
):
    second = f.engagement(firm, provider, name="Reception cover")
    f.assign(second, only_here)
    browser = _signed_in(only_here)
    assignment = Assignment.objects.for_firm(firm).get(
        engagement=engagement, user=only_here
    )
    engagement_services.assignment_end(
        scope=resolve_scope(firm_admin, firm), assignment=assignment
    )
    assert browser.get(reverse("today:firm_today", args=[firm.slug])).status_code == 200


def test_staff_who_leave_are_signed_out_and_their_feeds_turned_off(
    firm, provider, provider_admin, engagement, only_here
):
    feed = scheduling_services.feed_create(
        scope=resolve_scope(only_here, firm), actor=only_here
    )
    browser = _signed_in(only_here)
    profile = StaffProfile.objects.get(user=only_here)

    ending.staff_left(
        actor=provider_admin,
        provider=provider,
        profile=profile,
        left_on=timezone.localdate(),
    )

    assert browser.get(reverse("today:home")).status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert AuditEvent.objects.filter(
        org=firm, action="staff.access_revoked", object_id=str(only_here.public_id)
    ).exists()


def test_an_admin_screened_from_a_matter_exports_without_it(
    firm, firm_admin, engagement, matter, attorney, only_here
):
    work_done(firm, engagement, matter, only_here, attorney)
    elsewhere = f.MatterFactory(firm=firm, number="M-2026-002", title="Other matter")
    f.task(
        firm,
        matter=elsewhere,
        assignee=only_here,
        engagement=engagement,
        title="Open work on another matter",
    )
    MatterScreen.objects.for_firm(firm).create(
        firm=firm, matter=matter, user=firm_admin, reason="Former client"
    )
    scope = resolve_scope(firm_admin, firm)
    preview = ending.ending_preview(scope=scope, engagement=engagement)
    assert [t.title for p in preview for t in p.open_tasks] == [
        "Open work on another matter"
    ]

    closed = _close(firm, firm_admin, engagement, passphrase=PASSPHRASE)

    files = open_zip(export.export_content(scope=scope, export=closed.export))
    tasks = csv_text(files, "tasks.csv")
    assert "Open work on another matter" in tasks
    assert "Lopez" not in tasks and "M-2026-001" not in tasks
    assert not [p for p in files if p.startswith("documents/")]
    assert str(matter.public_id) not in csv_text(files, "audit_trail.csv")
    assert "screened from are" in files["README.txt"].decode()
