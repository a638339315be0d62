"""Issue 20's security features as people click through them in Chromium.

1. A firm admin ends an engagement: FirmDesk asks for the password again, the
   ending page names who loses access, the export is prepared and downloads
   (opened here with pyzipper and the passphrase), and the browser of a
   provider assistant who was signed in meanwhile lands on the sign-in page
   at its next click. The provider admin then certifies the return of the
   firm's data and the firm admin downloads the certificate (pypdf reads it).
2. A provider user who lost the phone signs in with a recovery code, and the
   same code fails the second time; an attorney sees a client's tax ID masked,
   and showing it asks for the password, then shows it.

The conftest's watcher fails either test on a console error or a Content
Security Policy violation on any page they open.
"""

import base64
import datetime
import io
import time
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from firmdesk.compliance.models import DataReturnCertificate, EngagementExport
from firmdesk.documents import crypto
from firmdesk.engagements.models import Engagement
from firmdesk.matters.models import Contact, MatterParty
from firmdesk.web.accounts import reauth
from tests import factories as f
from tests.compliance.ending_helpers import PASSPHRASE, csv_text, open_zip, work_done
from tests.factories import PASSWORD

from .conftest import sign_in

pytestmark = pytest.mark.browser

SSN = "219-09-9999"


@pytest.fixture(autouse=True)
def keys_and_media(settings, tmp_path):
    """A master key and a media folder of the test's own: the export, the
    certificate and the contact's fields are all sealed with it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FIRMDESK_MASTER_KEY = base64.b64encode(bytes([0x5E]) * 32).decode()
    crypto.forget_opened_keys()
    yield
    crypto.forget_opened_keys()


def confirmation_goes_stale(page) -> None:
    """As if the person signed in a quarter of an hour ago: the password they
    typed then no longer confirms a sensitive action (signing in counts as a
    confirmation for FIRMDESK_REAUTH_MINUTES)."""
    (cookie,) = [
        c
        for c in page.context.cookies()
        if c["name"] == django_settings.SESSION_COOKIE_NAME
    ]
    engine = import_module(django_settings.SESSION_ENGINE)
    session = engine.SessionStore(session_key=cookie["value"])
    session[reauth.SESSION_KEY] = int(time.time()) - reauth.window_seconds() - 300
    session.save()


def confirm_with_password(page) -> None:
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()


def downloaded(page, link_name: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).click()
    path = download.value.path()
    with open(path, "rb") as handle:
        return handle.read()


def test_ending_an_engagement_then_the_certificate_of_return(
    live_server,
    new_context,
    problems,
    page,
    firm,
    firm_admin,
    attorney,
    provider,
    provider_admin,
    engagement,
    matter,
):
    base = live_server.url
    slug = firm.slug
    staff = f.member(
        provider, ["assistant"], email="solo@northstar.test", full_name="Sol Ames"
    )
    f.assign(engagement, staff)
    f.grant(engagement, matter, staff)
    work_done(firm, engagement, matter, staff, attorney)

    # The assistant is at work in the firm's matter.
    work = problems.watch(new_context().new_page())
    sign_in(work, base, staff.email)
    work.goto(f"{base}/f/{slug}/matters/{matter.public_id}/")
    expect(work.get_by_role("heading", name="Lopez v. Acme")).to_be_visible()

    # The firm admin, who signed in a while ago, ends the engagement.
    sign_in(page, base, firm_admin.email)
    confirmation_goes_stale(page)
    page.goto(f"{base}/f/{slug}/engagements/{engagement.public_id}/")
    page.get_by_role("link", name="End engagement").click()
    confirm_with_password(page)
    expect(page.get_by_role("heading", name=f"End {engagement}?")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Sol Ames")
    expect(row).to_contain_text("Ends now")
    expect(row).to_contain_text("Calendar the Lopez deposition")
    expect(row).to_contain_text("1 browser to sign out")
    page.get_by_label("Why does the engagement end?").fill(
        "We are moving this work in-house."
    )
    page.get_by_label("Passphrase for the export").fill(PASSPHRASE)
    page.get_by_label("The same passphrase again").fill(PASSPHRASE)
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="End engagement now").click()
    expect(page.get_by_role("status").first).to_contain_text("1 person lost access")
    expect(page.get_by_text("Awaiting the provider")).to_be_visible()
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.ENDED

    # The export downloads and opens with the passphrase the admin chose.
    export = EngagementExport.objects.for_firm(firm).get(engagement=engagement)
    files = open_zip(
        downloaded(page, f"Download the export of {_when(export.requested_at, firm)}")
    )
    assert "Draft the notice of appearance" in csv_text(files, "tasks.csv")
    assert any(name.endswith("notice.pdf") for name in files)

    # The assistant's next click finds the session over.
    work.get_by_role("link", name="My queue").click()
    expect(work).to_have_url(f"{base}/login/?next=/queue/")
    expect(work.get_by_label("E-mail")).to_be_visible()

    # The provider admin certifies what became of the firm's data.
    certify = problems.watch(new_context().new_page())
    sign_in(certify, base, provider_admin.email)
    certify.get_by_role("link", name="Data returns").click()
    certify.get_by_role("link", name=f"Certify for {firm.name}").click()
    certify.get_by_role("radio", name="Destroyed", exact=True).check()
    # Yesterday in UTC: never in the provider's future, even just after midnight UTC.
    certify.get_by_label("Date the return or destruction was finished").fill(
        (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    )
    certify.get_by_label("Item 1: what was held, and where").fill(
        "Two drafts downloaded to one laptop"
    )
    certify.get_by_label("Item 1: how it was returned or destroyed").fill(
        "Deleted, recycle bin emptied"
    )
    certify.get_by_label("Your full name, as your signature").fill("Rosa Quint")
    certify.get_by_label("I certify that this is true").check()
    certify.get_by_role("button", name="Sign the certificate").click()
    expect(certify.get_by_role("status").first).to_contain_text("Certificate signed")
    certificate = DataReturnCertificate.objects.for_firm(firm).get()
    assert certificate.status == DataReturnCertificate.Status.CERTIFIED

    # The firm admin downloads the signed certificate from the engagement.
    page.reload()
    expect(page.get_by_text("Certified", exact=True)).to_be_visible()
    pdf = downloaded(page, "Download the certificate (PDF)")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Two drafts downloaded to one laptop" in text
    assert "Rosa Quint" in text


def _when(moment, firm) -> str:
    from firmdesk.common.times import when

    return when(moment, firm.tz)


def test_a_recovery_code_works_once_and_a_tax_id_is_shown_after_the_password(
    live_server,
    new_context,
    problems,
    page,
    firm,
    attorney,
    matter,
    assistant,
):
    base = live_server.url
    slug = firm.slug

    # The assistant sets up the authenticator app and keeps the ten codes.
    first = problems.watch(new_context().new_page())
    codes = sign_in(first, base, assistant.email)
    assert len(codes) == 10
    code = codes[0]

    # The phone is lost: a recovery code instead of the app's code.
    lost = problems.watch(new_context().new_page())
    _password(lost, base, assistant.email)
    lost.get_by_role("link", name="Use a recovery code instead").click()
    lost.get_by_label("Recovery code").fill(code)
    lost.get_by_role("button", name="Sign in").click()
    expect(lost.get_by_role("status").first).to_contain_text("9 codes left")
    assert "/login/" not in lost.url and "/two-factor/" not in lost.url

    # The same code, another day: refused, and the person stays outside.
    again = problems.watch(new_context().new_page())
    _password(again, base, assistant.email)
    again.get_by_role("link", name="Use a recovery code instead").click()
    again.get_by_label("Recovery code").fill(code)
    again.get_by_role("button", name="Sign in").click()
    expect(again.get_by_text("used already")).to_be_visible()
    again.goto(f"{base}/f/{slug}/matters/{matter.public_id}/")
    assert "/account/two-factor/" in again.url

    # An attorney sees the client's tax ID masked; showing it asks for the
    # password, then shows it.
    client = Contact.unscoped.create(
        firm=firm, kind="person", name="Maria Lopez", tax_id_kind="ssn", tax_id=SSN
    )
    MatterParty.unscoped.create(firm=firm, matter=matter, contact=client, role="client")
    sign_in(page, base, attorney.email)
    confirmation_goes_stale(page)
    page.goto(f"{base}/f/{slug}/contacts/{client.public_id}/")
    expect(page.locator("[data-sensitive=tax_id]")).to_have_text("•••-••-9999")
    assert SSN not in page.content()
    page.get_by_role("button", name="Show tax ID number").click()
    confirm_with_password(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("[data-unmasked]")).to_have_text(SSN)
    expect(
        page.get_by_text("has been recorded in the firm's audit trail")
    ).to_be_visible()


def _password(page, base: str, email: str) -> None:
    """Sign in with e-mail and password only: the two-factor page follows."""
    page.goto(f"{base}/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
