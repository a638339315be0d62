"""A contact's sensitive fields (issue 20, Build 5; Done means: "not readable in
the raw database"): encrypted in every column and every table, opened on load,
re-encrypted by `firmdesk keys rotate`, refused loudly under a wrong key,
masked on the contact page per role, unmasked only by a confirmed POST that
is audited by field name, and changed through an audited form."""

import base64
import datetime
import io
import time

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from firmdesk.audit.models import AuditEvent
from firmdesk.common import encrypted
from firmdesk.common.masterkeys import MissingMasterKey, master_key_id
from firmdesk.documents import crypto
from firmdesk.matters.models import Contact, MatterParty
from firmdesk.web.accounts import reauth
from tests import factories as f

A, B = (base64.b64encode(bytes([n]) * 32).decode() for n in (0x5A, 0x5B))
ID = {k: master_key_id(base64.b64decode(k)) for k in (A, B)}

SSN = "219-09-9999"
DOB = datetime.date(1984, 5, 2)
PASSPORT = "X51847203"
BANK = "Eastbridge Savings"
ROUTING = "011000015"
ACCOUNT = "4099887766"
# What must appear nowhere in the database, in any form we store or type.
PLAINTEXTS = (
    SSN,
    SSN.replace("-", ""),
    "1984-05-02",
    "05/02/1984",
    PASSPORT,
    BANK,
    ROUTING,
    ACCOUNT,
)
COLUMNS = (
    "date_of_birth",
    "tax_id",
    "gov_id_number",
    "bank_name",
    "bank_routing",
    "bank_account",
)


@pytest.fixture
def masters(settings):
    def configure(*lines):
        settings.FIRMDESK_MASTER_KEY = ",".join(lines)
        crypto.forget_opened_keys()

    configure(A)
    yield configure
    crypto.forget_opened_keys()


@pytest.fixture
def client_contact(firm, matter, masters):
    contact = Contact.unscoped.create(
        firm=firm,
        kind="person",
        name="Maria Lopez",
        date_of_birth=DOB,
        tax_id_kind="ssn",
        tax_id=SSN,
        gov_id_kind="passport",
        gov_id_number=PASSPORT,
        bank_name=BANK,
        bank_routing=ROUTING,
        bank_account=ACCOUNT,
    )
    MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=contact, role="client"
    )
    return contact


def raw_columns(contact) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(COLUMNS)} FROM matters_contact WHERE id = %s",
            [contact.pk],
        )
        return dict(zip(COLUMNS, cursor.fetchone(), strict=True))


