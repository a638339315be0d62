"""The provider-staff prior-employer check reads what staff profiles store
(``{"employer": …}``); before issue 16 it read ``name`` and the demo's profiles
never matched. The demo has one staff member whose prior employer is a party
of Hale & Ortiz, so the check shows something there."""

import pytest

from firmdesk.conflicts.services import employer_name, prior_employers_check
from firmdesk.orgs.models import Organization, StaffProfile, User

# ``db`` as well: without it the module's demo went to the development database.
pytestmark = pytest.mark.usefixtures("demo_loaded", "db")


def test_the_demo_paralegal_s_prior_employer_is_found_among_hale_ortiz_parties():
    hale = Organization.objects.get(slug="hale-ortiz")
    paralegal = User.objects.get(email="paralegal@northstar.example")
    employers = {
        employer_name(item)
        for item in StaffProfile.objects.get(user=paralegal).prior_employers
    }

    hits = prior_employers_check(firm=hale, user=paralegal)

    assert hits
    assert {hit.contact_name for hit in hits} & employers


def test_every_demo_profile_stores_employers_the_check_can_read():
    for profile in StaffProfile.objects.exclude(prior_employers=[]):
        assert all(employer_name(item) for item in profile.prior_employers), profile


@pytest.mark.parametrize(
    "item",
    [
        {"employer": "Globex Holdings Inc"},
        {"name": "Globex Holdings Inc"},
        "Globex Holdings Inc",
    ],
)
def test_an_employer_is_read_however_the_entry_is_written(item):
    assert employer_name(item) == "Globex Holdings Inc"
