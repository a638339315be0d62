"""The provider admin's pages about a staff member: recording that they left."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from firmdesk.orgs.models import StaffProfile
from firmdesk.work.models import Task
from tests import factories as f

# Friday 27 November 2026, 22:00 in New York: already Saturday on the server.
FRI_10PM_NY = datetime.datetime(2026, 11, 28, 3, 0, tzinfo=datetime.UTC)


def left_url(provider, user):
    return reverse(
        "engagements:provider_staff_left", args=[provider.slug, user.public_id]
    )


def test_last_working_day_starts_as_today_where_the_person_works(
    time_machine, provider, provider_admin, assistant
):
    time_machine.move_to(FRI_10PM_NY, tick=False)
    admin = f.sign_in(Client(), provider_admin)

    page = admin.get(left_url(provider, assistant)).content.decode()

    field = re.search(r'<input[^>]*name="left_on"[^>]*>', page).group(0)
    assert 'value="2026-11-27"' in field

    StaffProfile.objects.filter(user=assistant).update(time_zone="Asia/Manila")
    page = admin.get(left_url(provider, assistant)).content.decode()
    field = re.search(r'<input[^>]*name="left_on"[^>]*>', page).group(0)
    assert 'value="2026-11-28"' in field


@pytest.mark.parametrize("open_tasks", [1, 2])
def test_marking_someone_as_left_hands_over_their_open_work(
    firm, engagement, provider, provider_admin, assistant, open_tasks
):
    for n in range(open_tasks):
        f.task(
            firm,
            engagement=engagement,
            assignee=assistant,
            status=Task.Status.IN_PROGRESS,
            title=f"Open work {n + 1}",
        )
    admin = f.sign_in(Client(), provider_admin)

    response = admin.post(
        left_url(provider, assistant), {"left_on": "2026-11-27", "confirm": "on"}
    )

    assert response.status_code == 302
    profile = StaffProfile.objects.get(user=assistant)
    assert profile.status == StaffProfile.Status.LEFT
    assert profile.left_on == datetime.date(2026, 11, 27)
    assert not Task.unscoped.filter(assignee=assistant).exists()
    told = [str(m) for m in get_messages(response.wsgi_request)]
    handed = "1 open task was" if open_tasks == 1 else f"{open_tasks} open tasks were"
    assert told == [
        f"Priya Nair marked as left; their access ended. {handed} handed over."
    ]


def test_leaving_without_confirming_keeps_the_date_and_says_what_to_do(
    provider, provider_admin, assistant
):
    admin = f.sign_in(Client(), provider_admin)

    response = admin.post(left_url(provider, assistant), {"left_on": "2026-11-20"})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="2026-11-20"' in page
    assert (
        "Tick the box “Their access to every firm ends now, and their open work "
        "must be reassigned” to go on." in page
    )
    assert StaffProfile.objects.get(user=assistant).status == StaffProfile.Status.ACTIVE
