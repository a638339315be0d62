"""An engagement in pilot, as the pilot tests and the isolation fixtures
need one: scheduling tried for 75 days from ``start``, judged on on-time
completion (at least 90 %) and rework (at most 10 %) unless told otherwise."""

import datetime

from firmdesk.engagements.models import Engagement
from tests import factories as f

PILOT_DAYS = 75


def pilot(firm, provider, *, start: datetime.date, **fields) -> Engagement:
    values = {
        "name": "Scheduling pilot",
        "start_date": start,
        "pilot_start": start,
        "pilot_evaluation": start + datetime.timedelta(days=PILOT_DAYS),
        "pilot_function": "scheduling",
        "pilot_targets": {"on_time_percent": 90, "rework_percent": 10},
        **fields,
    }
    return f.engagement(firm, provider, status=Engagement.Status.PILOT, **values)
