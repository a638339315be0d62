"""Scoring: which names match, how strongly, and the reason given."""

import pytest

from firmdesk.conflicts.engine import MIN_SCORE, compare


def match(query, name, kind="person", query_kind=None):
    return compare(query, query_kind, name, kind)


@pytest.mark.parametrize(
    "query, name, reason",
    [
        ("Bob Smyth", "Robert Smith", "nickname: Bob = Robert"),
        ("Bob Smyth", "Robert Smith", "surname sounds alike: Smyth/Smith"),
        ("Peggy Olsen", "Margaret Olsen", "nickname: Peggy = Margaret"),
        ("Filip Nakamura", "Philip Nakamura", "first name sounds alike"),
        ("Catherine Jones", "Katherine Jones", "Catherine/Katherine"),
        ("Robert Smtih", "Robert Smith", "surname spelled differently: Smtih/Smith"),
        ("Jonh Smith", "John Smith", "first name spelled differently"),
        ("J. Whitfield", "Jonathan Whitfield", "initial: J. = Jonathan"),
        ("Smith, John", "John Smith", ""),
        ("Smith John", "John Smith", "same name, words in another order"),
        ("Jose Garcia", "José García-López", "surname Garcia is part of Garcia-Lopez"),
        ("Marie Dubois", "Anne-Marie Dubois", "goes by middle name"),
    ],
)
def test_people_who_may_be_the_same_match_with_a_reason(query, name, reason):
    found = match(query, name)
    assert found is not None and found.score >= MIN_SCORE
    assert reason in found.reason


@pytest.mark.parametrize(
    "query, name",
    [
        ("Jane Smith", "John Smith"),
        ("Michael Brown", "Michelle Brown"),
        ("Stephanie Achebe", "Stephen Achebe"),
        ("Andrea McAllister", "Andrew McAllister"),
        ("Roberta Feldman", "Robert Feldman"),
        ("Tim Jones", "Jim Jones"),
        ("Robert Goldsmith", "Robert Smith"),
        ("Rebecca Goldberg", "Rebecca Goldstein"),
        ("Maria García-López", "José García-López"),
    ],
)
def test_different_people_with_similar_names_do_not_match(query, name):
    assert match(query, name) is None


def test_exact_name_scores_highest_then_variants_in_order():
    exact = match("Robert Smith", "Robert Smith").score
    nickname = match("Bob Smith", "Robert Smith").score
    nickname_and_sound = match("Bob Smyth", "Robert Smith").score
    initial = match("R. Smith", "Robert Smith").score
    assert exact == 100
    assert exact > nickname > nickname_and_sound > initial >= MIN_SCORE


def test_conflicting_middle_names_lower_the_score():
    same = match("John Adam Smith", "John Adam Smith").score
    other = match("John Adam Smith", "John Brian Smith").score
    assert other < same


@pytest.mark.parametrize(
    "query, name, reason",
    [
        ("Acme Incorporated", "ACME, Inc.", "same name"),
        ("Acme", "ACME, Inc.", "apart from legal form"),
        ("Acme Corp", "ACME, Inc.", "legal form differs: corp/inc"),
        ("Johnson Holdings LLC", "Johnson Holdings, L.L.C.", ""),
        ("North Wind Traders", "Northwind Traders LLC", "spaced differently"),
        ("Glboex Holdings", "Globex Holdings Corporation", "spelled differently"),
        ("IBM", "International Business Machines Corp", "acronym: IBM"),
        ("P&G", "Procter & Gamble Co.", "initials: PG"),
        ("Globex", "Globex Holdings Corporation", "differs only by Holdings"),
        ("Sterling Cooper", "Sterling Cooper Draper Pryce", "is part of"),
        ("Vandelay Imports", "Vandelay Industries", "“Vandelay” is part of"),
        ("Aperture Science Labs", "Aperture Science Laboratories", "distinctive"),
    ],
)
def test_organisations_that_may_be_the_same_match(query, name, reason):
    found = match(query, name, "organization")
    assert found is not None and found.score >= MIN_SCORE
    assert reason in found.reason


