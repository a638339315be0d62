"""Time-zone pickers offer the zones people live in, grouped, the US first, and
keep a value saved before from the full list."""

import zoneinfo

import pytest
from django.urls import reverse

from firmdesk.orgs import zones
from firmdesk.orgs.models import validate_time_zone
from firmdesk.web.scheduling.forms import EventForm
from tests import factories as f


def _values(choices):
    return [value for _, members in choices for value, _ in members]


def test_the_us_zones_come_first_east_to_west():
    title, members = zones.zone_choices()[0]
    assert title == "United States"
    assert [z for z, _ in members[:5]] == [
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
    ]
    assert dict(members)["America/New_York"] == "Eastern time — New York"


def test_no_placeholder_or_legacy_name_is_offered():
    offered = _values(zones.zone_choices())
    assert len(offered) == len(set(offered)) > 300
    for name in offered:
        assert not name.startswith(("Etc/", "US/", "SystemV/")), name
        assert name not in {"Factory", "localtime", "EST5EDT", "GB", "Zulu", "UCT"}
        zoneinfo.ZoneInfo(name)
        validate_time_zone(name)


def test_zones_are_grouped_by_region_and_named_city_first():
    groups = dict(zones.zone_choices())
    assert list(groups)[1:4] == ["Americas", "Europe", "Asia"]
    assert dict(groups["Asia"])["Asia/Manila"] == "Manila — Philippines"
    assert dict(groups["Europe"])["Europe/London"] == "London — Britain (UK)"
    assert ("UTC", "UTC") in groups["Other"]


def test_a_value_saved_before_from_the_full_list_is_kept():
    validate_time_zone("US/Eastern")  # the model still accepts it
    choices = zones.zone_choices("US/Eastern", "America/Chicago")
    assert choices[0] == ("Current", [("US/Eastern", "US/Eastern")])
    assert _values(choices).count("America/Chicago") == 1


def test_the_event_form_offers_the_grouped_zones(firm):
    form = EventForm(matters=[], people=[], contacts=[], zones=["America/Chicago"])
    choices = form.fields["time_zone"].choices
    assert choices[0][0] == "United States"
    assert "Factory" not in _values(choices)


@pytest.mark.django_db
def test_the_admin_picks_a_persons_zone_from_the_grouped_list(client):
    admin = f.UserFactory(is_staff=True, is_superuser=True)
    person = f.UserFactory(time_zone="US/Pacific")
    client.force_login(admin)
    url = reverse("admin:orgs_user_change", args=[person.pk])
    html = client.get(url).content.decode()
    assert '<optgroup label="United States">' in html
    assert '<option value="US/Pacific" selected>' in html
    assert "Factory" not in html
