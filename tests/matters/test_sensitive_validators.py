"""The checks on what is typed into a contact's sensitive fields (issue 20):
property tests for the routing checksum and the shapes of SSN, EIN and ITIN,
and the masks. Pure functions: no database."""

import datetime
import string

import pytest
from django.test import override_settings
from hypothesis import assume, given
from hypothesis import strategies as st

from firmdesk.common import encrypted
from firmdesk.common.errors import ServiceError
from firmdesk.matters import sensitive
from firmdesk.matters.models import Contact

nine_digits = st.text(alphabet=string.digits, min_size=9, max_size=9)
separators = st.sampled_from(["", " ", "-", "."])


def with_check_digit(first8: str) -> str:
    d = [int(c) for c in first8]
    partial = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + d[2] + d[5]
    return first8 + str(-partial % 10)


valid_prefix = st.sampled_from(
    [f"{n:02d}" for n in (*range(0, 13), *range(21, 33), *range(61, 73), 80)]
)


@given(valid_prefix, st.text(alphabet=string.digits, min_size=6, max_size=6))
def test_a_routing_number_with_its_check_digit_is_accepted(prefix, middle):
    number = with_check_digit(prefix + middle)
    assert sensitive.check_routing(number) == number
    assert sensitive.check_routing(f"{number[:4]} {number[4:]}") == number


@given(
    valid_prefix,
    st.text(alphabet=string.digits, min_size=6, max_size=6),
    st.integers(2, 8),
    st.integers(1, 9),
)
def test_any_one_mistyped_digit_fails_the_routing_checksum(prefix, middle, at, shift):
    """Weights 3, 7 and 1 are prime to 10, so one wrong digit always shows
    (past the two district digits, which have their own check)."""
    number = with_check_digit(prefix + middle)
    wrong = number[:at] + str((int(number[at]) + shift) % 10) + number[at + 1 :]
    with pytest.raises(ServiceError) as refused:
        sensitive.check_routing(wrong)
    assert refused.value.field == "bank_routing"
    assert "check digit" in refused.value.message


@given(nine_digits)
def test_routing_numbers_outside_the_federal_reserve_ranges_are_refused(digits):
    assume(13 <= int(digits[:2]) <= 20 or 33 <= int(digits[:2]) <= 60)
    with pytest.raises(ServiceError, match="No US routing number starts with"):
        sensitive.check_routing(digits)


@pytest.mark.parametrize("typed", ["12345678", "0110000150", "01100001A", ""])
def test_routing_numbers_of_the_wrong_length_say_how_long_they_are(typed):
    with pytest.raises(ServiceError, match="9 digits"):
        sensitive.check_routing(typed)


def _ssn_issued(digits: str) -> bool:
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return (
        area not in ("000", "666")
        and not area.startswith("9")
        and group != "00"
        and serial != "0000"
    )


@given(nine_digits, separators)
def test_an_ssn_is_accepted_exactly_when_it_could_be_issued(digits, sep):
    typed = f"{digits[:3]}{sep}{digits[3:5]}{sep}{digits[5:]}"
    if _ssn_issued(digits):
        assert sensitive.check_ssn(typed) == f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
    else:
        with pytest.raises(ServiceError) as refused:
            sensitive.check_ssn(typed)
        assert refused.value.field == "tax_id"


@given(nine_digits)
def test_checking_an_ssn_twice_gives_the_same_answer(digits):
    assume(_ssn_issued(digits))
    once = sensitive.check_ssn(digits)
    assert sensitive.check_ssn(once) == once


@given(nine_digits)
def test_an_ein_is_accepted_exactly_when_its_prefix_is_in_use(digits):
    if digits[:2] in sensitive.EIN_PREFIXES:
        assert sensitive.check_ein(digits) == f"{digits[:2]}-{digits[2:]}"
    else:
        with pytest.raises(ServiceError, match=f"No EIN starts with {digits[:2]}"):
            sensitive.check_ein(digits)


