"""One reading of phone numbers for contacts, leads, calls and imports
(``firmdesk.common.phones``): what a user typing a number sees."""

import pytest

from firmdesk.common.phones import (
    Strictness,
    firm_region,
    parse_phone,
    phone_display,
    phone_e164,
)


class Firm:
    def __init__(self, jurisdiction):
        self.jurisdiction = jurisdiction


@pytest.mark.parametrize(
    ("jurisdiction", "region"),
    [
        ("US-NY", "US"),
        ("US", "US"),
        ("GB", "GB"),
        ("CA-ON", "CA"),
        ("", "US"),
        (None, "US"),
        # Codes the holidays library accepts but phonenumbers does not know.
        ("GBR", "US"),
        ("UK", "US"),
    ],
)
def test_the_firms_country_comes_from_its_jurisdiction(jurisdiction, region):
    assert firm_region(Firm(jurisdiction)) == region


@pytest.mark.parametrize("strictness", list(Strictness))
@pytest.mark.parametrize(
    "typed", ["(212) 555-0142", "212.555.0142", "1 212 555 0142", " 2125550142 "]
)
def test_a_us_firms_local_number_is_stored_in_e164(typed, strictness):
    assert phone_e164(typed, "US", strictness=strictness) == "+12125550142"


@pytest.mark.parametrize("strictness", list(Strictness))
def test_an_international_number_keeps_its_country_whatever_the_firms(strictness):
    for region in ("US", "GB", "DE"):
        e164 = phone_e164("+44 20 7946 0958", region, strictness=strictness)
        assert e164 == "+442079460958"
    assert phone_e164("020 7946 0958", "GB", strictness=strictness) == ("+442079460958")


@pytest.mark.parametrize("strictness", list(Strictness))
@pytest.mark.parametrize("typed", ["", "   ", None, "call me", "212-55", "12"])
def test_text_that_is_no_phone_number_gives_none(typed, strictness):
    assert phone_e164(typed, "US", strictness=strictness) is None


def test_the_readers_differ_on_numbers_without_area_code_and_unassigned_ones():
    # Contacts, leads and searches take a seven-digit local number (kept as it
    # was: its E.164 lacks the area code); imports refuse it.
    assert phone_e164("555-0142", "US", strictness=Strictness.LOCAL_OK) == ("+15550142")
    assert phone_e164("555-0142", "US", strictness=Strictness.POSSIBLE) is None
    # Area code 555 is not assigned: possible, not valid (the call log refuses it).
    assert phone_e164("(555) 555-0142", "US", strictness=Strictness.POSSIBLE) == (
        "+15555550142"
    )
    assert phone_e164("(555) 555-0142", "US", strictness=Strictness.VALID) is None


def test_an_extension_is_kept_apart_from_the_stored_number():
    number = parse_phone("212 555 0142 ext. 12", "US", strictness=Strictness.VALID)
    assert number is not None
    assert number.extension == "12"
    assert phone_e164("212 555 0142 x12", "US", strictness=Strictness.VALID) == (
        "+12125550142"
    )


def test_a_number_is_shown_nationally_at_home_and_internationally_abroad():
    assert phone_display("+12125550142", "US") == "(212) 555-0142"
    assert phone_display("+442079460958", "US") == "+44 20 7946 0958"
    assert phone_display("+442079460958", "GB") == "020 7946 0958"
    assert phone_display("", "US") == ""
    assert phone_display("not a number", "US") == "not a number"
