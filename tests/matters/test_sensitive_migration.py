"""The migration that encrypts a contact's sensitive fields (issue 20): dates
of birth and tax numbers stored before it are sealed, the plain columns go,
and migrating back opens them again."""

import base64
import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from firmdesk.documents import crypto
from firmdesk.matters.models import Contact

BEFORE = ("matters", "0004_matter_client_consent_note")
AFTER = ("matters", "0005_contact_sensitive_fields")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor


def _raw(pk) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date_of_birth, tax_id FROM matters_contact WHERE id = %s", [pk]
        )
        return cursor.fetchone()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_values_stored_before_are_sealed_and_open_again_going_back(settings):
    settings.FIRMDESK_MASTER_KEY = base64.b64encode(bytes([7]) * 32).decode()
    crypto.forget_opened_keys()
    executor = _migrate(BEFORE)
    try:
        old = executor.loader.project_state([BEFORE]).apps
        org = old.get_model("orgs", "Organization")._base_manager.create(
            name="Hale & Ortiz LLP", slug="hale-ortiz", kind="firm"
        )
        people = old.get_model("matters", "Contact")._base_manager
        maria = people.create(
            firm_id=org.pk,
            name="Maria Lopez",
            date_of_birth=datetime.date(1984, 5, 2),
            tax_id="219-09-9999",
        )
        nobody = people.create(firm_id=org.pk, name="No Numbers")

        _migrate(AFTER)
        dob, tax_id = _raw(maria.pk)
        assert dob.startswith("fdf1:") and tax_id.startswith("fdf1:")
        assert "1984" not in dob and "9999" not in tax_id
        assert _raw(nobody.pk) == (None, None)
        sealed = Contact.unscoped.get(pk=maria.pk)
        assert sealed.date_of_birth == datetime.date(1984, 5, 2)
        assert sealed.tax_id == "219-09-9999"

        _migrate(BEFORE)
        assert _raw(maria.pk) in (
            (datetime.date(1984, 5, 2), "219-09-9999"),
            ("1984-05-02", "219-09-9999"),  # SQLite hands dates back as text
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