def whole_database_text() -> str:
    """Every row of every table as text: what a stolen dump would show."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts.extend(repr(row) for row in cursor.fetchall())
    if connection.vendor == "sqlite":
        parts.extend(connection.connection.iterdump())
    return "\n".join(parts)


def reloaded(contact) -> Contact:
    return Contact.unscoped.get(pk=contact.pk)


def confirmed(client, user):
    f.sign_in(client, user)
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time())
    session.save()
    return client


def unconfirmed(client, user):
    f.sign_in(client, user)
    session = client.session
    session.pop(reauth.SESSION_KEY, None)
    session.save()
    return client


def contact_url(contact, name="matters:contact_detail", **extra):
    return reverse(name, args=[contact.firm.slug, contact.public_id, *extra.values()])


# --- In the database ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_columns_hold_ciphertext_naming_the_current_master_key(client_contact):
    raw = raw_columns(client_contact)
    for column, value in raw.items():
        assert value.startswith(f"fdf1:{ID[A]}:"), column
        assert not any(p in value for p in PLAINTEXTS), column


@pytest.mark.django_db(transaction=True)
def test_no_table_of_the_database_holds_a_sensitive_value_in_plain(
    client, client_contact, attorney
):
    # Unmask and change a value too, so the audit trail is in the dump.
    confirmed(client, attorney)
    client.post(
        contact_url(client_contact, "matters:contact_sensitive_unmask", field="tax_id")
    )
    client.post(
        contact_url(client_contact, "matters:contact_sensitive_edit"),
        {"tax_id_kind": "ssn", "gov_id_kind": "passport", "bank_account": "55512345"},
    )
    dump = whole_database_text()
    assert "Maria Lopez" in dump  # the dump is real
    for plain in (*PLAINTEXTS, "55512345"):
        assert plain not in dump, plain


def test_values_open_on_load_as_they_were_saved(client_contact):
    contact = reloaded(client_contact)
    assert contact.date_of_birth == DOB
    assert (contact.tax_id, contact.gov_id_number) == (SSN, PASSPORT)
    assert (contact.bank_name, contact.bank_routing, contact.bank_account) == (
        BANK,
        ROUTING,
        ACCOUNT,
    )


def test_empty_values_are_null_in_the_database_and_empty_in_python(firm, masters):
    contact = Contact.unscoped.create(firm=firm, name="Nobody Special")
    assert set(raw_columns(contact).values()) == {None}
    contact = reloaded(contact)
    assert contact.date_of_birth is None and contact.tax_id == ""


def test_same_value_is_sealed_differently_each_time(firm, masters):
    one = Contact.unscoped.create(firm=firm, name="One", tax_id=SSN)
    two = Contact.unscoped.create(firm=firm, name="Two", tax_id=SSN)
    assert raw_columns(one)["tax_id"] != raw_columns(two)["tax_id"]


def test_encrypted_fields_cannot_be_searched(client_contact):
    with pytest.raises(FieldError):
        list(Contact.unscoped.filter(tax_id=SSN))
    with pytest.raises(FieldError):
        list(Contact.unscoped.filter(bank_account__endswith="7766"))
    assert Contact.unscoped.filter(tax_id__isnull=False).count() == 1


# --- Keys -----------------------------------------------------------------------


def _rotate() -> str:
    out = io.StringIO()
    call_command("keys", "rotate", stdout=out)
    return out.getvalue()


def test_rotate_reseals_every_value_under_the_new_key_and_can_run_again(
    firm, client_contact, masters
):
    masters(A, B)
    status = io.StringIO()
    call_command("keys", "status", stdout=status)
    assert f"{firm.name}: 6 sensitive value(s)" in status.getvalue()
    assert "re-encrypted 6 sensitive value(s)" in _rotate()
    assert all(
        v.startswith(f"fdf1:{ID[B]}:") for v in raw_columns(client_contact).values()
    )
    event = AuditEvent.objects.get(org=firm, action="encryption.fields_resealed")
    assert event.detail == {"master_key_id": ID[B], "resealed": 6}
    assert "re-encrypted" not in _rotate()  # nothing left: a rerun does nothing
    status = io.StringIO()
    call_command("keys", "status", "--json", stdout=status)
    assert '"sensitive_values_on_older_keys": {}' in status.getvalue()
    masters(B)  # the old key removed from the configuration
    assert reloaded(client_contact).tax_id == SSN


def test_a_run_stopped_halfway_leaves_each_firm_done_or_untouched(
    firm, other_firm, client_contact, masters, monkeypatch
):
    Contact.unscoped.create(firm=other_firm, name="Brandt", bank_account=ACCOUNT)
    masters(A, B)
    from firmdesk.documents import keys

    real = keys._reseal_fields

    def fail_for_brandt(org, current, result):
        real(org, current, result)
        if org == other_firm:
            raise crypto.MasterKeyError("stopped")

    monkeypatch.setattr(keys, "_reseal_fields", fail_for_brandt)
    results = {r.name: r for r in keys.rotate()}
    assert results[other_firm.name].problem == "stopped"
    brandt = Contact.unscoped.get(firm=other_firm)
    assert raw_columns(brandt)["bank_account"].startswith(f"fdf1:{ID[A]}:")
    assert raw_columns(client_contact)["tax_id"].startswith(f"fdf1:{ID[B]}:")
    monkeypatch.setattr(keys, "_reseal_fields", real)
    keys.rotate()
    assert raw_columns(brandt)["bank_account"].startswith(f"fdf1:{ID[B]}:")


def test_a_missing_master_key_is_a_clear_error_not_garbage(client_contact, masters):
    masters(B)
    with pytest.raises(MissingMasterKey) as refused:
        reloaded(client_contact)
    assert ID[A] in str(refused.value) and "not configured" in str(refused.value)


def test_a_changed_or_moved_value_is_refused_naming_its_column(client_contact):
    raw = raw_columns(client_contact)
    with connection.cursor() as cursor:
        # The date of birth's ciphertext copied into the tax ID column.
        cursor.execute(
            "UPDATE matters_contact SET tax_id = %s WHERE id = %s",
            [raw["date_of_birth"], client_contact.pk],
        )
    with pytest.raises(encrypted.EncryptedValueError) as refused:
        reloaded(client_contact)
    assert "matters.Contact.tax_id" in str(refused.value)
    assert SSN not in str(refused.value)


def test_a_value_written_in_plain_around_firmdesk_is_refused(client_contact):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE matters_contact SET bank_account = %s WHERE id = %s",
            ["12345678", client_contact.pk],
        )
    with pytest.raises(encrypted.EncryptedValueError, match="not in FirmDesk's"):
        reloaded(client_contact)


# --- Masked on the contact page --------------------------------------------------


def test_attorney_sees_masks_and_may_show_every_field(client, client_contact, attorney):
    f.sign_in(client, attorney)
    body = client.get(contact_url(client_contact)).content.decode()
    assert "•••-••-9999" in body and "**/**/1984" in body
    assert "••••7203" in body and "••••7766" in body and "••••0015" in body
    for plain in (SSN, "1984-05-02", "May 2, 1984", PASSPORT, ROUTING, ACCOUNT):
        assert plain not in body, plain
    for column in COLUMNS[:3] + COLUMNS[4:]:
        assert (
            contact_url(
                client_contact, "matters:contact_sensitive_unmask", field=column
            )
            in body
        )


def test_in_house_staff_see_masks_and_may_show_bank_details_only(
    client, client_contact, firm_staff
):
    f.sign_in(client, firm_staff)
    body = client.get(contact_url(client_contact)).content.decode()
    assert "•••-••-9999" in body

    def unmask(column):
        return contact_url(
            client_contact, "matters:contact_sensitive_unmask", field=column
        )

    assert unmask("bank_account") in body and unmask("bank_routing") in body
    assert unmask("bank_name") not in body  # shown in full already
    assert unmask("tax_id") not in body and unmask("date_of_birth") not in body


def test_provider_staff_see_the_contact_but_nothing_sensitive(
    client, client_contact, assistant
):
    f.sign_in(client, assistant)
    response = client.get(contact_url(client_contact))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Maria Lopez" in body
    assert "Sensitive details" not in body and "9999" not in body and "1984" not in body


def test_contact_csv_export_leaves_the_sensitive_fields_out(
    client, client_contact, firm_admin
):
    confirmed(client, firm_admin)
    response = client.get(
        reverse("matters:contact_export", args=[client_contact.firm.slug])
    )
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    assert "Maria Lopez" in body
    assert not any(p in body for p in (*PLAINTEXTS, "9999"))


def test_search_finds_a_contact_by_name_never_by_a_sensitive_number(
    client, client_contact, attorney
):
    f.sign_in(client, attorney)
    url = reverse("search:search", args=[client_contact.firm.slug])
    assert "Maria Lopez" in client.get(url, {"q": "Maria Lopez"}).content.decode()
    for number in (SSN, "9999", PASSPORT, ACCOUNT, ROUTING):
        body = client.get(url, {"q": number}).content.decode()
        assert "Maria Lopez" not in body, number


# --- Unmasking --------------------------------------------------------------------


def test_unmasking_shows_the_value_uncached_and_audits_the_field_not_the_value(
    client, client_contact, attorney
):
    confirmed(client, attorney)
    response = client.post(
        contact_url(client_contact, "matters:contact_sensitive_unmask", field="tax_id")
    )
    assert response.status_code == 200
    assert SSN in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="contact.sensitive_viewed")
    assert (event.actor, event.detail) == (attorney, {"field": "tax_id"})
    assert event.object_id == str(client_contact.public_id)
    assert SSN not in f"{event.summary} {event.detail}"


def test_dates_of_birth_show_as_written_in_the_us(client, client_contact, attorney):
    confirmed(client, attorney)
    response = client.post(
        contact_url(
            client_contact, "matters:contact_sensitive_unmask", field="date_of_birth"
        )
    )
    assert "05/02/1984" in response.content.decode()


def test_unmasking_without_a_recent_password_asks_for_it_and_shows_nothing(
    client, client_contact, attorney
):
    unconfirmed(client, attorney)
    response = client.post(
        contact_url(client_contact, "matters:contact_sensitive_unmask", field="tax_id")
    )
    body = response.content.decode()
    assert response.status_code == 200 and "password" in body.lower()
    assert SSN not in body
    assert not AuditEvent.objects.filter(action="contact.sensitive_viewed").exists()


def test_unmasking_by_get_is_refused(client, client_contact, attorney):
    confirmed(client, attorney)
    url = contact_url(
        client_contact, "matters:contact_sensitive_unmask", field="tax_id"
    )
    assert client.get(url).status_code == 405


@pytest.mark.parametrize(
    ("who", "field", "status"),
    [
        ("firm_staff", "tax_id", 404),
        ("firm_staff", "date_of_birth", 404),
        ("firm_staff", "bank_account", 200),
        ("assistant", "bank_account", 404),
        ("assistant", "tax_id", 404),
        ("firm_admin", "gov_id_number", 200),
        ("attorney", "no_such_field", 404),
    ],
)
def test_who_may_unmask_what(client, client_contact, request, who, field, status):
    confirmed(client, request.getfixturevalue(who))
    response = client.post(
        contact_url(client_contact, "matters:contact_sensitive_unmask", field=field)
    )
    assert response.status_code == status
    assert AuditEvent.objects.filter(action="contact.sensitive_viewed").count() == (
        1 if status == 200 else 0
    )


def test_an_empty_field_has_nothing_to_unmask(client, firm, matter, attorney, masters):
    contact = Contact.unscoped.create(firm=firm, name="Empty")
    confirmed(client, attorney)
    url = contact_url(contact, "matters:contact_sensitive_unmask", field="tax_id")
    assert client.post(url).status_code == 404


# --- Changing --------------------------------------------------------------------


def _edit(client, contact, **data):
    base = {"tax_id_kind": contact.tax_id_kind, "gov_id_kind": contact.gov_id_kind}
    return client.post(
        contact_url(contact, "matters:contact_sensitive_edit"), {**base, **data}
    )


def test_edit_form_shows_masks_never_the_stored_values(
    client, client_contact, attorney
):
    f.sign_in(client, attorney)
    body = client.get(
        contact_url(client_contact, "matters:contact_sensitive_edit")
    ).content.decode()
    assert "Stored: •••-••-9999" in body
    assert not any(p in body for p in PLAINTEXTS[:-3] + (ROUTING, ACCOUNT))


def test_in_house_staff_enter_new_values_audited_by_name(
    client, firm, matter, firm_staff, masters
):
    contact = Contact.unscoped.create(firm=firm, name="New Client")
    confirmed(client, firm_staff)
    response = _edit(
        client,
        contact,
        date_of_birth="1990-01-31",
        tax_id_kind="ein",
        tax_id="12 3456789",
        bank_routing="011000015",
        bank_account="0012-3456",
    )
    assert response.status_code == 302
    contact = reloaded(contact)
    assert contact.date_of_birth == datetime.date(1990, 1, 31)
    assert (contact.tax_id_kind, contact.tax_id) == ("ein", "12-3456789")
    assert (contact.bank_routing, contact.bank_account) == ("011000015", "00123456")
    event = AuditEvent.objects.get(action="contact.sensitive_changed")
    assert event.detail == {
        "fields": [
            "date_of_birth",
            "tax_id",
            "bank_routing",
            "bank_account",
            "tax_id_kind",
        ]
    }
    assert "3456789" not in f"{event.summary} {event.detail}"


def test_empty_boxes_keep_and_ticked_boxes_remove(client, client_contact, attorney):
    confirmed(client, attorney)
    _edit(client, client_contact, remove=["bank_account", "date_of_birth"])
    contact = reloaded(client_contact)
    assert contact.bank_account == "" and contact.date_of_birth is None
    assert contact.tax_id == SSN and contact.bank_routing == ROUTING
    assert raw_columns(contact)["bank_account"] is None


def test_a_mistyped_routing_number_is_explained_and_nothing_is_lost(
    client, client_contact, attorney
):
    confirmed(client, attorney)
    response = _edit(
        client, client_contact, bank_routing="011000016", bank_name="New Bank"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "fails its check digit" in body
    assert 'value="011000016"' in body and 'value="New Bank"' in body
    contact = reloaded(client_contact)
    assert (contact.bank_routing, contact.bank_name) == (ROUTING, BANK)
    assert not AuditEvent.objects.filter(action="contact.sensitive_changed").exists()


def test_every_mistake_is_marked_at_once(client, client_contact, attorney):
    confirmed(client, attorney)
    response = _edit(
        client,
        client_contact,
        bank_routing="011000016",
        bank_account="12",
        date_of_birth="2999-01-01",
    )
    body = response.content.decode()
    assert "fails its check digit" in body
    assert "4 to 17 digits" in body
    assert "cannot be in the future" in body


def test_typing_a_value_and_ticking_remove_asks_which_is_meant(
    client, client_contact, attorney
):
    confirmed(client, attorney)
    response = _edit(
        client, client_contact, bank_account="55512345", remove=["bank_account"]
    )
    assert "Type a new account number or tick “Remove”, not both." in (
        response.content.decode()
    )
    assert reloaded(client_contact).bank_account == ACCOUNT


def test_removing_a_number_while_changing_its_kind_needs_no_check(
    client, client_contact, attorney
):
    confirmed(client, attorney)
    assert (
        _edit(client, client_contact, tax_id_kind="itin", remove=["tax_id"]).status_code
        == 302
    )
    contact = reloaded(client_contact)
    assert (contact.tax_id, contact.tax_id_kind) == ("", "itin")


def test_changing_the_kind_checks_the_stored_number_against_it(
    client, client_contact, attorney
):
    confirmed(client, attorney)
    response = _edit(client, client_contact, tax_id_kind="itin")
    assert "An ITIN starts with 9" in response.content.decode()
    assert reloaded(client_contact).tax_id_kind == "ssn"


def test_a_stale_edit_asks_for_the_password_and_changes_nothing(
    client, client_contact, attorney
):
    unconfirmed(client, attorney)
    response = _edit(client, client_contact, bank_account="55512345")
    assert (
        response.status_code == 200 and "password" in response.content.decode().lower()
    )
    assert reloaded(client_contact).bank_account == ACCOUNT


def test_provider_staff_cannot_open_the_edit_form(client, client_contact, assistant):
    confirmed(client, assistant)
    assert (
        client.get(
            contact_url(client_contact, "matters:contact_sensitive_edit")
        ).status_code
        == 404
    )
    assert _edit(client, client_contact, bank_account="55512345").status_code == 404
    assert reloaded(client_contact).bank_account == ACCOUNT


def test_the_general_contact_form_keeps_the_sensitive_fields(
    client, client_contact, attorney
):
    f.sign_in(client, attorney)
    response = client.post(
        contact_url(client_contact, "matters:contact_edit"),
        {"kind": "person", "name": "Maria Lopez-Reyes"},
    )
    assert response.status_code == 302
    contact = reloaded(client_contact)
    assert contact.name == "Maria Lopez-Reyes"
    assert (contact.tax_id, contact.date_of_birth, contact.bank_account) == (
        SSN,
        DOB,
        ACCOUNT,
    )
