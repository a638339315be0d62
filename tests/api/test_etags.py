"""If-Match against lost updates, proved on the lead update route: which tags
let a change through, and a stale one changes nothing."""

import pytest
from django.urls import reverse

from firmdesk.intake.models import Lead
from tests.isolation.fixtures_intake import *  # noqa: F403

from .helpers import Api, token_for


@pytest.fixture
def api(firm, intake_specialist):
    return Api(token_for(intake_specialist, firm))


@pytest.fixture
def url(firm, lead):
    return reverse(
        "api:update_lead", kwargs={"firm_slug": firm.slug, "lead_id": lead.public_id}
    )


@pytest.mark.parametrize(
    "if_match",
    [
        lambda etag: "*",
        lambda etag: etag,
        lambda etag: f"W/{etag}",  # weakened by a compressing proxy
        lambda etag: etag.strip('"'),  # a script that dropped the quotes
        lambda etag: f'"0000", {etag}, "ffff"',
    ],
    ids=["star", "exact", "weak", "unquoted", "list"],
)
def test_if_match_with_the_current_tag_lets_the_change_through(
    api, url, lead, if_match
):
    etag = api.get(url)["ETag"]
    response = api.patch(url, {"status": "contacted"}, {"If-Match": if_match(etag)})
    assert response.status_code == 200, response.content
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONTACTED


@pytest.mark.parametrize(
    "if_match", ['"0000"', 'W/"0000", "ffff"', ""], ids=["other", "list", "empty"]
)
def test_if_match_without_the_current_tag_gets_412_and_changes_nothing(
    api, url, lead, if_match
):
    response = api.patch(url, {"status": "contacted"}, {"If-Match": if_match})
    assert response.status_code == 412
    assert "changed since you read it" in response.json()["message"]
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW


def test_a_tag_read_before_anothers_change_is_stale(api, url, lead, firm, attorney):
    etag = api.get(url)["ETag"]
    other = Api(token_for(attorney, firm)).patch(
        url, {"status": "qualified"}, {"If-Match": etag}
    )
    assert other.status_code == 200 and other["ETag"] != etag
    late = api.patch(url, {"owner": None, "status": "contacted"}, {"If-Match": etag})
    assert late.status_code == 412
    lead.refresh_from_db()
    assert lead.status == Lead.Status.QUALIFIED
    again = api.patch(url, {"status": "contacted"}, {"If-Match": other["ETag"]})
    assert again.status_code == 200


def test_the_etag_of_a_read_and_of_the_answer_to_a_change_agree(api, url):
    changed = api.patch(url, {"status": "contacted"})
    assert api.get(url)["ETag"] == changed["ETag"]
