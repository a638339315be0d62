"""The pages of ending an engagement (issue 20): the firm admin's ending page
(password confirmed again first), the engagement's page after the end, the
export and certificate downloads, and the provider admin's certificate."""

import datetime
import io
import time
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from firmdesk.audit.models import AuditEvent
from firmdesk.compliance.models import DataReturnCertificate, EngagementExport
from firmdesk.documents.models import documents_storage
from firmdesk.engagements.models import Engagement
from firmdesk.web.accounts import reauth
from firmdesk.work.models import Task
from tests import factories as f
from tests.compliance.ending_helpers import PASSPHRASE, csv_text, open_zip, work_done


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def only_here(provider, engagement, matter):
    user = f.member(
        provider, ["assistant"], email="solo@northstar.test", full_name="Sol Ames"
    )
    f.assign(engagement, user)
    f.grant(engagement, matter, user)
    return user


def end_url(firm, engagement):
    return reverse("engagements:engagement_end", args=[firm.slug, engagement.public_id])


def detail_url(firm, engagement):
    return reverse(
        "engagements:engagement_detail", args=[firm.slug, engagement.public_id]
    )


def confirmed(user) -> Client:
    client = f.sign_in(Client(), user)
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time())
    session.save()
    return client


def unconfirmed(user) -> Client:
    client = f.sign_in(Client(), user)
    session = client.session
    session.pop(reauth.SESSION_KEY, None)
    session.save()
    return client


def _ending(reason="The pilot did not pay off.", passphrase=PASSPHRASE, again=None):
    return {
        "reason": reason,
        "passphrase": passphrase,
        "passphrase_again": passphrase if again is None else again,
        "confirm": "on",
    }


def test_the_ending_page_asks_for_the_password_again_first(
    firm, firm_admin, engagement
):
    response = unconfirmed(firm_admin).get(end_url(firm, engagement))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:confirm"))


def test_an_attorney_gets_404_not_the_confirm_page(firm, attorney, engagement):
    assert unconfirmed(attorney).get(end_url(firm, engagement)).status_code == 404


def test_the_ending_page_shows_who_loses_access_and_their_open_work(
    firm, firm_admin, provider, engagement, matter, attorney, only_here, assistant
):
    work_done(firm, engagement, matter, only_here, attorney)
    second = f.engagement(firm, provider, name="Reception cover")
    f.assign(second, assistant)

    page = confirmed(firm_admin).get(end_url(firm, engagement)).content.decode()

    row = page[page.index("Sol Ames") :][:1200]
    assert "Ends now" in row and "Calendar the Lopez deposition" in row
    kept = page[page.index("Priya Nair") :][:600]
    assert "Kept" in kept and "another engagement" in kept


def test_ending_through_the_page_ends_exports_and_asks_the_provider(
    firm, firm_admin, engagement, matter, attorney, only_here
):
    work_done(firm, engagement, matter, only_here, attorney)
    staff = f.sign_in(Client(), only_here)
    admin = confirmed(firm_admin)

    response = admin.post(end_url(firm, engagement), _ending())

    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.ENDED
    said = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "1 person lost access" in said and "1 open task came back" in said
    assert staff.get(reverse("today:home")).url.startswith("/login/")

    page = admin.get(detail_url(firm, engagement)).content.decode()
    assert "Awaiting the provider" in page and "since" in page
    row = EngagementExport.objects.for_firm(firm).get(engagement=engagement)
    download = reverse(
        "engagements:engagement_export_download",
        args=[firm.slug, engagement.public_id, row.public_id],
    )
    assert escape(download) in page

    response = admin.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    files = open_zip(response.content)
    assert "Draft the notice of appearance" in csv_text(files, "tasks.csv")
    assert AuditEvent.objects.filter(
        org=firm, action="engagement.export_downloaded", actor=firm_admin
    ).exists()


