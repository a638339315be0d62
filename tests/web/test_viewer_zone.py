"""Every response is in the viewer's zone: full pages, htmx fragments and the
notifications written for each person (issue 16, item 3)."""

import datetime
import re

from django.urls import reverse

from firmdesk.audit.models import AuditEvent
from firmdesk.notify.models import Notification
from firmdesk.work.tasks import sla_warning
from tests import factories as f

# 20:05 UTC: 12:05 PM in Los Angeles (PST), 4:05 AM the next day in Manila.
DUE = datetime.datetime(2026, 12, 6, 20, 5, tzinfo=datetime.UTC)


def _task(firm, matter, attorney, assistant):
    return f.task(
        firm,
        matter=matter,
        assignee=assistant,
        requester=attorney,
        due_at=DUE,
        title="Calendar the deposition",
    )


def test_an_in_place_action_answers_in_the_viewers_zone(
    client, firm, matter, attorney, assistant
):
    attorney.time_zone = "America/Los_Angeles"
    attorney.save()
    task = _task(firm, matter, attorney, assistant)
    f.sign_in(client, attorney)
    url = reverse("work:task_action", args=[firm.slug, task.public_id, "comment"])
    response = client.post(
        url,
        {"revision": task.revision, "body": "Please confirm the room."},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "<html" not in body  # the fragment, not the page
    assert "Dec 6, 2026, 12:05 PM PST" in body  # the due time
    # The new comment's time, just above its text.
    comment = body.split("Please confirm the room.")[0][-400:]
    assert re.search(r"20\d\d, \d+:\d\d [AP]M P[SD]T</time>", comment)
    assert "UTC" not in body


def test_a_manila_viewer_reads_pht_never_pst(client, firm, matter, attorney, assistant):
    attorney.time_zone = "Asia/Manila"
    attorney.save()
    task = _task(firm, matter, attorney, assistant)
    f.sign_in(client, attorney)
    page = client.get(reverse("work:task_detail", args=[firm.slug, task.public_id]))
    body = page.content.decode()
    assert "Dec 7, 2026, 4:05 AM PHT" in body
    assert "PHT</a>" in body  # the zone in the top bar
    assert "PST" not in body


def test_notifications_are_written_in_each_recipients_zone(
    firm, matter, attorney, assistant
):
    attorney.time_zone = "America/Los_Angeles"
    attorney.save()
    assistant.time_zone = "Asia/Manila"
    assistant.save()
    task = _task(firm, matter, attorney, assistant)
    assert sla_warning.call(task.pk, DUE.isoformat()) is True
    bodies = dict(
        Notification.objects.filter(kind="task.due_soon").values_list("user", "body")
    )
    assert bodies[attorney.pk] == "Due Dec 6, 2026, 12:05 PM PST."
    assert bodies[assistant.pk] == "Due Dec 7, 2026, 4:05 AM PHT."


def test_a_person_chooses_their_own_zone(client, firm, attorney):
    f.sign_in(client, attorney)
    url = reverse("profile:settings")
    page = client.get(url).content.decode()
    assert '<optgroup label="United States">' in page
    assert '<option value="America/New_York" selected>' in page
    response = client.post(url, {"time_zone": "Asia/Manila"}, follow=True)
    body = response.content.decode()
    assert "Times are now shown in your zone: Manila — Philippines." in body
    assert "PHT</a>" in body
    attorney.refresh_from_db()
    assert attorney.time_zone == "Asia/Manila"
    assert AuditEvent.objects.filter(org=firm, action="user.time_zone_changed").exists()


def test_a_zone_not_offered_is_refused_and_the_choice_kept(client, attorney):
    f.sign_in(client, attorney)
    response = client.post(reverse("profile:settings"), {"time_zone": "Factory"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    attorney.refresh_from_db()
    assert attorney.time_zone == "America/New_York"
