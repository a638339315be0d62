"""The public pages of a firm: intake forms, consultation booking, feedback.

Nobody signs in. A submission is stored before anything else happens, so a mail
server that refuses everything loses nothing; a refused file, a full rate limit
or a slot taken a moment earlier comes back with everything typed kept.
"""

import datetime
import re
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from firmdesk.access.scope import resolve_scope
from firmdesk.intake import services
from firmdesk.intake.models import (
    Booking,
    FeedbackRequest,
    IntakeForm,
    IntakeQuestion,
    Lead,
)
from firmdesk.jobs.schedule import Schedule
from firmdesk.jobs.worker import Worker, WorkerSettings
from firmdesk.scheduling.models import Event

UTC = datetime.UTC
# Monday 11 January 2027, 10:00 in New York (EST, UTC-5): the first slot offered
# is two hours later, 12:00 EST = 17:00 UTC = 9:00 AM in Los Angeles (PST).
MONDAY_10AM_NY = datetime.datetime(2027, 1, 11, 15, 0, tzinfo=UTC)
NOON_NY = datetime.datetime(2027, 1, 11, 17, 0, tzinfo=UTC)


class RefusingMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("mail server down")


def run_jobs() -> None:
    """Run every ready job once, as ``firmdesk worker`` would."""
    worker = Worker(
        worker_id="test-worker",
        config=WorkerSettings(max_attempts=3, backoff_base_seconds=10),
        schedule=Schedule(),
    )
    worker.beat()
    while (claimed := worker.claim()) is not None:
        worker.execute(claimed)


def text(response) -> str:
    """The page with its whitespace collapsed, as a reader sees it."""
    return " ".join(response.content.decode().split())


def csrf_token(response) -> str:
    return re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()
    ).group(1)


@pytest.fixture
def intake_form(firm):
    form = IntakeForm.unscoped.create(
        firm=firm,
        title="Injury inquiry",
        slug="injury",
        practice_area="Personal injury",
        confirmation="We will call you within one business day.",
    )
    IntakeQuestion.unscoped.create(
        firm=firm,
        form=form,
        position=0,
        label="When did it happen?",
        kind="date",
        required=True,
    )
    return form


@pytest.fixture
def every_kind(firm):
    """A form with one question of each kind, all optional."""
    form = IntakeForm.unscoped.create(firm=firm, title="Everything", slug="everything")
    kinds = [
        ("Short", "short_text", []),
        ("Long", "long_text", []),
        ("Which court?", "choice", ["State", "Federal", "Not sure"]),
        ("Injuries", "multi_choice", ["Back", "Neck", "Head"]),
        ("When?", "date", []),
        ("Witness phone", "phone", []),
        ("Insurer e-mail", "email", []),
        ("Police report filed?", "yes_no", []),
        ("Photos or report", "file", []),
    ]
    for n, (label, kind, choices) in enumerate(kinds):
        IntakeQuestion.unscoped.create(
            firm=firm,
            form=form,
            position=n,
            label=label,
            kind=kind,
            choices=choices,
            help_text=f"About {label.lower()}",
        )
    return form


def form_url(form):
    return reverse("public_intake:public_intake_form", args=[form.firm.slug, form.slug])


VISITOR = {
    "name": "Maria Lopez",
    "email": "maria@example.com",
    "phone": "(312) 555-0142",
    "description": "A delivery truck hit my car at a red light.",
    "adverse_parties": "Acme Freight LLC\nJohn Doe",
    "website": "",
}


def pdf(name="report.pdf", size=200):
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * size, "application/pdf")


# --- The form -------------------------------------------------------------------


