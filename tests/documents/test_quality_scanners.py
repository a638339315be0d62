"""The placeholder and date scanners of the quality checks, on their own: pure
functions of a string, so their promises are stated as properties."""

import datetime
import re

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from firmdesk.documents.quality import (
    blanks_in,
    deadline_dates_in,
    parse_date,
    past_deadlines_in,
    placeholders_in,
)

# Text a finished letter is made of: no brackets, braces, guillemets, angle
# brackets or underscores, and no capital X (XX/XX/XXXX, $X,XXX).
CLEAN = st.text(
    alphabet=st.characters(
        codec="utf-8",
        exclude_characters="[]{}«»<>_X",
        exclude_categories=("Cs", "Cc"),
    ),
    max_size=200,
)
PLACEHOLDERS = st.sampled_from(
    [
        "{{ client_name }}",
        "{{client_name}}",
        "{% if urgent %}",
        "«ClientName»",
        "<<Client Name>>",
        "[INSERT AMOUNT]",
        "[Insert the date of the accident]",
        "[NAME]",
        "[CLIENT ADDRESS]",
        "XX/XX/XXXX",
        "xx/xx/xxxx",
        "__/__/____",
        "$X,XXX.XX",
        "TBD",
        "TK",
    ]
)


@given(CLEAN)
@example("Pay (in full) by Friday; see § 3.2 & note 4 — “as agreed”.")
def test_text_without_brackets_or_braces_has_no_placeholder(text):
    assume(not re.search(r"\bT(?:BD|K)\b", text))
    assert placeholders_in(text) == []
    assert blanks_in(text, signature_area=False) == []


@given(CLEAN, PLACEHOLDERS, CLEAN)
def test_a_placeholder_anywhere_is_found_as_written(before, placeholder, after):
    text = f"{before} {placeholder} {after}"
    assume(not re.search(r"\bT(?:BD|K)\b", before + after))
    assert placeholder in placeholders_in(text)


@given(
    st.integers(min_value=4, max_value=40), st.sampled_from(["", "$", "the sum of "])
)
def test_a_blank_in_running_text_is_found(width, lead):
    assert blanks_in(f"Pay {lead}{'_' * width} now.", signature_area=True) == ["____"]


@given(
    st.integers(min_value=4, max_value=40),
    st.sampled_from(["", "By:", "Signature:", "Date:", "Name:", "Printed name:"]),
)
def test_a_line_to_sign_in_the_signature_area_is_not_a_blank(width, label):
    assert blanks_in(f"{label} {'_' * width}", signature_area=True) == []


# --- Dates ------------------------------------------------------------------

PHRASES = st.sampled_from(
    [
        "no later than",
        "not later than",
        "on or before",
        "respond by",
        "reply by",
        "pay by",
        "due on",
        "by",
        "hearing on",
        "hearing is set for",
        "trial is scheduled for",
        "by close of business on",
    ]
)
DATES = st.dates(
    min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2090, 12, 31)
)


def written(date: datetime.date, style: int, *, dayfirst: bool) -> str:
    if style == 0:
        return f"{date:%B} {date.day}, {date.year}"
    if style == 1:
        return f"{date.day} {date:%B} {date.year}"
    if style == 2:
        return f"{date:%A}, {date:%b}. {date.day}, {date.year}"
    if style == 3:
        return date.isoformat()
    if style == 4:
        return f"the {date.day}th day of {date:%B}, {date.year}"
    first, second = (date.day, date.month) if dayfirst else (date.month, date.day)
    return f"{first:02d}/{second:02d}/{date.year}"


STYLES = st.integers(min_value=0, max_value=5)
WORDS = st.text(alphabet="abcdefghij klmnop", max_size=40)


@given(DATES, STYLES, st.booleans())
def test_a_written_date_reads_back(date, style, dayfirst):
    assert (
        parse_date(written(date, style, dayfirst=dayfirst), dayfirst=dayfirst) == date
    )


@given(WORDS, PHRASES, DATES, STYLES, st.booleans(), WORDS, DATES)
def test_a_deadline_after_today_never_yields_a_finding(
    before, phrase, date, style, dayfirst, after, today
):
    assume(date > today)
    text = f"{before} {phrase} {written(date, style, dayfirst=dayfirst)}. {after}"
    assert past_deadlines_in(text, today, dayfirst=dayfirst) == []


@given(WORDS, PHRASES, DATES, STYLES, st.booleans(), WORDS, DATES)
def test_a_deadline_before_today_yields_exactly_that_date(
    before, phrase, date, style, dayfirst, after, today
):
    assume(date < today)
    text = f"{before} {phrase} {written(date, style, dayfirst=dayfirst)}. {after}"
    assert [d for _, d in past_deadlines_in(text, today, dayfirst=dayfirst)] == [date]


@given(DATES, STYLES)
def test_a_date_without_a_deadline_phrase_is_not_a_deadline(date, style):
    text = f"The contract was signed {written(date, style, dayfirst=False)}."
    assert list(deadline_dates_in(text)) == []


def test_a_date_without_a_year_is_not_guessed():
    assert list(deadline_dates_in("Please pay by March 5.")) == []
    assert parse_date("March 5") is None


@pytest.mark.parametrize(
    ("written_as", "dayfirst", "date"),
    [
        ("January 5, 2027", False, datetime.date(2027, 1, 5)),
        ("Jan. 5, 2027", False, datetime.date(2027, 1, 5)),
        ("Tuesday, January 5, 2027", False, datetime.date(2027, 1, 5)),
        ("5 January 2027", False, datetime.date(2027, 1, 5)),
        ("the 5th day of January, 2027", False, datetime.date(2027, 1, 5)),
        ("2027-01-05", True, datetime.date(2027, 1, 5)),
        ("1/5/2027", False, datetime.date(2027, 1, 5)),
        ("1/5/27", False, datetime.date(2027, 1, 5)),
        ("5/1/27", True, datetime.date(2027, 1, 5)),
        ("05.01.2027", True, datetime.date(2027, 1, 5)),
    ],
)
def test_the_documented_ways_of_writing_a_date(written_as, dayfirst, date):
    assert list(
        deadline_dates_in(f"Answer no later than {written_as}.", dayfirst=dayfirst)
    ) == [(f"no later than {written_as}", date)]


def test_a_blank_line_at_the_top_of_a_letter_is_a_blank():
    assert blanks_in("Re: ______________", signature_area=False) == ["____"]
    assert blanks_in("By: ______________", signature_area=False) == []


def test_a_dummy_date_of_underscores_is_one_placeholder_not_also_a_blank():
    text = "Signed on __/__/____ at the office."
    assert placeholders_in(text) == ["__/__/____"]
    assert blanks_in(text, signature_area=False) == []