def test_ein_prefixes_never_issued_are_refused():
    for prefix in ("00", "07", "08", "09", "17", "18", "19", "28", "29", "49"):
        assert prefix not in sensitive.EIN_PREFIXES
    for prefix in ("69", "70", "78", "79", "89", "96", "97"):
        assert prefix not in sensitive.EIN_PREFIXES


@given(nine_digits)
def test_an_itin_starts_with_9_and_has_an_itin_group(digits):
    group = int(digits[3:5])
    ok = digits[0] == "9" and (
        50 <= group <= 65 or 70 <= group <= 88 or 90 <= group <= 92 or group >= 94
    )
    if ok:
        assert sensitive.check_itin(digits).replace("-", "") == digits
    else:
        with pytest.raises(ServiceError, match="An ITIN starts with 9"):
            sensitive.check_itin(digits)


@given(st.text(alphabet=string.digits, min_size=4, max_size=17), separators)
def test_account_numbers_keep_their_digits_and_leading_zeros(digits, sep):
    typed = sep.join([digits[:2], digits[2:]])
    assert sensitive.check_account(typed) == digits


@pytest.mark.parametrize("typed", ["123", "123456789012345678", "12AB5678"])
def test_account_numbers_are_4_to_17_digits(typed):
    with pytest.raises(ServiceError, match="4 to 17 digits"):
        sensitive.check_account(typed)


def test_a_tax_number_needs_its_kind():
    with pytest.raises(ServiceError) as refused:
        sensitive.check_tax_id("", "219-09-9999")
    assert refused.value.field == "tax_id_kind"


def test_a_date_of_birth_is_neither_in_the_future_nor_before_1900():
    today = datetime.date(2026, 12, 6)
    with pytest.raises(ServiceError, match="future"):
        sensitive.check_date_of_birth(datetime.date(2026, 12, 7), today=today)
    with pytest.raises(ServiceError, match="1900"):
        sensitive.check_date_of_birth(datetime.date(1899, 12, 31), today=today)
    assert sensitive.check_date_of_birth(today, today=today) == today


# --- Masks -------------------------------------------------------------------


@given(nine_digits, st.sampled_from(["ssn", "itin", "ein", "other"]))
def test_a_mask_shows_the_last_four_digits_and_nothing_before_them(digits, kind):
    contact = Contact(tax_id_kind=kind, tax_id=digits)
    masked = sensitive.mask(contact, "tax_id")
    assert masked.endswith(digits[-4:])
    assert not set(masked[:-4]) & set(string.digits)


def test_masks_follow_the_shape_of_each_number():
    contact = Contact(
        tax_id_kind="ssn",
        tax_id="219-09-9999",
        date_of_birth=datetime.date(1984, 5, 2),
        bank_account="4099887766",
    )
    assert sensitive.mask(contact, "tax_id") == "•••-••-9999"
    assert sensitive.mask(contact, "date_of_birth") == "**/**/1984"
    assert sensitive.mask(contact, "bank_account") == "••••7766"
    contact.tax_id_kind, contact.tax_id = "ein", "12-3456789"
    assert sensitive.mask(contact, "tax_id") == "••-•••6789"
    assert sensitive.mask(contact, "gov_id_number") == ""


# --- The sealed form ---------------------------------------------------------

KEY = "Wlpaa1paWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo="


@given(st.text(max_size=80))
def test_any_text_opens_as_it_was_sealed_and_only_in_its_own_column(text):
    with override_settings(FIRMDESK_MASTER_KEY=KEY):
        stored = encrypted.seal(text, purpose="matters.Contact.tax_id")
        assert encrypted.open_sealed(stored, purpose="matters.Contact.tax_id") == text
        with pytest.raises(encrypted.EncryptedValueError):
            encrypted.open_sealed(stored, purpose="matters.Contact.bank_account")


@given(st.text(alphabet=string.digits, min_size=1, max_size=15))
def test_numbers_up_to_15_digits_are_sealed_to_the_same_length(digits):
    with override_settings(FIRMDESK_MASTER_KEY=KEY):
        assert len(encrypted.seal(digits, purpose="p")) == len(
            encrypted.seal("1", purpose="p")
        )
