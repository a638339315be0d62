"""The time zones people pick from: the zones people live in, grouped, US first.

The raw database list (``zoneinfo.available_timezones()``) holds about 600 names,
a third of them legacy aliases ("US/Eastern", "EST5EDT", "GB") and placeholders
("Factory", "localtime", "Etc/GMT+5"). A picker offers instead the zones of the
database's own table of where people live (``zone.tab``: one row a zone, with its
country and a note such as "Eastern (most areas)"), grouped by region:

- "United States": the six zones most firms and courts use, in order from east to
  west, then Alaska, Hawaii and the territories, then the rest of the US rows;
- one group a continent or ocean, each zone written "City — Country" so that
  typing the first letters of a city in the list finds it;
- "Other": UTC.

Stored values stay IANA names, and ``validate_time_zone`` still accepts any name
the database knows, so a value saved before (an alias) stays valid; a picker
shows such a value as the first choice (``zone_choices(current)``).
"""

import functools
import importlib.resources
import zoneinfo
from pathlib import Path

US_FIRST = [
    ("America/New_York", "Eastern time — New York"),
    ("America/Chicago", "Central time — Chicago"),
    ("America/Denver", "Mountain time — Denver"),
    ("America/Phoenix", "Mountain time, no daylight saving — Phoenix"),
    ("America/Los_Angeles", "Pacific time — Los Angeles"),
    ("America/Anchorage", "Alaska time — Anchorage"),
    ("Pacific/Honolulu", "Hawaii time — Honolulu"),
    ("America/Puerto_Rico", "Atlantic time — Puerto Rico"),
    ("Pacific/Guam", "Chamorro time — Guam"),
    ("Pacific/Pago_Pago", "Samoa time — Pago Pago"),
]
REGIONS = [
    ("America", "Americas"),
    ("Europe", "Europe"),
    ("Asia", "Asia"),
    ("Africa", "Africa"),
    ("Australia", "Australia"),
    ("Pacific", "Pacific"),
    ("Atlantic", "Atlantic"),
    ("Indian", "Indian Ocean"),
    ("Antarctica", "Antarctica"),
    ("Arctic", "Arctic"),
]


def _tab(name: str) -> list[str]:
    """A table of the zone database, from the folder zoneinfo reads, else from
    the tzdata package."""
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / name
        if path.exists():
            return path.read_text(encoding="utf-8").splitlines()
    resource = importlib.resources.files("tzdata.zoneinfo").joinpath(name)
    return resource.read_text(encoding="utf-8").splitlines()


def _rows(name: str) -> list[list[str]]:
    return [
        line.split("\t") for line in _tab(name) if line and not line.startswith("#")
    ]


@functools.cache
def lived_in() -> dict[str, tuple[str, str]]:
    """zone → (country code, note) for every zone people live in."""
    return {
        row[2]: (row[0], row[3] if len(row) > 3 else "") for row in _rows("zone.tab")
    }


@functools.cache
def _countries() -> dict[str, str]:
    return {row[0]: row[1] for row in _rows("iso3166.tab")}


def _city(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def picker_label(zone: str) -> str:
    """How a picker names ``zone``: "Manila — Philippines", "Detroit — United
    States (Eastern - MI (most areas))"."""
    for key, label in US_FIRST:
        if key == zone:
            return label
    if zone not in lived_in():
        return zone.replace("_", " ")
    country, note = lived_in()[zone]
    name = _countries().get(country, country)
    shared = sum(1 for c, _ in lived_in().values() if c == country) > 1
    return f"{_city(zone)} — {name}" + (f" ({note})" if note and shared else "")


@functools.cache
def offered() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """(group, ((zone, label), …)) for every zone a picker offers."""
    zones = lived_in()
    us_first = [key for key, _ in US_FIRST]
    us_rest = sorted(
        (z for z, (country, _) in zones.items() if country == "US"),
        key=picker_label,
    )
    groups = [
        ("United States", [*us_first, *(z for z in us_rest if z not in us_first)])
    ]
    taken = set(groups[0][1])
    for prefix, title in REGIONS:
        members = sorted(
            (z for z in zones if z.split("/")[0] == prefix and z not in taken),
            key=picker_label,
        )
        if members:
            groups.append((title, members))
    groups.append(("Other", ["UTC"]))
    return tuple(
        (title, tuple((z, picker_label(z)) for z in members))
        for title, members in groups
    )


def offered_zones() -> set[str]:
    return {zone for _, members in offered() for zone, _ in members}


def zone_choices(*current: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices for a Django select, grouped; a ``current`` value the groups do not
    hold (a legacy alias saved before, a browser's own name for its zone) comes
    first, in a group of its own, so it is kept as it is."""
    known = offered_zones()
    extra = [
        (z, z.replace("_", " ")) for z in dict.fromkeys(current) if z and z not in known
    ]
    groups = [(title, list(members)) for title, members in offered()]
    return ([("Current", extra)] if extra else []) + groups
