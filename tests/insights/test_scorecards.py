"""Provider scorecards: the weighted score worked out by hand, its properties,
the ranking, the facts FirmDesk holds about a provider, and the services'
checks."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.insights import scorecards
from firmdesk.insights.models import Scorecard, ScorecardCandidate
from firmdesk.insights.scorecards import CandidateData, weighted_score
from firmdesk.orgs.models import Organization, StaffProfile, TrainingRecord
from tests import factories as f

KEYS = scorecards.CRITERION_KEYS
TODAY = datetime.date(2026, 3, 16)


# --- The score, by hand ------------------------------------------------------------


def test_weighted_score_by_hand():
    weights = {
        "experience": 4,
        "vetting": 5,
        "availability": 4,
        "technology": 3,
        "references": 0,  # not counted: its score is ignored
        "pricing": 2,
        "security": 5,
    }
    scores = {
        "experience": 3,
        "vetting": 5,
        "availability": 4,
        "technology": 2,
        "references": 1,
        "pricing": 4,
        "security": 5,
    }
    # (4·3 + 5·5 + 4·4 + 3·2 + 2·4 + 5·5) ÷ (4 + 5 + 4 + 3 + 2 + 5) = 92 ÷ 23 = 4
    assert weighted_score(weights, scores) == (Decimal("4.00"), [])
    scores["experience"] = 4  # 96 ÷ 23 = 4.1739…
    assert weighted_score(weights, scores) == (Decimal("4.17"), [])


def test_a_criterion_that_counts_and_has_no_score_is_missing_never_zero():
    weights = dict.fromkeys(KEYS, 3)
    scores = {key: 5 for key in KEYS if key not in ("vetting", "security")}
    score, missing = weighted_score(weights, scores)
    assert score is None
    assert missing == ["vetting", "security"]


def test_an_unscored_criterion_of_weight_zero_is_not_missing():
    weights = {**dict.fromkeys(KEYS, 0), "pricing": 2}
    assert weighted_score(weights, {"pricing": 3}) == (Decimal("3.00"), [])


weights_st = st.fixed_dictionaries({key: st.integers(0, 5) for key in KEYS}).filter(
    lambda w: any(w.values())
)
scores_st = st.fixed_dictionaries({key: st.integers(1, 5) for key in KEYS})


@given(weights_st, scores_st)
def test_the_score_lies_between_the_lowest_and_highest_score_counted(weights, scores):
    score, missing = weighted_score(weights, scores)
    counted = [scores[k] for k in KEYS if weights[k]]
    assert missing == []
    assert min(counted) <= score <= max(counted)


@given(weights_st, scores_st, st.integers(2, 7))
def test_only_the_proportions_of_the_weights_matter(weights, scores, factor):
    scaled = {key: value * factor for key, value in weights.items()}
    assert weighted_score(scaled, scores) == weighted_score(weights, scores)


@given(st.integers(1, 5), scores_st)
def test_equal_weights_give_the_plain_average(weight, scores):
    score, _ = weighted_score(dict.fromkeys(KEYS, weight), scores)
    average = Decimal(sum(scores.values())) / len(KEYS)
    assert abs(score - average) <= Decimal("0.005")


@given(weights_st, scores_st, st.sampled_from(KEYS))
def test_dropping_a_counted_score_makes_the_candidate_incomplete(weights, scores, key):
    del scores[key]
    score, missing = weighted_score(weights, scores)
    if weights[key]:
        assert score is None and missing == [key]
    else:
        assert score is not None and missing == []


# --- Facts FirmDesk holds about a provider -------------------------------------------


@pytest.fixture
def roster(provider):
    """Northstar's roster: 4 active staff, of whom 3 with a clear check on
    record, 1 flagged; 2 with a current training record, 1 whose only
    training has expired; 1 who left 3 months ago, 1 who left 2 years ago."""
    people = [
        f.member(provider, ["assistant"], email=f"s{i}@northstar.test")
        for i in range(6)
    ]
    profiles = [StaffProfile.objects.get(user=p) for p in people]
    clear = StaffProfile.CheckResult.CLEAR
    for profile in profiles[:3]:
        profile.background_check_result = clear
        profile.background_check_date = datetime.date(2025, 6, 1)
        profile.save()
    profiles[3].background_check_result = StaffProfile.CheckResult.FLAGGED
    profiles[3].background_check_date = datetime.date(2025, 6, 1)
    profiles[3].save()
    for profile, expires in [
        (profiles[0], None),
        (profiles[1], datetime.date(2026, 12, 31)),
        (profiles[2], datetime.date(2026, 1, 31)),
        (profiles[4], None),  # left: not counted
    ]:
        TrainingRecord.objects.create(
            profile=profile,
            title="Handling client data",
            completed_on=datetime.date(2025, 2, 1),
            expires_on=expires,
        )
    StaffProfile.objects.filter(pk=profiles[4].pk).update(
        status="left", left_on=datetime.date(2025, 12, 10)
    )
    StaffProfile.objects.filter(pk=profiles[5].pk).update(
        status="left", left_on=datetime.date(2024, 3, 1), background_check_result=clear
    )
    # Another provider's staff count for it alone.
    other = f.OrganizationFactory(kind=Organization.Kind.PROVIDER, slug="elsewhere")
    f.member(other, ["assistant"], email="x@elsewhere.test")
    return provider


def test_provider_facts_count_the_roster(roster):
    facts = scorecards.provider_facts([roster.pk], TODAY)[roster.pk]
    assert (facts.staff, facts.checked, facts.trained, facts.left) == (4, 3, 2, 1)
    assert facts.checked_percent == Decimal("75.0")
    assert facts.trained_percent == Decimal("50.0")
    # 1 left in the last 12 months, of 4 on the roster + that 1.
    assert facts.turnover_percent == Decimal("20.0")


def test_provider_facts_of_several_providers_in_two_queries(
    roster, django_assert_num_queries
):
    other = Organization.objects.get(slug="elsewhere")
    with django_assert_num_queries(2):
        facts = scorecards.provider_facts([roster.pk, other.pk, None], TODAY)
    assert facts[other.pk].staff == 1 and facts[other.pk].checked == 0


# --- The side-by-side comparison -----------------------------------------------------


@pytest.fixture
def planner(firm, attorney):
    return resolve_scope(attorney, firm)


def _card(planner, weights=None):
    return scorecards.scorecard_create(
        scope=planner,
        title="Intake support",
        weights=weights or dict.fromkeys(KEYS, 1),
    )


def _add(planner, card, name, scores, provider=None):
    return scorecards.candidate_create(
        scope=planner,
        scorecard=card,
        data=CandidateData(name=name, provider=provider, scores=scores),
    )


def test_candidates_are_ranked_and_the_incomplete_come_last_saying_what_is_missing(
    planner, roster
):
    card = _card(planner)
    everything = dict.fromkeys(KEYS, 4)
    _add(planner, card, "Able", {**everything, "pricing": None})
    _add(planner, card, "Bright", dict.fromkeys(KEYS, 3))
    _add(planner, card, "Calm", everything, provider=roster)
    _add(planner, card, "Deft", everything)

    result = scorecards.comparison(card, today=TODAY)

    assert [(r.candidate.name, r.rank, r.score) for r in result.rows] == [
        ("Calm", 1, Decimal("4.00")),
        ("Deft", 1, Decimal("4.00")),
        ("Bright", 3, Decimal("3.00")),
        ("Able", None, None),
    ]
    assert result.rows[-1].missing_labels == ["Pricing and contract terms"]
    assert result.rows[0].facts.staff == 4
    assert result.rows[1].facts is None


# --- The services ---------------------------------------------------------------------


def test_creating_a_scorecard_is_audited(planner):
    card = _card(planner)
    event = AuditEvent.objects.get(action="scorecard.created")
    assert event.object_id == str(card.public_id)
    assert event.detail["weights"] == dict.fromkeys(KEYS, 1)


def test_in_house_staff_cannot_plan(firm, firm_staff):
    with pytest.raises(ServiceError):
        _card(resolve_scope(firm_staff, firm))
    assert not Scorecard.objects.for_firm(firm).exists()


def test_every_weight_at_zero_is_refused(planner):
    with pytest.raises(ServiceError, match="at least one criterion"):
        _card(planner, dict.fromkeys(KEYS, 0))


def test_a_weight_out_of_range_is_refused_on_its_field(planner):
    with pytest.raises(ServiceError) as error:
        _card(planner, {**dict.fromkeys(KEYS, 1), "security": 9})
    assert error.value.field == "weight_security"


def test_a_score_out_of_range_is_refused_on_its_field(planner):
    card = _card(planner)
    with pytest.raises(ServiceError) as error:
        _add(planner, card, "Able", {"vetting": 0})
    assert error.value.field == "score_vetting"
    assert not ScorecardCandidate.objects.for_firm(card.firm).exists()


def test_two_candidates_of_the_same_name_are_refused(planner):
    card = _card(planner)
    _add(planner, card, "Northstar", {})
    with pytest.raises(ServiceError) as error:
        _add(planner, card, " northstar ", {})
    assert error.value.field == "name"


def test_a_firm_is_not_a_provider(planner, other_firm):
    card = _card(planner)
    with pytest.raises(ServiceError) as error:
        _add(planner, card, "Brandt", {}, provider=other_firm)
    assert error.value.field == "provider"


def test_changing_scores_keeps_before_and_after_in_the_audit(planner):
    card = _card(planner)
    candidate = _add(planner, card, "Able", {"vetting": 2}, None)
    scorecards.candidate_update(
        scope=planner,
        candidate=candidate,
        data=CandidateData(name="Able", scores={"vetting": 4}, notes={"vetting": "ok"}),
    )
    candidate.refresh_from_db()
    assert candidate.scores == {"vetting": 4} and candidate.notes == {"vetting": "ok"}
    event = AuditEvent.objects.get(action="scorecard.candidate_changed")
    assert event.detail["before"]["scores"] == {"vetting": 2}
    assert event.detail["after"]["scores"] == {"vetting": 4}