def test_visitor_opens_and_sends_the_form_without_signing_in(
    client, intake_form, django_capture_on_commit_callbacks
):
    page = client.get(form_url(intake_form))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Injury inquiry" in body and "not legal advice" in body
    assert 'name="website"' in body and 'tabindex="-1"' in body

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(intake_form), {**VISITOR, "q1": "2026-12-01"})

    lead = Lead.objects.for_firm(intake_form.firm).get()
    assert response.status_code == 302
    assert response.url == reverse(
        "public_intake:public_intake_thanks",
        args=[intake_form.firm.slug, "injury", lead.token],
    )
    assert lead.source == Lead.Source.WEB_FORM and lead.form == intake_form
    assert lead.phone == "+13125550142"
    assert lead.adverse_parties == ["Acme Freight LLC", "John Doe"]
    assert lead.answers == [
        {"question": "When did it happen?", "kind": "date", "answer": "2026-12-01"}
    ]
    assert lead.conflict_check is not None, "screened after the commit"

    thanks = client.get(response.url)
    assert "We will call you within one business day." in thanks.content.decode()
    booking = reverse("public_intake:public_booking_for_lead", args=[lead.token])
    assert f'href="{booking}"' in thanks.content.decode()


def test_signed_in_staff_see_the_public_page_without_their_menus(
    client, intake_form, attorney
):
    client.force_login(attorney)
    body = client.get(form_url(intake_form)).content.decode()
    assert "Owen Ortiz" not in body and "Sign out" not in body


def test_unknown_firm_unknown_form_and_inactive_form_are_404(
    client, intake_form, other_firm
):
    assert (
        client.get(
            reverse("public_intake:public_intake_form", args=["nope", "injury"])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse(
                "public_intake:public_intake_form", args=[other_firm.slug, "injury"]
            )
        ).status_code
        == 404
    )
    intake_form.is_active = False
    intake_form.save()
    assert client.get(form_url(intake_form)).status_code == 404
    assert client.post(form_url(intake_form), VISITOR).status_code == 404


