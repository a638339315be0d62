"""Billing set-up services (billing/setup.py): settings, timekeepers, a
matter's and a client's terms, and the rate rules they feed."""

import string
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.billing import setup
from firmdesk.billing.models import BillingSettings, MatterRate, Timekeeper
from firmdesk.billing.rates import billing_settings, terms_for
from firmdesk.common.errors import ServiceError
from firmdesk.matters.models import Contact
from tests import factories as f

D = Decimal


def settings_data(**changes) -> setup.SettingsData:
    values = {
        "increment": D("0.10"),
        "max_hours_per_day": D("10"),
        "vague_phrases": ["attention to file"],
        "law_firm_id": "12-3456789",
        "invoice_prefix": "HO-",
        "payment_terms_days": 30,
        "reminder_days": [7, 30, 60],
        "bill_outside_staff_time": False,
        "outside_staff_rate": D("0"),
        "currency": "USD",
        "remit_to": "Hale & Ortiz LLP, 1 Main St",
        "invoice_footer": "Thank you.",
        "accent_color": "#1f3a5f",
        "next_invoice_number": None,
    }
    values.update(changes)
    return setup.SettingsData(**values)


@pytest.fixture
def admin_scope(firm, firm_admin):
    return resolve_scope(firm_admin, firm)


@pytest.fixture
def attorney_scope(firm, attorney):
    return resolve_scope(attorney, firm)


def last_event(firm, action):
    return AuditEvent.objects.filter(org=firm, action=action).order_by("-id").first()


# --- Settings ----------------------------------------------------------------


def test_settings_saved_with_before_and_after_in_the_audit(firm, admin_scope):
    billing_settings(firm)
    setup.settings_update(
        scope=admin_scope,
        data=settings_data(increment=D("0.25"), next_invoice_number=100),
    )
    saved = BillingSettings.objects.for_firm(firm).get()
    assert saved.increment == D("0.25") and saved.next_invoice_number == 100
    event = last_event(firm, "billing.settings_changed")
    assert event.detail["before"]["increment"] == "0.10"
    assert event.detail["after"]["increment"] == "0.25"
    assert event.detail["after"]["next_invoice_number"] == 100


def test_next_invoice_number_only_goes_up(firm, admin_scope):
    setup.settings_update(scope=admin_scope, data=settings_data(next_invoice_number=50))
    with pytest.raises(ServiceError) as error:
        setup.settings_update(
            scope=admin_scope, data=settings_data(next_invoice_number=49)
        )
    assert error.value.field == "next_invoice_number"
    assert "only go up" in error.value.message
    # Not asked to change it: other settings save and the number stays.
    setup.settings_update(scope=admin_scope, data=settings_data(currency="CAD"))
    saved = BillingSettings.objects.for_firm(firm).get()
    assert (saved.next_invoice_number, saved.currency) == (50, "CAD")


def test_only_a_firm_admin_changes_settings(firm, attorney_scope):
    with pytest.raises(ServiceError):
        setup.settings_update(scope=attorney_scope, data=settings_data())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"increment": D("0.2")}, "increment"),
        ({"max_hours_per_day": D("25")}, "max_hours_per_day"),
        ({"law_firm_id": "12345678"}, "law_firm_id"),
        ({"invoice_prefix": "HO/"}, "invoice_prefix"),
        ({"bill_outside_staff_time": True}, "outside_staff_rate"),
        ({"accent_color": "navy"}, "accent_color"),
        ({"currency": "XYZ"}, "currency"),
    ],
)
def test_bad_settings_name_their_field(admin_scope, changes, field):
    with pytest.raises(ServiceError) as error:
        setup.settings_update(scope=admin_scope, data=settings_data(**changes))
    assert error.value.field == field


@pytest.mark.parametrize(
    ("text", "days"),
    [("7, 30, 60", [7, 30, 60]), ("60 7;30", [7, 30, 60]), ("", [])],
)
def test_reminder_days_read_as_people_write_them(text, days):
    assert setup.parse_reminder_days(text) == days


@pytest.mark.parametrize(
    ("text", "words"),
    [("7, a week", "“a”"), ("0", "outside 1 to 365"), ("7, 7", "twice")],
)
def test_bad_reminder_days_say_what_is_wrong(text, words):
    with pytest.raises(ServiceError) as error:
        setup.parse_reminder_days(text)
    assert words in error.value.message


@pytest.mark.parametrize("value", ["12-3456789", "123456789", "123-45-6789", ""])
def test_taxpayer_ids_with_nine_digits_pass(value):
    assert setup.check_tax_id(value) == value


