"""The date style and the zone labels (``common.times``): no label a US reader
could take for a US zone it is not."""

import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from firmdesk.common import times
from firmdesk.orgs import zones

OFFERED = sorted(zones.offered_zones())
US_GROUP = [z for z, _ in dict(zones.offered())["United States"]]


@functools.cache
def us_meanings() -> dict[str, set[int]]:
    """Every abbreviation a US zone shows, with the offsets it stands for there,
    read from the zone database (not from ``times``' own table)."""
    meanings: dict[str, set[int]] = {}
    for name in US_GROUP:
        zone = ZoneInfo(name)
        for year in range(1990, 2040):
            for month in (1, 4, 7, 11):
                local = dt.datetime(year, month, 15, 12, tzinfo=dt.UTC).astimezone(zone)
                seconds = int(local.utcoffset().total_seconds())
                meanings.setdefault(local.tzname(), set()).add(seconds)
    return meanings


moments = st.datetimes(
    min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2039, 12, 31)
).map(lambda naive: naive.replace(tzinfo=dt.UTC))


@settings(max_examples=500, deadline=None)
@given(zone=st.sampled_from(OFFERED), moment=moments)
def test_a_label_that_is_a_us_abbreviation_means_what_it_means_in_the_us(zone, moment):
    local = moment.astimezone(ZoneInfo(zone))
    label = times.zone_label(local)
    offset = int(local.utcoffset().total_seconds())
    if label in us_meanings():
        assert offset in us_meanings()[label], (zone, local, label)
    written = re.fullmatch(r"UTC([+-])(\d+)(?::(\d\d))?", label)
    if written:
        sign, hours, minutes = written.groups()
        shown = int(hours) * 3600 + int(minutes or 0) * 60
        assert (-shown if sign == "-" else shown) == offset
    elif zone in times.ZONE_NAMES:
        assert (label, offset) == times.ZONE_NAMES[zone]
    else:
        assert times.KNOWN[label] == offset


def test_manila_is_never_pacific_time():
    for month in range(1, 13):
        local = dt.datetime(2026, month, 6, 7, tzinfo=dt.UTC).astimezone(
            ZoneInfo("Asia/Manila")
        )
        assert local.tzname() == "PST"  # what the zone database itself says
        assert times.zone_label(local) == "PHT"


def test_zones_whose_letters_mislead_or_are_missing_are_written_as_offsets():
    def label(zone, month=1):
        moment = dt.datetime(2026, month, 6, 12, tzinfo=dt.UTC)
        return times.zone_label(moment.astimezone(ZoneInfo(zone)))

    assert label("Asia/Shanghai") == "UTC+8"  # China's "CST"
    assert label("America/Havana") == "UTC-5"  # Cuba's "CST"
    assert label("America/Sao_Paulo") == "UTC-3"  # "-03"
    assert label("Asia/Kathmandu") == "UTC+5:45"
    assert label("America/New_York") == "EST"
    assert label("America/New_York", 7) == "EDT"
    assert label("America/Toronto") == "EST"  # the same clock as New York
    assert label("Asia/Kolkata") == "IST"


def test_one_date_style():
    moment = dt.datetime(2026, 12, 6, 20, 5, tzinfo=dt.UTC)
    eastern = ZoneInfo("America/New_York")
    assert times.when(moment, eastern) == "Dec 6, 2026, 3:05 PM EST"
    assert times.when(moment, eastern, weekday=True) == "Sun, Dec 6, 2026, 3:05 PM EST"
    assert times.day(dt.date(2026, 12, 6)) == "Dec 6, 2026"
    assert times.day(moment, ZoneInfo("Asia/Manila")) == "Dec 7, 2026"
    assert times.clock(moment, ZoneInfo("Asia/Manila")) == "4:05 AM PHT"


def test_a_person_reads_times_in_their_zone_else_their_firms_else_utc():
    class Person:
        time_zone = "America/Los_Angeles"

    class Firm:
        time_zone = "America/Chicago"

    nobody = Person()
    nobody.time_zone = ""
    assert times.person_zone(Person(), Firm()).key == "America/Los_Angeles"
    assert times.person_zone(nobody, Firm()).key == "America/Chicago"
    assert times.person_zone(nobody).key == "UTC"
    assert times.zone_named("America", "Nowhere/Else").key == "UTC"
