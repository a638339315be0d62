import dataclasses

import pytest

from firmdesk.orgs.models import Function
from firmdesk.work.markdown import markdown_to_text, render_markdown
from firmdesk.work.starter import STARTER_PLAYBOOKS, starter_by_key

MARKDOWN_FIELDS = ("steps", "common_mistakes", "templates", "examples")


def test_there_are_eight_playbooks_one_per_function():
    functions = [playbook.function for playbook in STARTER_PLAYBOOKS]

    assert len(STARTER_PLAYBOOKS) == 8
    assert sorted(functions) == sorted(Function.values)


def test_keys_are_unique_slugs():
    keys = [playbook.key for playbook in STARTER_PLAYBOOKS]

    assert len(set(keys)) == len(keys)
    for key in keys:
        assert key == key.lower()
        assert key.replace("-", "").isalnum()


@pytest.mark.parametrize(
    ("key", "function"),
    [
        ("calendar-court-date", "scheduling"),
        ("book-client-consultation", "reception"),
        ("prepare-demand-letter", "documents"),
        ("open-new-matter", "case_management"),
        ("research-case-summary", "research"),
        ("qualify-inquiry", "intake"),
        ("update-contact-records", "crm"),
        ("monthly-pre-bill", "billing"),
    ],
)
def test_starter_by_key_finds_each_playbook(key, function):
    playbook = starter_by_key(key)

    assert playbook.key == key
    assert playbook.function == function


def test_starter_by_key_raises_for_unknown_key():
    with pytest.raises(KeyError, match="no-such-playbook"):
        starter_by_key("no-such-playbook")


def test_playbooks_cannot_be_changed_in_place():
    with pytest.raises(dataclasses.FrozenInstanceError):
        STARTER_PLAYBOOKS[0].title = "Edited"


@pytest.mark.parametrize("playbook", STARTER_PLAYBOOKS, ids=lambda p: p.key)
def test_definition_of_done_has_four_to_eight_short_sentences(playbook):
    items = playbook.definition_of_done

    assert isinstance(items, tuple)
    assert 4 <= len(items) <= 8
    for item in items:
        assert item[0].isupper()
        assert item.endswith(".")
        assert len(item) <= 80


@pytest.mark.parametrize("playbook", STARTER_PLAYBOOKS, ids=lambda p: p.key)
@pytest.mark.parametrize("field", MARKDOWN_FIELDS)
def test_markdown_fields_render_to_something(playbook, field):
    source = getattr(playbook, field)

    assert render_markdown(source).strip()
    assert markdown_to_text(source)


@pytest.mark.parametrize("playbook", STARTER_PLAYBOOKS, ids=lambda p: p.key)
def test_steps_are_a_numbered_list_and_mistakes_a_bulleted_list(playbook):
    assert render_markdown(playbook.steps).startswith("<ol>")
    assert render_markdown(playbook.common_mistakes).startswith("<ul>")


@pytest.mark.parametrize("playbook", STARTER_PLAYBOOKS, ids=lambda p: p.key)
def test_templates_are_named_not_linked(playbook):
    assert "<a " not in render_markdown(playbook.templates)
    assert "http" not in playbook.templates


@pytest.mark.parametrize("playbook", STARTER_PLAYBOOKS, ids=lambda p: p.key)
def test_summary_is_one_sentence(playbook):
    assert playbook.summary.endswith(".")
    assert playbook.summary.count(". ") == 0
    assert playbook.title and len(playbook.title) <= 60


@pytest.mark.parametrize("playbook", STARTER_PLAYBOOKS, ids=lambda p: p.key)
def test_work_leaving_the_firm_is_always_reviewed(playbook):
    if playbook.output_leaves_firm:
        assert playbook.review_required
    assert 0 < playbook.turnaround_hours <= 40


def test_demand_letter_and_pre_bill_leave_the_firm():
    leaving = {p.key for p in STARTER_PLAYBOOKS if p.output_leaves_firm}

    assert leaving == {"prepare-demand-letter", "monthly-pre-bill"}


def test_court_date_playbook_asks_for_derivation_time_zone_reminders_and_confirmation():
    text = markdown_to_text(starter_by_key("calendar-court-date").steps).lower()

    for phrase in ("derivation", "court's time zone", "reminders", "confirms"):
        assert phrase in text


def test_research_playbook_warns_about_good_law_and_legal_advice():
    playbook = starter_by_key("research-case-summary")
    text = markdown_to_text(playbook.steps + playbook.common_mistakes).lower()

    assert "still good law" in text
    assert "legal advice" in text


def test_intake_playbook_is_scripted_with_no_advice_and_conflicts_first():
    steps = markdown_to_text(starter_by_key("qualify-inquiry").steps).lower()

    assert "only the scripted questions" in steps
    assert "no legal advice" in steps
    assert steps.index("conflict check") < steps.index("date of the incident")


def test_pre_bill_is_reviewed_by_the_billing_attorney():
    playbook = starter_by_key("monthly-pre-bill")

    assert playbook.review_required
    assert "billing attorney" in playbook.steps