def test_form_is_csrf_protected(intake_form):
    browser = Client(enforce_csrf_checks=True)
    data = {**VISITOR, "q1": "2026-12-01"}
    assert browser.post(form_url(intake_form), data).status_code == 403
    assert not Lead.objects.for_firm(intake_form.firm).exists()

    token = csrf_token(browser.get(form_url(intake_form)))
    response = browser.post(
        form_url(intake_form), {**data, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert Lead.objects.for_firm(intake_form.firm).count() == 1


def test_required_question_left_empty_is_asked_for_and_nothing_is_stored(
    client, intake_form
):
    response = client.post(form_url(intake_form), VISITOR)
    body = response.content.decode()
    assert response.status_code == 200
    assert escape("Fill in “When did it happen?”.") in body
    assert 'value="Maria Lopez"' in body
    assert "A delivery truck hit my car at a red light." in body
    assert not Lead.objects.for_firm(intake_form.firm).exists()


def test_neither_email_nor_phone_is_refused_with_a_reason(client, intake_form):
    data = {**VISITOR, "email": "", "phone": "", "q1": "2026-12-01"}
    body = client.post(form_url(intake_form), data).content.decode()
    assert "Give an e-mail address or a phone number" in body
    assert not Lead.objects.for_firm(intake_form.firm).exists()


def test_every_kind_of_question_renders_with_its_own_input(client, every_kind):
    body = client.get(form_url(every_kind)).content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert '<textarea name="q2"' in body
    assert body.count('type="radio" name="q3"') == 3
    assert body.count('type="checkbox" name="q4"') == 3
    assert 'type="date" name="q5"' in body
    assert 'type="tel" name="q6"' in body
    assert 'type="email" name="q7"' in body
    assert body.count('type="radio" name="q8"') == 2
    assert 'type="file" name="q9"' in body
    assert "About photos or report" in body
    assert "<legend" in body, "choices are grouped under their question"


def test_every_kind_of_answer_is_stored_as_asked(
    client, every_kind, django_capture_on_commit_callbacks
):
    data = {
        **VISITOR,
        "q1": "Rear-ended",
        "q2": "At the corner of Main and 5th.",
        "q3": "State",
        "q4": ["Back", "Head"],
        "q5": "2026-11-02",
        "q6": "312-555-0199",
        "q7": "claims@insurer.example",
        "q8": "no",
        "q9": pdf("police-report.pdf"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(form_url(every_kind), data).status_code == 302

    lead = Lead.objects.for_firm(every_kind.firm).get()
    assert [(a["question"], a["answer"]) for a in lead.answers] == [
        ("Short", "Rear-ended"),
        ("Long", "At the corner of Main and 5th."),
        ("Which court?", "State"),
        ("Injuries", "Back, Head"),
        ("When?", "2026-11-02"),
        ("Witness phone", "312-555-0199"),
        ("Insurer e-mail", "claims@insurer.example"),
        ("Police report filed?", "No"),
        ("Photos or report", "police-report.pdf"),
    ]
    (document,) = lead.documents.all()
    assert document.title == "police-report.pdf"


def test_unanswered_optional_questions_are_kept_empty(client, every_kind):
    assert client.post(form_url(every_kind), VISITOR).status_code == 302
    lead = Lead.objects.for_firm(every_kind.firm).get()
    assert len(lead.answers) == 9 and {a["answer"] for a in lead.answers} == {""}


def test_a_phone_answer_that_is_no_number_is_refused(client, every_kind):
    body = client.post(
        form_url(every_kind), {**VISITOR, "q6": "call me"}
    ).content.decode()
    assert escape("“call me” is not a phone number we can read") in body


def test_honeypot_filled_shows_thanks_and_stores_nothing(client, intake_form):
    response = client.post(
        form_url(intake_form),
        {**VISITOR, "q1": "2026-12-01", "website": "http://cheap-pills.example"},
    )
    assert response.status_code == 200
    assert "has your inquiry" in response.content.decode()
    assert not Lead.objects.for_firm(intake_form.firm).exists()


def test_rate_limit_answers_429_with_when_to_try_again_and_keeps_the_text(
    client, intake_form, settings
):
    settings.FIRMDESK_INTAKE_RATE_LIMIT = "2/hour"
    data = {**VISITOR, "q1": "2026-12-01"}
    assert client.post(form_url(intake_form), data).status_code == 302
    assert client.post(form_url(intake_form), data).status_code == 302

    response = client.post(form_url(intake_form), data)

    assert response.status_code == 429
    assert 3540 <= int(response["Retry-After"]) <= 3600
    body = text(response)
    assert "Try again in about 60 minutes" in body and "call the firm" in body
    assert 'value="Maria Lopez"' in body
    assert Lead.objects.for_firm(intake_form.firm).count() == 2
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.post(form_url(intake_form), data).status_code == 302


def test_forwarded_for_header_is_ignored_unless_a_setting_trusts_it(
    client, intake_form, settings
):
    settings.FIRMDESK_INTAKE_RATE_LIMIT = "1/hour"
    data = {**VISITOR, "q1": "2026-12-01"}
    assert client.post(form_url(intake_form), data).status_code == 302
    spoofed = client.post(form_url(intake_form), data, HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert spoofed.status_code == 429


def test_oversized_file_is_refused_with_the_limit_and_the_text_is_kept(
    client, every_kind, settings
):
    settings.FIRMDESK_UPLOAD_MAX_BYTES = 1000
    response = client.post(
        form_url(every_kind),
        {**VISITOR, "q1": "Rear-ended", "q9": pdf("scan.pdf", size=3000)},
    )
    body = text(response)
    assert response.status_code == 200
    assert "“scan.pdf” is 3 KB; the largest file FirmDesk accepts is 1000 bytes" in body
    assert "choose the file again" in body
    assert 'value="Maria Lopez"' in body and 'value="Rear-ended"' in body
    assert "Acme Freight LLC\nJohn Doe" in response.content.decode()
    assert not Lead.objects.for_firm(every_kind.firm).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00\x03", "“setup.exe” is not a kind of file"),
        ("invoice.pdf", b"MZ\x90\x00\x03", "“invoice.pdf” does not look like a PDF"),
    ],
)
def test_disallowed_file_type_is_refused_naming_the_file_and_what_is_allowed(
    client, every_kind, name, content, message
):
    upload = SimpleUploadedFile(name, content, "application/octet-stream")
    response = client.post(form_url(every_kind), {**VISITOR, "q9": upload})
    body = response.content.decode()
    assert escape(message) in body
    assert "PDF, Word, Excel" in body, "says what is accepted"
    assert 'value="maria@example.com"' in body
    assert not Lead.objects.for_firm(every_kind.firm).exists()


def test_submission_survives_a_failing_mail_server_and_is_confirmed_later(
    client, intake_form, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailServer"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(intake_form), {**VISITOR, "q1": "2026-12-01"})
    assert response.status_code == 302
    lead = Lead.objects.for_firm(intake_form.firm).get()

    run_jobs()

    job = DBTaskResult.objects.get(task_path__endswith="send_submission_confirmation")
    assert job.status == TaskResultStatus.READY, "to be retried"
    assert "SMTPServerDisconnected" in job.exception_class_path
    assert Lead.objects.for_firm(intake_form.firm).get() == lead

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=job.pk).update(run_after=timezone.now())
    run_jobs()

    assert DBTaskResult.objects.get(pk=job.pk).status == TaskResultStatus.SUCCESSFUL
    (message,) = mail.outbox
    assert message.to == ["maria@example.com"]
    assert "We will call you within one business day." in message.body
    assert (
        reverse("public_intake:public_booking_for_lead", args=[lead.token])
        in message.body
    )


def test_visitor_gets_the_confirmation_email_when_mail_works(
    client, intake_form, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url(intake_form), {**VISITOR, "q1": "2026-12-01"})
    run_jobs()
    (message,) = mail.outbox
    assert message.subject == "Hale & Ortiz LLP: we have your inquiry"
    assert message.to == ["maria@example.com"]


def test_thanks_page_needs_the_leads_own_token_firm_and_form(
    client, intake_form, other_firm
):
    client.post(form_url(intake_form), {**VISITOR, "q1": "2026-12-01"})
    lead = Lead.objects.for_firm(intake_form.firm).get()
    url = reverse(
        "public_intake:public_intake_thanks", args=["hale-ortiz", "injury", lead.token]
    )
    assert client.get(url).status_code == 200
    for args in [
        [other_firm.slug, "injury", lead.token],
        ["hale-ortiz", "other", lead.token],
        ["hale-ortiz", "injury", "x" * 32],
        ["hale-ortiz", "injury", "not a token"],
    ]:
        assert (
            client.get(
                reverse("public_intake:public_intake_thanks", args=args)
            ).status_code
            == 404
        )


# --- Booking -------------------------------------------------------------------------


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY_10AM_NY, tick=False):
        yield


def book_url(firm, **params):
    url = reverse("public_intake:public_booking", args=[firm.slug])
    return url + (
        "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    )


def slot(attorney, start, tz="America/Los_Angeles"):
    return {"tz": tz, "with": attorney.public_id, "at": start.strftime("%Y%m%dT%H%MZ")}


def test_slots_are_shown_by_day_in_the_visitors_zone(client, firm, attorney, monday):
    body = client.get(book_url(firm, tz="America/Los_Angeles")).content.decode()
    assert "Times in America/Los_Angeles (PST)" in body
    assert "Mon, Jan 11, 2027" in body
    first = body.index("9:00 AM")  # 12:00 in New York
    assert '<option value="America/Los_Angeles" selected>' in body
    assert f"at={NOON_NY:%Y%m%dT%H%MZ}" in body[first - 300 : first]
    assert "web/public_tz." in body

    in_new_york = client.get(book_url(firm)).content.decode()
    assert "Times in America/New_York (EST)" in in_new_york
    assert "12:00 PM" in in_new_york


def test_unknown_firm_or_attorney_booking_page_is_404(client, firm, attorney, outsider):
    assert (
        client.get(reverse("public_intake:public_booking", args=["nope"])).status_code
        == 404
    )
    url = reverse(
        "public_intake:public_booking_attorney", args=[firm.slug, outsider.public_id]
    )
    assert client.get(url).status_code == 404
    url = reverse(
        "public_intake:public_booking_attorney", args=[firm.slug, attorney.public_id]
    )
    assert client.get(url).status_code == 200


def test_visitor_books_a_slot_as_a_request_then_a_cleared_screen_confirms_it(
    client, firm, attorney, monday, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    url = reverse("public_intake:public_booking", args=[firm.slug])
    chosen = client.get(url, slot(attorney, NOON_NY)).content.decode()
    assert "Mon, Jan 11, 2027, 9:00 AM PST with Owen Ortiz" in chosen

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**VISITOR, **slot(attorney, NOON_NY)})

    lead = Lead.objects.for_firm(firm).get()
    assert lead.source == Lead.Source.BOOKING and lead.conflict_check is not None
    assert response.status_code == 302
    assert response.url.startswith(
        reverse("public_intake:public_booking_for_lead", args=[lead.token])
    )
    booking = Booking.objects.for_firm(firm).get()
    assert (booking.attorney, booking.start, booking.status) == (
        attorney,
        NOON_NY,
        Booking.Status.REQUESTED,
    )
    assert booking.visitor_time_zone == "America/Los_Angeles"
    page = client.get(response.url).content.decode()
    assert "Requested" in page and "This is a request" in page and "9:00 AM" in page

    with django_capture_on_commit_callbacks(execute=True):
        services.lead_decide_conflict(
            scope=resolve_scope(attorney, firm), lead=lead, decision="clear"
        )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    event = Event.objects.for_firm(firm).get(pk=booking.event_id)
    assert (event.owner, event.start, event.kind) == (attorney, NOON_NY, "consultation")
    run_jobs()
    (to_visitor,) = [m for m in mail.outbox if m.to == ["maria@example.com"]]
    assert to_visitor.subject == "Hale & Ortiz LLP: your consultation is confirmed"
    assert "Mon, Jan 11, 2027, 9:00 AM PST (America/Los_Angeles)" in to_visitor.body
    assert "Confirmed" in client.get(response.url).content.decode()


def test_second_visitor_for_the_same_slot_is_told_and_offered_the_next(
    client, firm, attorney, monday, django_capture_on_commit_callbacks
):
    url = reverse("public_intake:public_booking", args=[firm.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**VISITOR, **slot(attorney, NOON_NY)})
    second = {**VISITOR, "name": "Sam Reed", "email": "sam@example.com"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**second, **slot(attorney, NOON_NY)}, follow=True)

    assert Booking.objects.for_firm(firm).count() == 1
    sam = Lead.objects.for_firm(firm).get(name="Sam Reed")
    (link_mail,) = DBTaskResult.objects.filter(
        task_path__endswith="send_submission_confirmation"
    )
    assert link_mail.args_kwargs["args"] == [sam.pk], "only Sam needs the link"
    body = response.content.decode()
    assert "Someone booked the time you chose a moment ago" in body
    assert "We have your details" in body
    assert "9:30 AM PST with Owen Ortiz" in body, "the next slot is offered"

    next_slot = NOON_NY + datetime.timedelta(minutes=30)
    lead_url = reverse("public_intake:public_booking_for_lead", args=[sam.token])
    asked = client.post(lead_url, slot(attorney, next_slot))
    assert asked.status_code == 302
    assert Booking.objects.for_firm(firm).get(lead=sam).start == next_slot
    assert Lead.objects.for_firm(firm).count() == 2, "no second lead for Sam"


def test_known_lead_books_from_the_link_in_their_email_once(
    client, firm, attorney, intake_form, monday
):
    client.post(form_url(intake_form), {**VISITOR, "q1": "2026-12-01"})
    lead = Lead.objects.for_firm(firm).get()
    url = reverse("public_intake:public_booking_for_lead", args=[lead.token])
    page = client.get(url, {"tz": "America/Chicago"}).content.decode()
    assert "11:00 AM" in page and 'name="name"' not in page

    assert client.post(url, slot(attorney, NOON_NY)).status_code == 302
    assert Booking.objects.for_firm(firm).filter(lead=lead).count() == 1
    again = client.post(url, slot(attorney, NOON_NY + datetime.timedelta(hours=1)))
    assert "Your consultation request" in again.content.decode()
    assert Booking.objects.for_firm(firm).filter(lead=lead).count() == 1


def test_a_time_that_is_past_or_not_offered_is_refused(client, firm, attorney, monday):
    url = reverse("public_intake:public_booking", args=[firm.slug])
    past = MONDAY_10AM_NY - datetime.timedelta(hours=1)
    body = client.post(url, {**VISITOR, **slot(attorney, past)}).content.decode()
    assert "That time is no longer offered" in body
    assert not Lead.objects.for_firm(firm).exists()
    evening = NOON_NY + datetime.timedelta(hours=7)  # 19:00 in New York
    client.post(url, {**VISITOR, **slot(attorney, evening)}, follow=True)
    assert not Booking.objects.for_firm(firm).exists()


def test_booking_honeypot_stores_nothing(client, firm, attorney, monday):
    url = reverse("public_intake:public_booking", args=[firm.slug])
    data = {**VISITOR, **slot(attorney, NOON_NY), "website": "spam"}
    assert client.post(url, data).status_code == 200
    assert not Lead.objects.for_firm(firm).exists()


def test_booking_page_is_rate_limited_too(client, firm, attorney, monday, settings):
    settings.FIRMDESK_INTAKE_RATE_LIMIT = "1/hour"
    url = reverse("public_intake:public_booking", args=[firm.slug])
    client.post(url, {**VISITOR, **slot(attorney, NOON_NY)})
    later = NOON_NY + datetime.timedelta(hours=1)
    response = client.post(url, {**VISITOR, **slot(attorney, later)})
    assert response.status_code == 429
    assert 'value="Maria Lopez"' in response.content.decode()
    assert Lead.objects.for_firm(firm).count() == 1


# --- Feedback ------------------------------------------------------------------------


@pytest.fixture
def feedback_request(firm):
    return FeedbackRequest.unscoped.create(
        firm=firm, kind="consultation", email="maria@example.com", name="Maria"
    )


def test_feedback_is_answered_once(client, feedback_request):
    url = reverse("public_intake:public_feedback", args=[feedback_request.token])
    page = client.get(url).content.decode()
    assert "how you found your consultation" in page
    assert page.count('type="radio" name="rating"') == 5

    assert (
        client.post(url, {"rating": "4", "comment": "Clear and quick."}).status_code
        == 302
    )
    assert "We have your answer" in client.get(url).content.decode()
    again = client.post(url, {"rating": "1", "comment": "Changed my mind"})
    assert "We have your answer" in again.content.decode()

    feedback_request.refresh_from_db()
    assert (feedback_request.rating, feedback_request.comment) == (
        4,
        "Clear and quick.",
    )


def test_feedback_without_a_rating_asks_for_one(client, feedback_request):
    url = reverse("public_intake:public_feedback", args=[feedback_request.token])
    body = text(client.post(url, {"comment": "Fine"}))
    assert "Choose a rating from 1 to 5." in body and "Fine" in body
    feedback_request.refresh_from_db()
    assert feedback_request.answered_at is None


def test_unknown_feedback_or_lead_token_is_404(client, db):
    for name in (
        "public_intake:public_feedback",
        "public_intake:public_booking_for_lead",
    ):
        assert client.get(reverse(name, args=["a" * 32])).status_code == 404
        assert client.get(reverse(name, args=["bad token!"])).status_code == 404