@pytest.mark.parametrize("value", ["12-345678", "1234567890", "12 3456789", "AB"])
def test_taxpayer_ids_without_nine_digits_fail(value):
    with pytest.raises(ServiceError):
        setup.check_tax_id(value)


# --- Timekeepers -------------------------------------------------------------


def test_add_missing_makes_a_row_for_everyone_who_works_for_the_firm(
    firm, admin_scope, firm_admin, attorney, firm_staff, assistant, outsider
):
    made = setup.timekeepers_add_missing(scope=admin_scope)
    by_user = {k.user_id: k for k in made}
    assert set(by_user) == {firm_admin.pk, attorney.pk, firm_staff.pk, assistant.pk}
    assert by_user[firm_admin.pk].code == "GH"
    assert by_user[firm_admin.pk].classification == "PARTNR"
    assert by_user[attorney.pk].classification == "ASSOC"
    assert by_user[assistant.pk].outside_staff is True
    assert not by_user[attorney.pk].outside_staff
    assert setup.timekeepers_add_missing(scope=admin_scope) == []
    assert last_event(firm, "billing.timekeeper_added") is not None


def test_codes_from_the_same_initials_are_made_unique(firm, admin_scope):
    f.member(firm, ["attorney"], email="gh2@hale.test", full_name="Gina Holt")
    f.member(firm, ["firm_staff"], email="gh3@hale.test", full_name="Gus Hart")
    codes = sorted(k.code for k in setup.timekeepers_add_missing(scope=admin_scope))
    assert codes == ["GH", "GH2", "GH3"]


def test_left_and_unassigned_staff_get_no_row(
    admin_scope, departed_assistant, unassigned_assistant, ended_engagement_assistant
):
    made = setup.timekeepers_add_missing(scope=admin_scope)
    users = {k.user_id for k in made}
    assert unassigned_assistant.pk not in users
    assert ended_engagement_assistant.pk not in users


@given(
    st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=3),
    st.sets(st.text(alphabet=string.ascii_uppercase + "0123456789", max_size=5)),
)
def test_unique_code_is_never_one_taken(wanted, taken):
    code = setup.unique_code(wanted, taken)
    assert code.upper() not in {t.upper() for t in taken}
    assert code.startswith(wanted)


@pytest.mark.parametrize(
    ("name", "email", "code"),
    [
        ("Grace Hale", "", "GH"),
        ("José Ángel Núñez", "", "JAN"),
        ("", "rosa@x.test", "RO"),
        ("李小龙", "", "LXL"),
    ],
)
def test_initials(name, email, code):
    assert setup.initials(name, email) == code


def test_a_code_taken_by_someone_else_is_refused(firm, admin_scope, attorney):
    setup.timekeepers_add_missing(scope=admin_scope)
    keeper = Timekeeper.objects.for_firm(firm).get(user=attorney)
    with pytest.raises(ServiceError) as error:
        setup.timekeeper_update(
            scope=admin_scope,
            timekeeper=keeper,
            code="gh",
            classification="ASSOC",
            default_rate=D("300"),
            cost_rate=D("120"),
            active=True,
        )
    assert error.value.field == "code" and "Grace Hale" in error.value.message


def test_timekeeper_change_is_audited(firm, admin_scope, attorney):
    setup.timekeepers_add_missing(scope=admin_scope)
    keeper = Timekeeper.objects.for_firm(firm).get(user=attorney)
    setup.timekeeper_update(
        scope=admin_scope,
        timekeeper=keeper,
        code="oo",
        classification="ASSOC",
        default_rate=D("300"),
        cost_rate=D("0"),
        active=True,
    )
    keeper.refresh_from_db()
    assert keeper.code == "OO" and keeper.default_rate == D("300.00")
    event = last_event(firm, "billing.timekeeper_changed")
    assert event.detail["before"] == {"default_rate": "0.00"}
    assert event.detail["after"] == {"default_rate": "300.00"}


# --- The rate rules, with rows made through these services -------------------


@pytest.fixture
def keepers(firm, admin_scope, attorney, assistant):
    setup.timekeepers_add_missing(scope=admin_scope)
    own = Timekeeper.objects.for_firm(firm).get(user=attorney)
    setup.timekeeper_update(
        scope=admin_scope,
        timekeeper=own,
        code="OO",
        classification="ASSOC",
        default_rate=D("300"),
        cost_rate=D("100"),
        active=True,
    )
    return own, Timekeeper.objects.for_firm(firm).get(user=assistant)


