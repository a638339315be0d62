"""Court deadlines through the API: computed as ``firmdesk deadline`` and the
deadline page compute them, and added to a matter's calendar."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmdesk.audit.models import AuditEvent
from firmdesk.scheduling import deadlines
from firmdesk.scheduling.models import DeadlineRule, Event, declared_holidays
from firmdesk.scheduling.reference import STARTER_RULES

from .helpers import Api, token_for


def _compute(firm):
    return reverse("api:compute_deadlines", kwargs={"firm_slug": firm.slug})


def _create(firm):
    return reverse("api:create_deadlines", kwargs={"firm_slug": firm.slug})


@pytest.fixture
def api(firm, attorney):
    return Api(token_for(attorney, firm))


def _cli(*args) -> dict:
    out = io.StringIO()
    call_command("deadline", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_compute_answers_what_the_command_answers_with_the_days_skipped(api, firm):
    # 21 days after 28 Dec 2026 is Martin Luther King Jr. Day, Monday 18
    # January 2027: the period runs to Tuesday the 19th.
    body = api.post(
        _compute(firm),
        {"rule": "frcp-12a1Ai-answer", "trigger_date": "2026-12-28"},
    ).json()
    cli = _cli("--from", "2026-12-28", "--days", "21")
    (result,) = body["deadlines"]
    assert result["due"] == cli["due"] == "2027-01-19"
    assert dt.datetime.fromisoformat(result["last_moment"]) == (
        dt.datetime.fromisoformat(cli["last_moment"])
    )
    # The same steps; the page and the API also name what the trigger was.
    assert [(s["rule"], s["result"]) for s in result["steps"]] == [
        (s["rule"], s["result"]) for s in cli["steps"]
    ]
    assert result["steps"][1:] == cli["steps"][1:]
    assert any("Martin Luther King" in s["text"] for s in result["steps"])
    assert body["court"] == cli["court"] and body["time_zone"] == "America/New_York"
    assert not Event.unscoped.filter(firm=firm).exists()  # nothing written


def test_a_rule_set_answers_one_deadline_per_rule_in_the_order_asked(api, firm):
    rules = ["frcp-59e-alter-amend", "frap-4a1A-notice-of-appeal"]
    body = api.post(
        _compute(firm),
        {"rules": rules, "trigger_date": "2027-02-01", "court": "nysd"},
    ).json()
    assert [d["rule"] for d in body["deadlines"]] == rules
    assert [d["due"] for d in body["deadlines"]] == ["2027-03-01", "2027-03-03"]
    assert body["jurisdiction"] == "US-NY"


def test_compute_says_what_to_fix(api, firm):
    unknown = api.post(
        _compute(firm), {"rule": "frcp-99-nothing", "trigger_date": "2027-01-04"}
    )
    assert unknown.status_code == 422
    assert "frcp-99-nothing" in unknown.json()["message"]
    assert "rules" in unknown.json()["fields"]
    no_trigger = api.post(_compute(firm), {"rule": "frcp-12a1Ai-answer"})
    assert no_trigger.status_code == 422
    assert "trigger_date" in no_trigger.json()["fields"]
    bad_state = api.post(
        _compute(firm),
        {
            "rule": "frcp-12a1Ai-answer",
            "trigger_date": "2027-01-04",
            "jurisdiction": "US-ZZ",
        },
    )
    assert bad_state.status_code == 422 and "jurisdiction" in bad_state.json()["fields"]


RULE_CODES = sorted(rule[0] for rule in STARTER_RULES)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    trigger=st.dates(dt.date(2018, 1, 1), dt.date(2030, 12, 31)),
    code=st.sampled_from(RULE_CODES),
    service=st.sampled_from(sorted(deadlines.SERVICE_LABELS)),
    jurisdiction=st.sampled_from(["US", "US-NY", "US-CA", "US-TX"]),
)
def test_compute_agrees_with_the_calculator_for_any_trigger(
    firm, attorney, trigger, code, service, jurisdiction
):
    api = Api(token_for(attorney, firm, name="Property"))
    body = api.post(
        _compute(firm),
        {
            "rule": code,
            "trigger_date": trigger.isoformat(),
            "service": service,
            "jurisdiction": jurisdiction,
        },
    ).json()
    rule = DeadlineRule.objects.get(code=code)
    calendar = deadlines.CourtCalendar(
        jurisdiction=jurisdiction,
        time_zone=firm.time_zone,
        declared=declared_holidays(),
    )
    extending = service if rule.service_extension else "personal"
    if rule.unit == DeadlineRule.Unit.HOURS:
        expected = deadlines.compute_hours(
            dt.datetime.combine(trigger, dt.time(0)),
            rule.offset,
            before=rule.direction == "before",
            service=extending,
            calendar=calendar,
            trigger_label=rule.trigger,
        )
    else:
        expected = deadlines.compute_days(
            trigger,
            rule.offset,
            before=rule.direction == "before",
            court_days=rule.unit == DeadlineRule.Unit.COURT_DAYS,
            service=extending,
            calendar=calendar,
            trigger_label=rule.trigger,
        )
    (result,) = body["deadlines"]
    wanted = expected.as_dict()
    assert result["due"] == wanted["due"]
    assert dt.datetime.fromisoformat(result["last_moment"]) == expected.last_moment
    assert result["steps"] == wanted["steps"]


def test_adding_deadlines_puts_them_on_the_matters_calendar_with_derivation(
    api, firm, matter, attorney
):
    response = api.post(
        _create(firm),
        {
            "rules": ["frcp-12a1Ai-answer", "frcp-38b-jury-demand"],
            "trigger_date": "2026-12-28",
            "service": "mail",
            "matter": str(matter.public_id),
        },
    )
    assert response.status_code == 201, response.json()
    items = response.json()["items"]
    assert [i["deadline"]["rule"] for i in items] == [
        "frcp-12a1Ai-answer",
        "frcp-38b-jury-demand",
    ]
    answer = items[0]
    assert answer["kind"] == "deadline" and answer["all_day"] is True
    assert answer["matter"]["id"] == str(matter.public_id)
    assert answer["deadline"]["derivation"][0]["rule"] == "6(a)(1)(A)"
    assert answer["owner"]["id"] == str(attorney.public_id)
    assert Event.unscoped.filter(firm=firm, matter=matter).count() == 2
    assert AuditEvent.objects.filter(org=firm, action="event.deadline").count() == 2
    # What compute answers is what was put on the calendar.
    computed = api.post(
        _compute(firm),
        {"rule": "frcp-12a1Ai-answer", "trigger_date": "2026-12-28"},
    ).json()["deadlines"][0]
    assert answer["start_date"] == computed["due"]


def test_staff_without_the_matter_cannot_add_a_deadline_to_it(
    firm, matter, ungranted_assistant
):
    response = Api(token_for(ungranted_assistant, firm)).post(
        _create(firm),
        {
            "rule": "frcp-12a1Ai-answer",
            "trigger_date": "2026-12-28",
            "matter": str(matter.public_id),
        },
    )
    assert response.status_code == 422 and "matter" in response.json()["fields"]
    assert "Lopez" not in response.content.decode()
    assert not Event.unscoped.filter(firm=firm).exists()


def test_the_rules_list_gives_the_codes_compute_takes(api, firm):
    body = api.get(
        reverse("api:list_deadline_rules", kwargs={"firm_slug": firm.slug}),
        {"limit": 200},
    ).json()
    codes = {r["code"] for r in body["items"]}
    assert "frcp-12a1Ai-answer" in codes
    assert codes == set(
        DeadlineRule.objects.filter(active=True).values_list("code", flat=True)
    )
