"""The layout's unread badge, on every page: it counts only what the person may
still be told about (``notify.selectors``): one COUNT when no unread note is
about a row (tests/notify/test_unread_count.py has the rest)."""

import re

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from firmdesk.access.scope import firms_for_user
from firmdesk.engagements.models import Engagement
from firmdesk.matters.models import MatterScreen
from firmdesk.notify.models import Notification
from firmdesk.notify.selectors import unread_count
from tests import factories as f

BADGE = re.compile(r'text-bg-primary">(\d+)<span class="visually-hidden"> unread')


def _note(user, firm, title, about=None, **fields):
    if about is not None:
        fields["subject_type"] = ContentType.objects.get_for_model(about)
        fields["subject_id"] = about.pk
    return Notification.objects.create(
        user=user, firm=firm, kind="x", title=title, **fields
    )


def _badge(client) -> int | None:
    body = client.get(reverse("today:today")).content.decode()
    found = BADGE.search(body)
    return int(found.group(1)) if found else None


def test_the_badge_counts_only_what_the_person_may_still_be_told(
    client, firm, other_firm, engagement, assistant, matter
):
    seen = f.task(firm, matter=matter, assignee=assistant, engagement=engagement)
    _note(assistant, firm, "Task given to you", about=seen)
    _note(assistant, other_firm, "Brandt filing returned")
    _note(assistant, None, "Welcome to FirmDesk")
    _note(assistant, None, "Read already", read_at=seen.created_at)
    f.sign_in(client, assistant)
    assert _badge(client) == 3

    engagement.status = Engagement.Status.ENDED
    engagement.save(update_fields=["status"])
    assert _badge(client) == 2


def test_a_note_about_a_row_screened_off_since_is_not_counted(
    client, firm, attorney, matter
):
    task = f.task(firm, matter=matter)
    _note(attorney, firm, "Review the Lopez filing", about=task)
    _note(attorney, firm, "Welcome")
    f.sign_in(client, attorney)
    assert _badge(client) == 2

    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    assert _badge(client) == 1


def test_the_badge_is_one_query_when_no_note_is_about_a_row(firm, attorney):
    for n in range(5):
        _note(attorney, firm if n % 2 else None, f"Note {n}")
    scopes = firms_for_user(attorney)
    with CaptureQueriesContext(connection) as queries:
        assert unread_count(user=attorney, scopes=scopes) == 5
    assert len(queries) == 1