@pytest.mark.parametrize(
    "query, name",
    [
        ("Pacific Freight Lines Inc", "Pinnacle Freight Lines, Inc."),
        ("Smith Holdings LLC", "Goldsmith Holdings LLC"),
        ("General Motors Company", "General Mills, Inc."),
        ("First National Bank of Texas", "First National Bank of Ohio, N.A."),
        ("Grey Heron Capital", "Blue Heron Capital Partners LP"),
        ("Tony Stark", "Stark Industries"),
    ],
)
def test_different_organisations_do_not_match(query, name):
    assert match(query, name, "organization") is None


def test_a_person_matches_an_organisation_only_with_the_same_words():
    assert match("John Smith", "John Smith LLC", "organization").score == 90
    assert match("Smith Robotics Inc", "Robert Smith") is None


def test_stated_kind_limits_the_comparison():
    as_person = match("Acme", "Acme Logistics", "organization", query_kind="person")
    assert as_person is None
    assert match("Acme", "Acme Logistics", "organization", query_kind="organization")


@pytest.mark.parametrize(
    "query, name, reason",
    [
        ("Saint Marys Hospital", "St. Mary's Hospital", "same name"),
        ("Ft Worth Plumbing Supply Company", "Fort Worth Plumbing Supply Co.", ""),
        ("Harborview Int'l Shipping", "Harborview International Shipping", ""),
        ("Natl Welding Supply", "Natl. Welding Supply Co.", ""),
    ],
)
def test_abbreviated_words_and_dropped_apostrophes_still_match(query, name, reason):
    found = match(query, name, "organization")
    assert found is not None and found.score >= 95
    assert reason in found.reason


@pytest.mark.parametrize(
    "query, name, reason",
    [
        ("Catherine MacDonald", "Katherine McDonald", "Mc/Mac: Macdonald/Mcdonald"),
        ("Kathryn MacDonald", "Katherine McDonald", "Kathryn/Katherine"),
        ("Kate Mac Donald", "Katherine McDonald", "nickname: Kate = Katherine"),
        ("Shawn OReilly", "Sean O'Reilly", "first name spelled differently"),
        ("Shaun O Reilly", "Sean O'Reilly", "Shaun/Sean"),
        ("Jeffrey ODonnell", "Geoffrey O'Donnell", "sounds alike"),
    ],
)
def test_a_first_name_variant_with_a_mc_mac_or_o_surname_matches(query, name, reason):
    found = match(query, name)
    assert found is not None and found.score >= MIN_SCORE
    assert reason in found.reason


def test_a_name_written_apart_is_not_read_as_reordered():
    found = match("Mary Kate Brennan", "Mary-Kate Brennan")
    assert found.score == 99
    assert "another order" not in found.reason


@pytest.mark.parametrize(
    "query, name, reason",
    [
        (
            "Grace Capital Partners LP",
            "Grace Community Church",
            "a bank or investment business and a church or ministry",
        ),
        ("Community Bank", "Community Church", "only Community in common"),
        ("Summit Roofing Inc", "Summit Capital Partners LP", "a builder or trade"),
        ("Apex Holdings LLC", "Apex Roofing LLC", "a word many names share"),
        ("Grace Realty Group", "Grace Community Church", "only Grace in common"),
    ],
)
def test_a_hit_resting_on_one_common_word_ranks_below_the_threshold(
    query, name, reason
):
    found = match(query, name, "organization")
    assert found is not None and found.score < MIN_SCORE
    assert reason in found.reason


@pytest.mark.parametrize(
    "query, name",
    [
        ("Vandelay Imports", "Vandelay Industries"),  # a rare name: one family
        ("Soylent Foods", "Soylent Nutrition, Inc."),  # the same kind of business
        ("Grace Church", "Grace Community Church"),  # all of one name in the other
        ("Apex", "Apex Roofing LLC"),
        ("Harborview Group", "Harborview International Shipping Corp."),
    ],
)
def test_a_shared_name_with_something_else_agreeing_stays_a_hit(query, name):
    found = match(query, name, "organization")
    assert found is not None and found.score >= MIN_SCORE


def test_two_saints_one_letter_apart_are_two_names():
    assert match("St. Mark's Hospital", "St. Mary's Hospital", "organization") is None
