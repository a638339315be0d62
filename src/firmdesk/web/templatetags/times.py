"""The product's one date style in templates (``common.times``), loaded in every
template (``builtins`` in settings), so no page writes a format of its own:

- ``{{ moment|when }}`` → Dec 6, 2026, 3:05 PM EST; ``{{ moment|when:"weekday" }}``
  → Sat, Dec 6, 2026, 3:05 PM EST;
- ``{{ day_or_moment|day }}`` → Dec 6, 2026; ``|day:"weekday"`` → Sat, Dec 6, 2026;
- ``{{ moment|clock }}`` → 3:05 PM EST;
- ``{{ moment|zone }}`` → EST, PHT, UTC+8: the zone label alone;
- ``{% zone_now %}`` → the label of the active zone now (the page header);
- ``{% time_tag moment %}`` → ``<time datetime="…">Dec 6, 2026, 3:05 PM EST</time>``.

Moments are shown in the active zone: the viewer's (``ViewerZoneMiddleware``),
or the one a ``{% timezone %}`` block names (a court's, a public visitor's).
Nothing (None, "") gives "", so ``|default:"Never"`` still works.
"""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html

from firmdesk.common import times

register = template.Library()


def _moment(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return value
    return None


# expects_localtime: the template engine hands these filters a moment already in
# the zone to show (the active zone; its own zone inside {% localtime off %}, as
# a court's time is shown), so each writes the moment in the zone it carries.
@register.filter(expects_localtime=True)
def when(value, style: str = "") -> str:
    moment = _moment(value)
    if moment is None:
        return day(value, style) if isinstance(value, dt.date) else ""
    return times.when(moment, moment.tzinfo, weekday=style == "weekday")


@register.filter(expects_localtime=True)
def day(value, style: str = "") -> str:
    if not isinstance(value, dt.date):
        return ""
    moment = _moment(value)
    local = moment.astimezone(moment.tzinfo) if moment is not None else value
    text = times.day(local, local.tzinfo if moment is not None else None)
    return f"{local:%a}, {text}" if style == "weekday" else text


@register.filter(expects_localtime=True)
def clock(value) -> str:
    moment = _moment(value)
    return times.clock(moment, moment.tzinfo) if moment is not None else ""


@register.filter(expects_localtime=True)
def zone(value) -> str:
    moment = _moment(value)
    return times.zone_label(moment) if moment is not None else ""


@register.simple_tag
def zone_now() -> str:
    return times.zone_label(timezone.localtime())


@register.simple_tag
def time_tag(value, style: str = ""):
    moment = _moment(value)
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}">{}</time>',
        local.isoformat(),
        times.when(local, local.tzinfo, weekday=style == "weekday"),
    )
