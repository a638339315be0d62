"""The pre-bill flags (billing/prebill.py): examples a reviewer recognises,
and hypothesis properties of each flagger."""

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from firmdesk.billing import prebill
from firmdesk.billing.prebill import EXPENSE, FEE, Item, Rules
from firmdesk.billing.rates import DEFAULT_VAGUE_PHRASES

DAY = datetime.date(2026, 3, 2)
RULES = Rules(
    increment=Decimal("0.10"),
    max_hours_per_day=Decimal("10.00"),
    vague_phrases=DEFAULT_VAGUE_PHRASES,
)


def fee(key=1, *, hours="1.00", narrative="Draft reply brief on the motion", **kw):
    values = {"person": "priya", "matter": "m1", "date": DAY}
    values.update(kw)
    return Item(key=key, kind=FEE, amount=Decimal(hours), narrative=narrative, **values)


def codes(items, rules=RULES):
    found = prebill.flags_for(items, rules)
    return {key: sorted(f.code for f in flags) for key, flags in found.items()}


# --- Examples -------------------------------------------------------------------------


def test_a_clean_entry_has_no_flags():
    assert codes([fee()]) == {1: []}


def test_block_billing_found_in_clauses_and_in_verbs_joined_by_and():
    semicolons = fee(narrative="Call with client re deposition; draft outline")
    verbs = fee(2, narrative="Draft motion to compel and call opposing counsel")
    assert "block" in codes([semicolons])[1]
    assert "block" in codes([verbs])[2]


def test_verbs_sharing_one_object_are_one_task():
    assert prebill.tasks_in("Review and revise settlement agreement") == 1
    assert prebill.tasks_in("Review, revise and finalize the lease") == 1


def test_two_short_tasks_under_the_threshold_are_not_block_billing():
    short = fee(hours="0.50", narrative="Email client; calendar hearing date")
    assert "block" not in codes([short])[1]


def test_vague_phrases_whole_or_almost_whole_are_flagged():
    for text in ("Attention to file.", "Review file re Smith", "REVIEW DOCUMENTS"):
        assert "vague" in codes([fee(narrative=text)])[1], text


def test_a_specific_narrative_with_a_vague_word_is_not_flagged():
    text = "Review deposition transcript of J. Alvarez for inconsistencies"
    assert "vague" not in codes([fee(narrative=text)])[1]


def test_a_narrative_too_short_to_say_anything_is_vague():
    assert "vague" in codes([fee(narrative="Memo")])[1]
    assert "vague" in codes([fee(narrative="")])[1]


def test_off_increment_says_the_increment():
    [flag] = prebill.flags_for([fee(hours="0.25")], RULES)[1]
    assert flag.code == "increment"
    assert "0.10" in flag.message


def test_missing_codes_only_where_the_client_requires_them():
    assert "missing_code" in codes([fee(requires_utbms=True)])[1]
    assert codes([fee(requires_utbms=False)])[1] == []
    coded = fee(requires_utbms=True, task_code="L210", activity_code="A103")
    assert codes([coded])[1] == []


def test_a_code_outside_the_utbms_list_is_flagged_always():
    assert codes([fee(task_code="L999", activity_code="A103")])[1] == ["unknown_code"]


def test_expense_needs_an_expense_code_when_required():
    expense = Item(
        key="e", kind=EXPENSE, person="p", matter="m1", date=DAY, amount=Decimal("30")
    )
    assert codes([expense])["e"] == []
    required = Item(**{**expense.__dict__, "requires_utbms": True})
    [flag] = prebill.flags_for([required], RULES)["e"]
    assert flag.code == "missing_code" and "expense code" in flag.message


def test_every_entry_of_a_long_day_is_flagged():
    day = [
        fee(i, hours="3.50", narrative=f"Draft section {i} of brief") for i in (1, 2, 3)
    ]
    other_day = fee(4, hours="3.50", date=DAY + datetime.timedelta(days=1))
    found = codes([*day, other_day])
    assert all("long_day" in found[i] for i in (1, 2, 3))
    assert "long_day" not in found[4]


