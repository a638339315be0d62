"""Times as FirmDesk writes them: one date style, and zone labels no one misreads.

The style, everywhere (pages, htmx fragments, notifications, e-mails):

- a day: ``Dec 6, 2026`` (``day``);
- a moment: ``Dec 6, 2026, 3:05 PM EST`` (``when``), ``Sat, Dec 6, 2026, 3:05 PM
  EST`` where the weekday matters (deadlines, hearings);
- a clock time: ``3:05 PM EST`` (``clock``).

A moment is shown in a zone: the active one (the viewer's, activated for every
signed-in request by ``web.middleware.ViewerZoneMiddleware``) unless one is given
(a notification names its recipient's, ``person_zone``).

Zone labels. The database's abbreviations are made for the people of each zone,
not for the people reading FirmDesk: Asia/Manila's is "PST", China's and Cuba's
"CST", which a US reader takes for Pacific or Central time; many zones have no
letters at all ("+08"). ``zone_label`` keeps an abbreviation only where it means
one offset the reader knows (``KNOWN``: the US zones' and a few others', each
with the offset it stands for) and the zone is at that offset; otherwise it writes
the offset ("UTC+8", "UTC+5:30"). Manila, where much outside legal support works,
is written "PHT", its usual name.

Pure functions: no database, nothing of ours imported. strftime runs in the C
locale (Python never calls setlocale), so month and day names are English.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

_H = 3600

# Abbreviation → the one UTC offset (seconds) it means to a reader of FirmDesk.
US_ABBREVIATIONS = {
    "EST": -5 * _H,
    "EDT": -4 * _H,
    "CST": -6 * _H,
    "CDT": -5 * _H,
    "MST": -7 * _H,
    "MDT": -6 * _H,
    "PST": -8 * _H,
    "PDT": -7 * _H,
    "AKST": -9 * _H,
    "AKDT": -8 * _H,
    "HST": -10 * _H,
    "HDT": -9 * _H,
    "AST": -4 * _H,  # Atlantic: Puerto Rico, the Virgin Islands
    "SST": -11 * _H,  # Samoa: American Samoa
    "ChST": 10 * _H,  # Chamorro: Guam, the Northern Marianas
}
KNOWN = {
    **US_ABBREVIATIONS,
    "UTC": 0,
    "GMT": 0,
    "BST": 1 * _H,
    "WET": 0,
    "WEST": 1 * _H,
    "CET": 1 * _H,
    "CEST": 2 * _H,
    "EET": 2 * _H,
    "EEST": 3 * _H,
    "MSK": 3 * _H,
    "SAST": 2 * _H,
    "IST": 5 * _H + 1800,  # India; Ireland's and Israel's are written as offsets
    "PKT": 5 * _H,
    "HKT": 8 * _H,
    "JST": 9 * _H,
    "KST": 9 * _H,
    "AWST": 8 * _H,
    "ACST": 9 * _H + 1800,
    "ACDT": 10 * _H + 1800,
    "AEST": 10 * _H,
    "AEDT": 11 * _H,
    "NZST": 12 * _H,
    "NZDT": 13 * _H,
    "ADT": -3 * _H,  # Atlantic daylight (Halifax)
    "NST": -3 * _H - 1800,  # Newfoundland
    "NDT": -2 * _H - 1800,
}
# Zones whose own abbreviation misleads, written with the name their people use.
ZONE_NAMES = {"Asia/Manila": ("PHT", 8 * _H)}

UTC = ZoneInfo("UTC")


def offset_label(offset: dt.timedelta) -> str:
    """UTC+8, UTC-3, UTC+5:30, UTC+0."""
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), _H)
    minutes = rest // 60
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def zone_label(moment: dt.datetime) -> str:
    """The zone of an aware ``moment`` as a US reader cannot misread it."""
    offset = moment.utcoffset()
    if offset is None:
        return ""
    seconds = int(offset.total_seconds())
    key = getattr(moment.tzinfo, "key", "")
    if key in ZONE_NAMES and ZONE_NAMES[key][1] == seconds:
        return ZONE_NAMES[key][0]
    abbreviation = moment.tzname() or ""
    if KNOWN.get(abbreviation) == seconds:
        return abbreviation
    return offset_label(offset)


def zone_named(*names: str | None) -> ZoneInfo:
    """The first of ``names`` that is a zone; UTC when none is (an empty name,
    an unknown one, or a folder of zones such as "America")."""
    for name in names:
        if not name:
            continue
        try:
            return ZoneInfo(name)
        except (ValueError, TypeError, LookupError, OSError):
            continue
    return UTC


def person_zone(user, firm=None) -> ZoneInfo:
    """The zone a person reads times in: their own, else their firm's, else UTC."""
    return zone_named(
        getattr(user, "time_zone", ""), getattr(firm, "time_zone", "") or ""
    )


def _local(moment: dt.datetime, zone: dt.tzinfo | None) -> dt.datetime:
    return timezone.localtime(moment, zone)


def day(value: dt.date | dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """Dec 6, 2026 (a moment's day in ``zone``, the active zone by default)."""
    if isinstance(value, dt.datetime):
        value = _local(value, zone) if timezone.is_aware(value) else value
    return value.strftime("%b %-d, %Y")


def clock(moment: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """3:05 PM EST."""
    local = _local(moment, zone)
    return f"{local:%-I:%M %p} {zone_label(local)}"


def when(
    moment: dt.datetime, zone: dt.tzinfo | None = None, *, weekday: bool = False
) -> str:
    """Dec 6, 2026, 3:05 PM EST (``weekday``: Sat, Dec 6, 2026, 3:05 PM EST)."""
    local = _local(moment, zone)
    text = f"{local:%b %-d, %Y, %-I:%M %p} {zone_label(local)}"
    return f"{local:%a}, {text}" if weekday else text
