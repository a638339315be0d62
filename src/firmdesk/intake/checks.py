"""The configured warning lead, checked when FirmDesk starts (``firmdesk
check``, and every command that runs the system checks).

``FIRMDESK_SLA_WARNING_MINUTES`` is read from the environment; a negative one
would put the warning after the breach. A lead longer than an engagement's
agreed first-response time is not an error: the alarm clamps it to half that
time when it runs (``services.warning_lead``), for every engagement, old and
new, so the warning never comes before the clock has run.
"""

from django.conf import settings
from django.core import checks


def check_warning_lead(app_configs, **kwargs) -> list[checks.CheckMessage]:
    value = getattr(settings, "FIRMDESK_SLA_WARNING_MINUTES", 60)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return []
    return [
        checks.Error(
            f"FIRMDESK_SLA_WARNING_MINUTES is {value!r}: it must be a whole number "
            "of minutes, 0 or more (how long before a first response or a task "
            "is due its people are warned).",
            hint="Set it to e.g. 60, or leave it unset for 60. A warning longer "
            "than an engagement's agreed first-response time is cut to half that "
            "time for the engagement's leads.",
            id="firmdesk.intake.E001",
        )
    ]
