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