def test_passphrases_that_differ_keep_the_reason_and_end_nothing(
    firm, firm_admin, engagement
):
    response = confirmed(firm_admin).post(
        end_url(firm, engagement),
        _ending(reason="Moving reception in-house", again="something else entirely"),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "The two passphrases differ" in page
    assert "Moving reception in-house" in page
    assert PASSPHRASE not in page  # a passphrase is typed again, never shown
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.ACTIVE


def test_a_short_passphrase_is_explained(firm, firm_admin, engagement):
    response = confirmed(firm_admin).post(
        end_url(firm, engagement), _ending(passphrase="short")
    )
    assert "at least 12 characters" in response.content.decode()
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.ACTIVE


def test_a_stale_confirmation_keeps_what_was_typed(firm, firm_admin, engagement):
    response = unconfirmed(firm_admin).post(
        end_url(firm, engagement), _ending(reason="Moving reception in-house")
    )
    assert response.status_code == 200
    assert "Moving reception in-house" in response.content.decode()
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.ACTIVE


def test_ending_without_a_passphrase_offers_the_export_later(
    firm, firm_admin, engagement, only_here
):
    admin = confirmed(firm_admin)
    admin.post(end_url(firm, engagement), _ending(passphrase=""))
    page = admin.get(detail_url(firm, engagement)).content.decode()
    new = reverse(
        "engagements:engagement_export_new", args=[firm.slug, engagement.public_id]
    )
    assert "No export yet" in page and escape(new) in page

    response = admin.post(
        new, {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE}
    )
    assert response.status_code == 302
    row = EngagementExport.objects.for_firm(firm).get(engagement=engagement)
    assert row.status == EngagementExport.Status.READY


def _certify_data(**changes):
    data = {
        "method": "destroyed",
        # Yesterday in UTC is no later than today in any zone: the service
        # refuses a date in the provider's future, and just after midnight UTC
        # "today in UTC" is tomorrow in New York.
        "completed_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "item_1_what": "Downloaded drafts on one laptop",
        "item_1_how": "Deleted, recycle bin emptied",
        "statement": "",
        "typed_name": "Rosa Quint",
        "confirm": "on",
    }
    data.update(changes)
    return data


def test_the_provider_admin_certifies_and_the_firm_downloads_the_pdf(
    firm, firm_admin, provider, provider_admin, engagement, only_here
):
    confirmed(firm_admin).post(end_url(firm, engagement), _ending(passphrase=""))
    certificate = DataReturnCertificate.objects.for_firm(firm).get(
        engagement=engagement
    )
    padmin = f.sign_in(Client(), provider_admin)
    listing = padmin.get(reverse("engagements:provider_returns", args=[provider.slug]))
    certify = reverse(
        "engagements:provider_return_certify",
        args=[provider.slug, certificate.public_id],
    )
    assert escape(certify) in listing.content.decode()

    response = padmin.post(certify, _certify_data())

    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == DataReturnCertificate.Status.CERTIFIED
    admin = f.sign_in(Client(), firm_admin)
    page = admin.get(detail_url(firm, engagement)).content.decode()
    assert "Certified" in page and "Rosa Quint" in page
    pdf = admin.get(
        reverse(
            "engagements:engagement_return_certificate",
            args=[firm.slug, engagement.public_id],
        )
    )
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Downloaded drafts on one laptop" in text
    own = padmin.get(
        reverse(
            "engagements:provider_return_pdf",
            args=[provider.slug, certificate.public_id],
        )
    )
    assert own.content == pdf.content


def test_an_item_without_how_is_refused_and_the_form_kept(
    firm, firm_admin, provider, provider_admin, engagement
):
    confirmed(firm_admin).post(end_url(firm, engagement), _ending(passphrase=""))
    certificate = DataReturnCertificate.objects.for_firm(firm).get(
        engagement=engagement
    )
    response = f.sign_in(Client(), provider_admin).post(
        reverse(
            "engagements:provider_return_certify",
            args=[provider.slug, certificate.public_id],
        ),
        _certify_data(item_1_how="", item_2_what="Printed intake notes"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Say how this item was returned or destroyed" in page
    assert "Printed intake notes" in page and "Downloaded drafts on one laptop" in page
    certificate.refresh_from_db()
    assert certificate.status == DataReturnCertificate.Status.AWAITING


def test_open_tasks_land_in_the_firms_queue_unassigned(
    firm, firm_admin, engagement, matter, attorney, only_here
):
    open_task, _, _ = work_done(firm, engagement, matter, only_here, attorney)
    confirmed(firm_admin).post(end_url(firm, engagement), _ending(passphrase=""))
    open_task.refresh_from_db()
    assert open_task.assignee is None and open_task.status == Task.Status.OPEN


def test_a_damaged_export_is_not_given_out(firm, firm_admin, engagement, only_here):
    admin = confirmed(firm_admin)
    admin.post(end_url(firm, engagement), _ending())
    row = EngagementExport.objects.for_firm(firm).get(engagement=engagement)
    stored = Path(documents_storage().path(row.file.name))
    data = bytearray(stored.read_bytes())
    data[40] ^= 0xFF
    stored.write_bytes(bytes(data))

    response = admin.get(
        reverse(
            "engagements:engagement_export_download",
            args=[firm.slug, engagement.public_id, row.public_id],
        )
    )

    assert response.status_code == 500
    assert "cannot be opened" in response.content.decode()
    assert not AuditEvent.objects.filter(
        org=firm, action="engagement.export_downloaded"
    ).exists()
