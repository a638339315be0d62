"""Phone numbers: read as the firm's country writes them, stored in E.164.

Pure functions over the ``phonenumbers`` library, no database. A number typed
without ``+`` and a country code is read the way the firm's country writes numbers
(``firm_region``); what is stored is E.164 (``+12125550100``), with any extension
dropped.

How sure a reader must be that the text is a number is the caller's choice, said
each time with ``Strictness``, because the readers in FirmDesk differ:

- contacts, the public intake form and conflict searches take any number the
  library calls possible, even one only dialable locally (``555-0100``);
- imports from other systems take a number only when it is possible with its area
  code, and refuse a local-only one;
- the call log takes a number only when it is valid (the country assigns numbers
  of that shape), since the receptionist can ask the caller again.

Error messages stay with the callers: each says what to type in its own form.
"""

import enum

import phonenumbers

# A firm whose jurisdiction names no region phonenumbers knows is read as the US.
DEFAULT_REGION = "US"


class Strictness(enum.Enum):
    """How sure we must be that a text is a phone number before taking it."""

    # phonenumbers.is_possible_number: the right length for the country, including
    # numbers that can only be dialled from inside their own area.
    LOCAL_OK = "possible, even if only dialable locally"
    # phonenumbers.is_possible_number_with_reason(...) == IS_POSSIBLE.
    POSSIBLE = "possible with its area code"
    # phonenumbers.is_valid_number: a number the country's plan can assign.
    VALID = "valid"


def firm_region(firm) -> str:
    """The region a firm's numbers are read in: the country part of its
    jurisdiction ("US-NY" → "US"), or ``DEFAULT_REGION`` when the jurisdiction
    is empty or names no region phonenumbers knows (such as "GBR" or "UK";
    phonenumbers wants "GB")."""
    jurisdiction = getattr(firm, "jurisdiction", "") or DEFAULT_REGION
    country = jurisdiction.partition("-")[0].upper()
    return country if country in phonenumbers.SUPPORTED_REGIONS else DEFAULT_REGION


def parse_phone(
    text: str | None, region: str, *, strictness: Strictness
) -> phonenumbers.PhoneNumber | None:
    """The number ``text`` names, or None when it is not one ``strictness`` takes.

    Text with ``+`` and a country code is read as written; other text as
    ``region`` writes numbers (``DEFAULT_REGION`` when ``region`` is empty).
    An extension ("x12", "ext. 7") is kept on the result's ``extension``.
    """
    try:
        number = phonenumbers.parse((text or "").strip(), region or DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if strictness is Strictness.LOCAL_OK:
        ok = phonenumbers.is_possible_number(number)
    elif strictness is Strictness.POSSIBLE:
        ok = (
            phonenumbers.is_possible_number_with_reason(number)
            == phonenumbers.ValidationResult.IS_POSSIBLE
        )
    else:
        ok = phonenumbers.is_valid_number(number)
    return number if ok else None


def to_e164(number: phonenumbers.PhoneNumber) -> str:
    """``number`` as stored: E.164, without its extension (E.164 has none)."""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_e164(text: str | None, region: str, *, strictness: Strictness) -> str | None:
    """``parse_phone`` then ``to_e164``: the E.164 form of ``text``, or None."""
    number = parse_phone(text, region, strictness=strictness)
    return None if number is None else to_e164(number)


def phone_display(e164: str, region: str) -> str:
    """A stored number as people read it: national format when it belongs to
    ``region`` ("(212) 555-0142" for the US), international otherwise
    ("+44 20 7946 0958"); "" for "", and the text itself if it cannot be read."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == region
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