def test_duplicates_need_same_person_matter_date_hours_and_alike_words():
    a = fee(1, narrative="Draft reply brief on the motion to dismiss")
    b = fee(2, narrative="draft reply brief on motion to dismiss")
    other_hours = fee(3, hours="1.20", narrative=a.narrative)
    other_words = fee(4, narrative="Prepare witness list for trial")
    found = codes([a, b, other_hours, other_words])
    assert "duplicate" in found[1] and "duplicate" in found[2]
    assert "duplicate" not in found[3] and "duplicate" not in found[4]


# --- Properties -----------------------------------------------------------------------

hours = st.integers(min_value=1, max_value=1200).map(lambda n: Decimal(n) / 100)
increments = st.sampled_from([Decimal("0.10"), Decimal("0.25"), Decimal("0.05")])
people = st.sampled_from(["priya", "owen", "ida"])
matters = st.sampled_from(["m1", "m2"])
days = st.sampled_from([DAY, DAY + datetime.timedelta(days=1)])
narratives = st.sampled_from(
    [
        "Draft reply brief on the motion",
        "draft reply brief on motion",
        "Call client about settlement offer",
        "Review file",
        "Prepare exhibits; call court clerk",
        "",
    ]
)


@st.composite
def fees(draw, key):
    return Item(
        key=key,
        kind=FEE,
        person=draw(people),
        matter=draw(matters),
        date=draw(days),
        amount=draw(hours),
        narrative=draw(narratives),
        task_code=draw(st.sampled_from(["", "L210", "L999"])),
        activity_code=draw(st.sampled_from(["", "A103"])),
        requires_utbms=draw(st.booleans()),
    )


@st.composite
def fee_lists(draw, max_size=8):
    n = draw(st.integers(min_value=1, max_value=max_size))
    return [draw(fees(i)) for i in range(n)]


@given(hours, increments)
def test_off_increment_flag_iff_hours_not_a_multiple(amount, increment):
    flagged = prebill.off_increment(fee(hours=str(amount)), increment) is not None
    steps = amount / increment
    assert flagged == (steps != steps.to_integral_value())


@given(fee_lists(), st.integers(min_value=1, max_value=24).map(Decimal))
def test_day_flag_iff_the_persons_day_is_above_the_limit(items, limit):
    flagged = prebill.long_days(items, limit)
    for item in items:
        total = sum(
            (i.amount for i in items if (i.person, i.date) == (item.person, item.date)),
            Decimal(0),
        )
        assert (item.key in flagged) == (total > limit)


@given(fee_lists())
def test_duplicates_are_symmetric(items):
    twins = prebill.duplicates(items)
    for key, others in twins.items():
        assert key not in others
        for other in others:
            assert key in twins[other]


@given(st.text(max_size=60), st.text(max_size=60))
def test_alike_is_symmetric(a, b):
    assert prebill.alike(a, b) == prebill.alike(b, a)


@given(fee_lists(max_size=6), fees("new"))
def test_adding_an_entry_never_removes_a_flag_from_another(items, extra):
    before = codes(items)
    after = codes([*items, extra])
    for key, found in before.items():
        assert set(found) <= set(after[key])


@given(fee_lists(max_size=6))
def test_per_entry_flags_do_not_depend_on_the_other_entries(items):
    alone = {i.key: codes([i])[i.key] for i in items}
    together = codes(items)
    together_own = {
        k: [c for c in v if c not in ("long_day", "duplicate")]
        for k, v in together.items()
    }
    assert together_own == {
        k: [c for c in v if c not in ("long_day", "duplicate")]
        for k, v in alone.items()
    }


@given(st.text(max_size=80), hours)
def test_block_billing_never_flags_at_or_under_the_threshold(text, amount):
    item = fee(hours=str(amount), narrative=text)
    flag = prebill.block_billing(item)
    if amount <= prebill.BLOCK_BILLING_ABOVE:
        assert flag is None
    else:
        assert (flag is not None) == (prebill.tasks_in(text) >= 2)


@given(st.sampled_from(DEFAULT_VAGUE_PHRASES), st.sampled_from(["", ".", " re Smith"]))
def test_every_default_vague_phrase_is_flagged_alone(phrase, tail):
    item = fee(narrative=(phrase + tail).capitalize())
    assert prebill.vague_narrative(item, DEFAULT_VAGUE_PHRASES) is not None