def test_most_specific_rate_wins(firm, attorney_scope, attorney, matter, keepers):
    own, _ = keepers
    rate = lambda: terms_for(firm=firm, user=attorney, matter=matter).rate  # noqa: E731
    assert rate() == D("300.00")  # the timekeeper's default rate
    setup.matter_terms_save(
        scope=attorney_scope,
        matter=matter,
        rate=D("250"),
        client_matter_id="",
        billable=True,
    )
    assert rate() == D("250.00")  # the matter's rate for everyone
    row = setup.matter_rate_set(
        scope=attorney_scope, matter=matter, timekeeper=own, rate=D("275")
    )
    assert rate() == D("275.00")  # the timekeeper's own rate on the matter
    setup.matter_rate_remove(scope=attorney_scope, rate=row)
    assert rate() == D("250.00")
    assert not MatterRate.objects.for_firm(firm).exists()
    assert last_event(firm, "billing.matter_rate_removed").detail["before"] == {
        "timekeeper": "OO",
        "rate": "275.00",
    }


def test_time_on_a_matter_not_billable_is_not_billed(
    firm, attorney_scope, attorney, matter, keepers
):
    setup.matter_terms_save(
        scope=attorney_scope,
        matter=matter,
        rate=None,
        client_matter_id="",
        billable=False,
    )
    assert terms_for(firm=firm, user=attorney, matter=matter).billable is False


def test_outside_staff_follow_the_settings_not_the_matter(
    firm, admin_scope, attorney_scope, assistant, matter, engagement, keepers
):
    setup.matter_terms_save(
        scope=attorney_scope,
        matter=matter,
        rate=D("400"),
        client_matter_id="",
        billable=True,
    )
    terms = terms_for(firm=firm, user=assistant, matter=matter, engagement=engagement)
    assert (terms.billable, terms.rate, terms.outside_staff) == (False, D("0.00"), True)
    setup.settings_update(
        scope=admin_scope,
        data=settings_data(bill_outside_staff_time=True, outside_staff_rate=D("95")),
    )
    terms = terms_for(firm=firm, user=assistant, matter=matter, engagement=engagement)
    assert (terms.billable, terms.rate) == (True, D("95.00"))


def test_outside_staff_get_no_matter_rate(firm, attorney_scope, matter, keepers):
    _, outside = keepers
    with pytest.raises(ServiceError) as error:
        setup.matter_rate_set(
            scope=attorney_scope, matter=matter, timekeeper=outside, rate=D("90")
        )
    assert error.value.field == "timekeeper"


def test_firm_staff_cannot_change_matter_terms(firm, firm_staff, matter):
    with pytest.raises(ServiceError):
        setup.matter_terms_save(
            scope=resolve_scope(firm_staff, firm),
            matter=matter,
            rate=None,
            client_matter_id="",
            billable=True,
        )


def test_matter_terms_audited_with_before_and_after(firm, attorney_scope, matter):
    setup.matter_terms_save(
        scope=attorney_scope,
        matter=matter,
        rate=D("250"),
        client_matter_id="A-1",
        billable=True,
    )
    setup.matter_terms_save(
        scope=attorney_scope,
        matter=matter,
        rate=None,
        client_matter_id="A-1",
        billable=True,
    )
    event = last_event(firm, "billing.matter_terms_changed")
    assert event.detail == {"before": {"rate": "250.00"}, "after": {"rate": None}}
    assert event.matter_id == str(matter.public_id)


def test_ledes_delimiters_refused_in_a_client_matter_id(attorney_scope, matter):
    with pytest.raises(ServiceError) as error:
        setup.matter_terms_save(
            scope=attorney_scope,
            matter=matter,
            rate=None,
            client_matter_id="A|1",
            billable=True,
        )
    assert error.value.field == "client_matter_id"


# --- A client's terms --------------------------------------------------------


@pytest.fixture
def client_contact(firm):
    return Contact.unscoped.create(firm=firm, kind="organization", name="Acme Corp")


def test_client_terms_saved_and_audited(firm, attorney_scope, client_contact):
    terms = setup.client_terms_save(
        scope=attorney_scope,
        client=client_contact,
        client_code="ACME01",
        ledes=True,
        requires_utbms=True,
        adjustments_negative_only=True,
        billing_email="ap@acme.test",
        note="",
    )
    assert terms.requires_utbms and terms.client_code == "ACME01"
    event = last_event(firm, "billing.client_terms_changed")
    assert event.detail["before"] == {} and event.detail["after"]["ledes"] is True


def test_an_e_billing_client_needs_a_client_code(attorney_scope, client_contact):
    with pytest.raises(ServiceError) as error:
        setup.client_terms_save(
            scope=attorney_scope, client=client_contact, client_code="", ledes=True
        )
    assert error.value.field == "client_code"
