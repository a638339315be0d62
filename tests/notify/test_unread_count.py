"""The unread count (``notify.selectors.unread_count``, the layout's badge on
every page): right when some notes are about rows the person may no longer
see, and as many queries for two thousand unread as for two."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from firmdesk.access.scope import firms_for_user
from firmdesk.matters.models import MatterScreen
from firmdesk.notify.models import Notification
from firmdesk.notify.selectors import notifications_visible, unread_count
from tests import factories as f


def _notes(user, firm, about, count: int, **fields) -> None:
    subject = {}
    if about is not None:
        subject = {
            "subject_type": ContentType.objects.get_for_model(about),
            "subject_id": about.pk,
        }
    Notification.objects.bulk_create(
        Notification(
            user=user, firm=firm, kind="x", title=f"Note {n}", **subject, **fields
        )
        for n in range(count)
    )


def _count(user) -> int:
    return unread_count(user=user, scopes=firms_for_user(user))


def test_notes_about_a_screened_matters_task_are_not_counted(firm, attorney):
    open_task = f.task(firm, matter=f.MatterFactory(firm=firm))
    screened_matter = f.MatterFactory(firm=firm)
    screened_task = f.task(firm, matter=screened_matter)
    _notes(attorney, firm, open_task, 3)
    _notes(attorney, firm, screened_task, 4)
    _notes(attorney, None, None, 2)
    _notes(attorney, firm, open_task, 5, read_at=open_task.created_at)
    assert _count(attorney) == 9

    MatterScreen.unscoped.create(firm=firm, matter=screened_matter, user=attorney)

    assert _count(attorney) == 5
    scopes = firms_for_user(attorney)
    unread = notifications_visible(user=attorney, scopes=scopes).filter(
        read_at__isnull=True
    )
    assert unread.count() == _count(attorney)


def test_a_note_about_a_row_that_is_gone_is_not_counted(firm, attorney):
    task = f.task(firm, matter=f.MatterFactory(firm=firm))
    _notes(attorney, firm, task, 2)
    _notes(attorney, firm, None, 1)
    task.delete()
    assert _count(attorney) == 1


def _queries(user) -> int:
    scopes = firms_for_user(user)
    with CaptureQueriesContext(connection) as queries:
        unread_count(user=user, scopes=scopes)
    return len(queries)


@pytest.mark.parametrize("unread", [2, 2000])
def test_the_count_costs_the_same_queries_however_many_are_unread(
    firm, attorney, unread
):
    matter = f.MatterFactory(firm=firm)
    screened = f.MatterFactory(firm=firm)
    MatterScreen.unscoped.create(firm=firm, matter=screened, user=attorney)
    seen, hidden = f.task(firm, matter=matter), f.task(firm, matter=screened)
    _notes(attorney, firm, seen, unread // 2)
    _notes(attorney, firm, hidden, unread // 4 or 1)
    _notes(attorney, firm, matter, unread // 8 or 1)
    _notes(attorney, firm, screened, unread // 8 or 1)
    _notes(attorney, None, None, 3)
    expected = unread // 2 + (unread // 8 or 1) + 3
    assert _count(attorney) == expected
    # The COUNT, the notes about rows, one look-up per kind of row (tasks,
    # matters): never one per note.
    assert _queries(attorney) == 4
