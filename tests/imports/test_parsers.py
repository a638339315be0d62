"""The small readers every layout relies on: encodings, dates, phones, roles."""

import codecs
import datetime

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmdesk.conflicts.importing import (
    CellProblem,
    FileProblem,
    decode_csv_bytes,
    header_key,
    parse_aliases,
    parse_date,
    parse_party_list,
    parse_phone,
    parse_role,
)

# --- Encodings -------------------------------------------------------------


def test_utf8_with_byte_order_mark_is_read_without_it():
    text, encoding = decode_csv_bytes(codecs.BOM_UTF8 + "name\nRenée\n".encode())
    assert text == "name\nRenée\n"
    assert encoding == "UTF-8 with byte-order mark"


def test_excel_windows_1252_is_read_with_curly_quotes_and_accents():
    raw = "name\n“Les Amis” Bistro\nZoë Müller\n".encode("cp1252")
    text, encoding = decode_csv_bytes(raw)
    assert text == "name\n“Les Amis” Bistro\nZoë Müller\n"
    assert encoding == "Windows-1252"


def test_plain_utf8_wins_over_windows_1252():
    assert decode_csv_bytes("Chloé".encode()) == ("Chloé", "UTF-8")


def test_utf16_with_byte_order_mark_is_read():
    assert decode_csv_bytes("name\nJosé\n".encode("utf-16"))[0] == "name\nJosé\n"


def test_an_excel_workbook_is_refused_with_what_to_do():
    with pytest.raises(FileProblem, match="Save As"):
        decode_csv_bytes(b"PK\x03\x04rest-of-zip")


def test_headers_compare_without_case_or_punctuation():
    assert header_key(" E-mail Address ") == header_key("e_mail_address")
    assert header_key(":Notes") == "notes"
    assert header_key("Case/Matter Name") == "case_matter_name"


# --- Dates -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3/4/2019", datetime.date(2019, 3, 4)),
        ("03/04/2019", datetime.date(2019, 3, 4)),
        ("12-31-2024", datetime.date(2024, 12, 31)),
        ("2024-03-14", datetime.date(2024, 3, 14)),
        ("1/2/2024 10:15 AM", datetime.date(2024, 1, 2)),
        ("2024-03-14T09:30:00Z", datetime.date(2024, 3, 14)),
        ("  7/4/1985 ", datetime.date(1985, 7, 4)),
        ("", None),
    ],
)
def test_dates_month_day_year_and_iso(text, expected):
    assert parse_date(text) == expected


def test_two_digit_year_is_refused_not_guessed():
    with pytest.raises(CellProblem, match="four-digit year"):
        parse_date("3/14/24")


def test_day_first_date_says_dates_are_month_first():
    with pytest.raises(CellProblem, match="month/day/year"):
        parse_date("25/12/2020")


def test_words_are_not_a_date():
    with pytest.raises(CellProblem, match="not a date we can read"):
        parse_date("next Tuesday")


@given(st.dates(min_value=datetime.date(1000, 1, 1)), st.booleans())
def test_any_date_written_month_day_year_reads_back(day, padded):
    text = (
        f"{day.month:02d}/{day.day:02d}/{day.year}"
        if padded
        else f"{day.month}/{day.day}/{day.year}"
    )
    assert parse_date(text) == day


@given(st.dates(min_value=datetime.date(1000, 1, 1)))
def test_any_iso_date_reads_back(day):
    assert parse_date(day.isoformat()) == day


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_a_plain_problem(text):
    try:
        result = parse_date(text)
    except CellProblem as exc:
        assert str(exc)
    else:
        assert result is None or isinstance(result, datetime.date)


# --- Phones ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "(212) 555-0101",
        "212-555-0101",
        "212.555.0101",
        "+1 212 555 0101",
        "1-212-555-0101",
        "212 555 0101 x12",
        "212-555-0101 ext. 7",
    ],
)
def test_us_numbers_in_any_usual_form_become_e164(text):
    assert parse_phone(text, "US") == "+12125550101"


def test_numbers_with_a_country_code_keep_it():
    assert parse_phone("+44 20 7946 0000", "US") == "+442079460000"
    assert parse_phone("020 7946 0000", "GB") == "+442079460000"


@pytest.mark.parametrize("text", ["555-0101", "TBD", "555-01", "call her"])
def test_numbers_without_area_code_or_digits_are_refused(text):
    with pytest.raises(CellProblem, match="area code"):
        parse_phone(text, "US")


nanp = st.tuples(
    st.integers(2, 9),
    st.integers(0, 99),
    st.integers(2, 9),
    st.integers(0, 99),
    st.integers(0, 9999),
).map(lambda t: (f"{t[0]}{t[1]:02d}", f"{t[2]}{t[3]:02d}", f"{t[4]:04d}"))


@given(
    nanp,
    st.sampled_from(
        [
            "({a}) {b}-{c}",
            "{a}-{b}-{c}",
            "{a}.{b}.{c}",
            "+1 {a} {b} {c}",
            "1 {a} {b}{c}",
            "{a}{b}{c}",
        ]
    ),
)
def test_any_north_american_number_reads_the_same_in_every_style(parts, style):
    area, exchange, line = parts
    expected = f"+1{area}{exchange}{line}"
    assert parse_phone(style.format(a=area, b=exchange, c=line), "US") == expected


@given(st.text(max_size=25), st.sampled_from(["US", "GB", "DE", "MX"]))
def test_any_text_is_a_phone_or_a_plain_problem(text, region):
    try:
        result = parse_phone(text, region)
    except CellProblem as exc:
        assert "phone number" in str(exc)
    else:
        assert phonenumbers.is_possible_number(phonenumbers.parse(result))


# --- Roles, aliases, MyCase's list of contacts ------------------------------


def test_unknown_role_lists_the_roles_we_know():
    with pytest.raises(CellProblem) as exc:
        parse_role("plaintif")
    assert str(exc.value).startswith(
        "the role “plaintif” is not one we know; use one of: client, adverse, "
        "co_party, opposing_counsel, related, witness, expert."
    )


def test_a_near_miss_role_gets_a_suggestion():
    with pytest.raises(CellProblem, match="Did you mean “client”"):
        parse_role("cliant")


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Adverse Party", "adverse"),
        ("Opposing Party", "adverse"),
        ("co-party", "co_party"),
        ("Opposing Counsel", "opposing_counsel"),
        ("CLIENT", "client"),
        ("Expert Witness", "expert"),
    ],
)
def test_roles_as_people_write_them(text, role):
    assert parse_role(text) == role


def test_aliases_keep_their_kind_and_names_with_brackets_stay_whole():
    assert parse_aliases("Peggy Jones; Margaret Baker (maiden); Acme (USA)") == [
        ("Peggy Jones", "aka"),
        ("Margaret Baker", "maiden"),
        ("Acme (USA)", "aka"),
    ]


def test_mycase_contacts_cell_gives_names_and_roles():
    cell = "Chloé Lefèvre (Client)\r\nThomas Wright (Opposing Party)\n"
    assert parse_party_list(cell) == [
        ("Chloé Lefèvre", "client"),
        ("Thomas Wright", "adverse"),
    ]
