"""The provider scorecard pages as an attorney uses them: create with
weights, add candidates, read them side by side; bad input says what to fix
and keeps what was typed."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from firmdesk.insights.models import Scorecard, ScorecardCandidate
from firmdesk.insights.scorecards import CRITERION_KEYS, default_weights
from firmdesk.orgs.models import StaffProfile
from tests import factories as f


@pytest.fixture
def signed_in(client, attorney):
    client.force_login(attorney)
    return client


@pytest.fixture
def card(firm):
    return Scorecard.unscoped.create(
        firm=firm, title="Intake support 2026", weights=default_weights()
    )


def _weights(**changes) -> dict:
    return {f"weight_{k}": str(v) for k, v in {**default_weights(), **changes}.items()}


def test_the_new_scorecard_form_offers_sensible_weights_with_what_each_asks(
    signed_in, firm
):
    body = signed_in.get(
        reverse("insights:scorecard_new", args=[firm.slug])
    ).content.decode()
    assert "Weight of “Staff vetting and training”" in body
    assert escape("Background checks on every staff member") in body
    assert '<option value="5" selected>5 — matters most</option>' in body


def test_an_attorney_creates_a_scorecard(signed_in, firm):
    response = signed_in.post(
        reverse("insights:scorecard_new", args=[firm.slug]),
        {"title": "Intake support 2026", **_weights(references=0)},
    )
    card = Scorecard.objects.for_firm(firm).get()
    assert response.status_code == 303
    assert response.url == reverse(
        "insights:scorecard_detail", args=[firm.slug, card.public_id]
    )
    assert card.weights["references"] == 0 and card.weights["security"] == 5


def test_every_weight_at_zero_is_explained_and_the_title_kept(signed_in, firm):
    zero = dict.fromkeys(CRITERION_KEYS, 0)
    response = signed_in.post(
        reverse("insights:scorecard_new", args=[firm.slug]),
        {"title": "Intake support 2026", **_weights(**zero)},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Give at least one criterion a weight above 0" in body
    assert 'value="Intake support 2026"' in body
    assert not Scorecard.objects.for_firm(firm).exists()


def test_a_candidate_with_a_score_off_the_list_keeps_everything_typed(
    signed_in, firm, card
):
    response = signed_in.post(
        reverse("insights:scorecard_candidate_new", args=[firm.slug, card.public_id]),
        {
            "name": "Northstar Support",
            "score_vetting": "9",
            "note_vetting": "Checks every hire with a national agency.",
            "score_security": "4",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Please fix the fields marked below" in body
    assert "Choose one of the list." in body
    assert 'value="Northstar Support"' in body
    assert "Checks every hire with a national agency." in body
    assert '<option value="4" selected>4 — good</option>' in body
    assert not ScorecardCandidate.objects.for_firm(firm).exists()


def test_candidates_side_by_side_ranked_with_the_incomplete_named(
    signed_in, firm, card, provider
):
    full = dict.fromkeys(CRITERION_KEYS, 4)
    staff = f.member(provider, ["assistant"], email="a@northstar.test")
    StaffProfile.objects.filter(user=staff).update(
        background_check_result="clear", background_check_date="2025-01-01"
    )
    rows = [
        ("Able Assist", {**full, "security": None}, None),
        ("Northstar Support", full, provider),
        ("Bright Desk", dict.fromkeys(CRITERION_KEYS, 3), None),
    ]
    for name, scores, org in rows:
        ScorecardCandidate.unscoped.create(
            firm=firm,
            scorecard=card,
            name=name,
            provider=org,
            scores={k: v for k, v in scores.items() if v},
            notes={"pricing": "$28 an hour"} if org else {},
        )

    body = signed_in.get(
        reverse("insights:scorecard_detail", args=[firm.slug, card.public_id])
    ).content.decode()

    assert body.index("Northstar Support") < body.index("Bright Desk")
    assert body.index("Bright Desk") < body.index("Able Assist")
    assert "<strong>4.00</strong> out of 5" in body
    assert "<strong>Incomplete</strong>" in body
    assert "None yet: not scored on Security practices" in body
    assert "$28 an hour" in body
    assert "1 of 1 (100.0 %)" in body  # Northstar's clear background checks


def test_changing_a_candidate_shows_its_scores_and_saves_new_ones(
    signed_in, firm, card
):
    candidate = ScorecardCandidate.unscoped.create(
        firm=firm, scorecard=card, name="Able", scores={"vetting": 2}
    )
    url = reverse(
        "insights:scorecard_candidate_edit",
        args=[firm.slug, card.public_id, candidate.public_id],
    )
    assert (
        '<option value="2" selected>2 — weak</option>'
        in signed_in.get(url).content.decode()
    )

    response = signed_in.post(url, {"name": "Able", "score_vetting": "5"})

    assert response.status_code == 303
    candidate.refresh_from_db()
    assert candidate.scores == {"vetting": 5}


def test_removing_a_candidate_and_deleting_the_scorecard(signed_in, firm, card):
    candidate = ScorecardCandidate.unscoped.create(
        firm=firm, scorecard=card, name="Able"
    )
    remove = reverse(
        "insights:scorecard_candidate_remove",
        args=[firm.slug, card.public_id, candidate.public_id],
    )
    assert "Remove “Able” from" in signed_in.get(remove).content.decode()
    assert signed_in.post(remove).status_code == 303
    assert not ScorecardCandidate.objects.for_firm(firm).exists()

    delete = reverse("insights:scorecard_delete", args=[firm.slug, card.public_id])
    assert signed_in.post(delete).status_code == 303
    assert not Scorecard.objects.for_firm(firm).exists()


def test_the_list_says_what_to_do_when_empty_and_counts_candidates(
    signed_in, firm, card, django_assert_max_num_queries
):
    url = reverse("insights:scorecard_list", args=[firm.slug])
    ScorecardCandidate.unscoped.create(firm=firm, scorecard=card, name="Able")
    with django_assert_max_num_queries(12):
        body = signed_in.get(url).content.decode()
    assert "Intake support 2026" in body
    card.delete()
    assert "No scorecard yet" in signed_in.get(url).content.decode()


def test_the_insights_home_lists_the_scorecard_and_pilot_steps(signed_in, firm):
    body = signed_in.get(reverse("insights:home", args=[firm.slug])).content.decode()
    assert reverse("insights:scorecard_list", args=[firm.slug]) in body
    assert reverse("insights:pilot_list", args=[firm.slug]) in body
