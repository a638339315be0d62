"""The time import page: check a file, see what it would add, import it whole;
other systems' columns are mapped by choosing them; only billing people may."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from firmdesk.audit.models import AuditEvent
from firmdesk.billing.models import Expense, TimeEntry
from tests import factories as f
from tests.imports.test_time_import import DATA

pytestmark = pytest.mark.django_db


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (DATA / name).read_bytes(), "text/csv")


@pytest.fixture
def url(firm):
    return reverse("billing:time_import", args=[firm.slug])


@pytest.fixture
def billing_client(client, attorney, firm_staff, matter):
    f.sign_in(client, firm_staff)
    return client


def test_check_shows_a_preview_then_import_writes_everything(billing_client, url, firm):
    page = billing_client.post(
        url, {"action": "check", "file": _upload("clio_activities.csv")}
    )
    text = page.content.decode()
    assert "The file is ready" in text
    assert "Draft motion to compel production" in text
    assert "$525.00" in text  # 1.5 h at $350
    assert "Expense" in text
    assert not TimeEntry.unscoped.filter(firm=firm).exists()

    done = billing_client.post(url, {"action": "import"}, follow=True)
    assert "Imported “clio_activities.csv”: added 3 time entries and 1 expense" in (
        done.content.decode()
    )
    assert TimeEntry.unscoped.filter(firm=firm).count() == 3
    assert Expense.unscoped.filter(firm=firm).count() == 1
    assert AuditEvent.objects.filter(action="time.imported").count() == 1

    # The same file again: checked as nothing new, imported as nothing new.
    again = billing_client.post(
        url, {"action": "check", "file": _upload("clio_activities.csv")}
    ).content.decode()
    assert "Imported before: skipped" in again
    billing_client.post(url, {"action": "import"})
    assert TimeEntry.unscoped.filter(firm=firm).count() == 3


def test_bad_rows_are_listed_and_there_is_no_import_button(billing_client, url, firm):
    text = billing_client.post(
        url, {"action": "check", "file": _upload("clio_bad_rows.csv")}
    ).content.decode()
    assert "The file needs fixing" in text
    assert "Line 3: no matter you can see has the number" in text
    assert 'value="import"' not in text
    billing_client.post(url, {"action": "import"})
    assert not TimeEntry.unscoped.filter(firm=firm).exists()


def test_other_systems_choose_their_columns_and_date_order(billing_client, url, firm):
    first = billing_client.post(
        url, {"action": "check", "file": _upload("other_day_first.csv")}
    ).content.decode()
    assert "Column with the matter number" in first
    assert '<option value="Worked on">Worked on</option>' in first

    mapped = {
        "action": "check",
        "map_date": "Worked on",
        "map_timekeeper": "Staff",
        "map_matter": "File no",
        "map_hours": "Time spent",
        "map_narrative": "Notes",
    }
    second = billing_client.post(url, mapped).content.decode()
    assert "could be read two ways" in second
    # What was chosen is kept on the page.
    assert '<option value="Staff" selected>Staff</option>' in second

    third = billing_client.post(url, {**mapped, "date_order": "day_first"})
    assert "The file is ready" in third.content.decode()
    billing_client.post(url, {"action": "import"})
    assert sorted(
        TimeEntry.unscoped.filter(firm=firm).values_list("date__month", flat=True)
    ) == [4, 4]


def test_check_without_a_file_asks_for_one(billing_client, url):
    text = billing_client.post(url, {"action": "check"}).content.decode()
    assert "Choose the CSV file to check." in text


def test_staff_without_the_billing_function_get_404(client, url, assistant):
    f.sign_in(client, assistant)
    assert client.get(url).status_code == 404
    response = client.post(
        url, {"action": "check", "file": _upload("clio_activities.csv")}
    )
    assert response.status_code == 404
