"""Name normalisation: one test per rule, then properties over many names."""

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmdesk.conflicts.engine import MIN_SCORE, compare
from firmdesk.conflicts.keys import contact_keys, query_keys
from firmdesk.conflicts.normalize import (
    GENERIC_ORG_WORDS,
    LEADING_TITLES,
    LEGAL_FORM_WORDS,
    ORG_ABBREVIATIONS,
    ORG_CONTEXT_ABBREVIATIONS,
    ORG_STOP_WORDS,
    PARTICLES,
    SUFFIXES,
    SURNAME_PREFIXES,
    TITLES,
    TRAILING_SUFFIXES,
    anchors,
    codes,
    deletions,
    drop_apostrophes,
    expand_abbreviations,
    fold,
    looks_like_org,
    mc_stem,
    name_signature,
    nickname_related,
    normalize_org,
    normalize_person,
    parse_org,
    parse_person,
)

# --- One rule at a time -----------------------------------------------------


def test_case_spacing_and_punctuation_fold():
    assert normalize_person("  JOHN   SMITH ") == "john smith"
    assert normalize_person("John; Smith!") == "john smith"


def test_diacritics_fold():
    assert normalize_person("José García") == "jose garcia"
    assert normalize_person("Zoë Müller") == "zoe muller"
    assert normalize_person("Łukasz Żółć") == "lukasz zolc"


def test_other_scripts_are_transliterated():
    assert normalize_person("Владимир Путин") == "vladimir putin"
    assert normalize_person("Ólafur Þórðarson") == "olafur thordarson"


def test_chinese_name_splits_family_name_from_given_name():
    assert normalize_person("张伟") == "zhang wei"
    assert normalize_person("王秀英") == "wang xiuying"


@pytest.mark.parametrize(
    "written", ["Dr. Jane Doe", "Mrs Jane Doe", "Ms. Jane Doe", "Prof Jane Doe"]
)
def test_titles_are_removed(written):
    assert normalize_person(written) == "jane doe"


@pytest.mark.parametrize(
    "written",
    [
        "John Smith Jr.",
        "John Smith Sr",
        "John Smith III",
        "John Smith, Jr.",
        "John Smith, Esq.",
        "Mr. John Smith II",
    ],
)
def test_generational_suffixes_are_removed(written):
    assert normalize_person(written) == "john smith"


def test_credentials_after_a_comma_or_at_the_end_are_removed():
    assert normalize_person("Jane Doe, M.D.") == "jane doe"
    assert normalize_person("Jane Doe, Ph.D.") == "jane doe"
    assert normalize_person("Jane Ann Doe MD") == "jane ann doe"


def test_ambiguous_words_stay_where_they_are_names():
    assert normalize_person("Ma Yun") == "ma yun"
    assert normalize_person("Hon. Mary Lee Park") == "mary lee park"


def test_last_comma_first_is_read_as_first_last():
    assert normalize_person("Smith, John") == "john smith"
    assert normalize_person("Smith, John, Jr.") == "john smith"


def test_apostrophes_join():
    assert normalize_person("Seán O'Brien") == "sean obrien"
    assert normalize_person("D’Angelo") == "dangelo"


def test_hyphenated_surname_gives_both_halves_and_the_compound():
    p = parse_person("María García-López")
    assert p.given == "maria"
    assert set(p.surnames) >= {"lopez", "garcia", "garcialopez"}
    assert p.full_surname == "garcia-lopez"


def test_two_surnames_without_hyphen_give_each_and_the_compound():
    p = parse_person("Bárbara Prat Asensio")
    assert set(p.surnames) >= {"asensio", "prat", "pratasensio"}


def test_particles_join_the_surname():
    p = parse_person("Ludwig van Beethoven")
    assert p.words == ("ludwig", "beethoven")
    assert "vanbeethoven" in p.surnames
    assert "delacruz" in parse_person("Maria de la Cruz").surnames


def test_hyphenated_first_name_goes_by_either_part():
    p = parse_person("Mary-Kate Brennan")
    assert (p.given, p.other_given) == ("mary", "kate")


def test_initials_are_single_letters():
    p = parse_person("J. R. Smith")
    assert p.given == "j"
    assert p.middles == ("r",)
    assert p.has_initial_only


@pytest.mark.parametrize(
    "written",
    [
        "Acme Inc",
        "ACME, Inc.",
        "Acme Incorporated",
        "Acme Corp",
        "Acme Corporation",
        "Acme Co.",
        "Acme Company",
        "The Acme Company",
        "Acme LLC",
        "Acme, L.L.C.",
        "Acme Ltd",
        "Acme Limited",
        "Acme LLP",
        "Acme PLLC",
        "Acme P.C.",
        "Acme GmbH",
        "Acme S.A.",
        "Acme GmbH & Co. KG",
        "Acme Limited Liability Company",
    ],
)
def test_legal_forms_are_removed(written):
    assert normalize_org(written) == "acme"


def test_spellings_of_one_legal_form_are_the_same_form():
    assert parse_org("Acme Incorporated").legal_form == "inc"
    assert parse_org("ACME, Inc.").legal_form == "inc"
    assert parse_org("Acme, L.L.C.").legal_form == "llc"
    assert parse_org("Acme Limited Liability Company").legal_form == "llc"


def test_ampersand_is_and():
    assert normalize_org("Smith & Sons") == normalize_org("Smith and Sons")
    assert parse_org("Procter & Gamble").core == ("procter", "gamble")


def test_organisation_words_generic_and_distinctive():
    o = parse_org("Johnson Holdings, L.L.C.")
    assert o.core == ("johnson", "holdings")
    assert o.distinctive == ("johnson",)
    assert parse_org("International Business Machines Corp").acronym == "ibm"


def test_dotted_letters_join_in_organisation_names():
    assert normalize_org("I.B.M.") == "ibm"


def test_cjk_legal_forms_are_removed_before_transliteration():
    assert parse_org("株式会社鈴木電気").legal_form == ""
    assert normalize_org("株式会社鈴木電気") == normalize_org("鈴木電気")


def test_word_order_does_not_change_the_signature():
    assert name_signature("Smith John", "person") == name_signature(
        "John Smith", "person"
    )
    assert name_signature("Klein Rosenberg", "organization") == name_signature(
        "Rosenberg & Klein LLP", "organization"
    )


def test_nicknames_meet_their_formal_names():
    assert "robert" in anchors("bob")
    assert nickname_related("peggy", "margaret")
    assert nickname_related("bill", "william")
    assert nickname_related("bob", "bobby")
    assert not nickname_related("michael", "michelle")


def test_sound_codes_do_not_depend_on_the_first_letter():
    assert codes("catherine")[0] == codes("katherine")[0]
    assert codes("philip")[0] == codes("filip")[0]
    assert codes("smyth")[0] == codes("smith")[0]


def test_one_typo_apart_share_a_deletion():
    assert set(deletions("smith")) & set(deletions("smtih"))
    assert set(deletions("jonh")) & set(deletions("john"))
    assert set(deletions("smith")) & set(deletions("smiths"))


@pytest.mark.parametrize(
    "abbreviated, written_out",
    [
        ("St. Mary's Hosp.", "Saint Marys Hospital"),
        ("Mt. Pleasant Baptist Church", "Mount Pleasant Baptist Church"),
        ("Ft. Worth Plumbing Supply Co.", "Fort Worth Plumbing Supply Company"),
        ("Ohio Valley Nurses Assn.", "Ohio Valley Nurses Association"),
        ("Brennan Bros. Moving", "Brennan Brothers Moving"),
        ("Harborview Int'l Shipping", "Harborview International Shipping"),
        ("Natl Welding Co Supply", "National Welding Company Supply"),
        ("Lakeview Community Ctr", "Lakeview Community Center"),
        ("Westbrook Univ.", "Westbrook University"),
        ("Kern County Dept. of Public Works", "Kern County Department of Public Works"),
        ("Church of St. John", "Church of Saint John"),
        ("Elm St. Bakery", "Elm Street Bakery"),
    ],
)
def test_abbreviated_words_in_organisation_names_are_written_out(
    abbreviated, written_out
):
    assert normalize_org(abbreviated) == normalize_org(written_out)


def test_saint_before_a_name_street_after_one():
    assert expand_abbreviations(["st", "marys"]) == ["saint", "marys"]
    assert expand_abbreviations(["main", "st", "deli"]) == ["main", "street", "deli"]


def test_organisation_kind_comes_from_type_words_and_partnership_form():
    assert parse_org("Grace Community Church").kinds == {"religious"}
    assert parse_org("Grace Capital Partners LP").kinds == {"finance"}
    assert parse_org("Apex Roofing LLC").kinds == {"construction"}
    assert parse_org("Vandelay Industries").kinds == set()


def test_o_mc_and_mac_written_apart_join_the_surname():
    assert parse_person("Shaun O Reilly").surnames[:2] == ("oreilly", "reilly")
    assert parse_person("Kate Mac Donald").surname == "macdonald"
    assert parse_person("Steve Mc Kenzie").surname == "mckenzie"
    assert parse_person("Mac Smith").given == "mac"


def test_mc_and_mac_are_one_prefix():
    assert mc_stem("macdonald") == mc_stem("mcdonald") == "mcdonald"
    assert mc_stem("mackenzie") == mc_stem("mckenzie")
    assert mc_stem("macy") == "macy"
    assert mc_stem("mack") == "mack"


def test_spellings_the_sound_codes_miss_share_an_anchor():
    assert anchors("shawn") & anchors("sean")
    assert anchors("shaun") & anchors("sean")


def test_names_with_a_legal_form_or_firm_words_read_as_organisations():
    assert looks_like_org("Acme LLC")
    assert looks_like_org("Smith & Sons")
    assert looks_like_org("Globex Holdings")
    assert not looks_like_org("John Smith")
    assert not looks_like_org("Maria de la Cruz")
    assert not looks_like_org("Acme")


# --- Properties -------------------------------------------------------------

SPECIAL = (
    TITLES
    | SUFFIXES
    | LEADING_TITLES
    | TRAILING_SUFFIXES
    | PARTICLES
    | LEGAL_FORM_WORDS
    | ORG_STOP_WORDS
    | GENERIC_ORG_WORDS
    | set(ORG_ABBREVIATIONS)
    | set(ORG_CONTEXT_ABBREVIATIONS)
    | SURNAME_PREFIXES
)
ACCENTED = {"a": "áàâäã", "e": "éèêë", "i": "íìîï", "o": "óòôöõ", "u": "úùûü", "n": "ñ"}

word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10).filter(
    lambda w: w not in SPECIAL
)
words = st.lists(word, min_size=1, max_size=4)
PROPERTY = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.filter_too_much],
)


@PROPERTY
@given(st.text(max_size=60))
def test_person_normalisation_is_idempotent(text):
    once = normalize_person(text)
    assert normalize_person(once) == once


@PROPERTY
@given(st.text(max_size=60))
def test_organisation_normalisation_is_idempotent(text):
    once = normalize_org(text)
    assert normalize_org(once) == once


@PROPERTY
@given(words, st.randoms(use_true_random=False))
def test_signature_ignores_word_order(tokens, rnd):
    shuffled = tokens[:]
    rnd.shuffle(shuffled)
    for kind in ("person", "organization"):
        assert name_signature(" ".join(shuffled), kind) == name_signature(
            " ".join(tokens), kind
        )


@PROPERTY
@given(words)
def test_normalisation_ignores_case(tokens):
    text = " ".join(tokens)
    assert normalize_person(text.upper()) == normalize_person(text)
    assert normalize_person(text.title()) == normalize_person(text)
    assert normalize_org(text.upper()) == normalize_org(text)


@PROPERTY
@given(words, st.randoms(use_true_random=False))
def test_normalisation_ignores_diacritics(tokens, rnd):
    text = " ".join(tokens)
    accented = "".join(
        rnd.choice(ACCENTED[ch]) if ch in ACCENTED and rnd.random() < 0.5 else ch
        for ch in text
    )
    decomposed = unicodedata.normalize("NFD", accented)
    assert normalize_person(accented) == normalize_person(text)
    assert normalize_person(decomposed) == normalize_person(text)
    assert normalize_org(accented) == normalize_org(text)


def _one_typo(rnd, text: str) -> str:
    i = rnd.randrange(len(text))
    op = rnd.choice(["delete", "insert", "replace", "swap"])
    letter = rnd.choice("abcdefghijklmnopqrstuvwxyz")
    if op == "delete" and len(text) > 3:
        return text[:i] + text[i + 1 :]
    if op == "insert":
        return text[:i] + letter + text[i:]
    if op == "swap" and i < len(text) - 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + letter + text[i + 1 :]


def _plain_word(word: str) -> bool:
    """A word read as a name, not as a title or degree ("bsc", "esq", "jr")."""
    return (
        parse_person(f"alex {word}").surname == word
        and parse_person(f"{word} smith").given == word
    )


name_word = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=12
).filter(_plain_word)


@PROPERTY
@given(name_word, name_word, st.randoms(use_true_random=False))
def test_one_typo_in_either_name_still_meets_in_the_index(first, last, rnd):
    stored = contact_keys(kind="person", names=[f"{first} {last}"])
    for searched in (
        f"{_one_typo(rnd, first)} {last}",
        f"{first} {_one_typo(rnd, last)}",
    ):
        assert set(query_keys(searched, "person")) & stored, searched


@PROPERTY
@given(name_word, name_word)
def test_reordered_name_still_meets_in_the_index(first, last):
    stored = contact_keys(kind="person", names=[f"{first} {last}"])
    assert set(query_keys(f"{last} {first}", "person")) & stored
    assert set(query_keys(f"{last}, {first}", "person")) & stored


ABBREVIATED = sorted(ORG_ABBREVIATIONS) + sorted(ORG_CONTEXT_ABBREVIATIONS)
org_token = st.one_of(
    word, st.sampled_from(ABBREVIATED), st.sampled_from(sorted(ORG_STOP_WORDS))
)


@PROPERTY
@given(st.lists(org_token, min_size=1, max_size=6))
def test_abbreviation_expansion_is_idempotent(tokens):
    once = expand_abbreviations(tokens)
    assert expand_abbreviations(once) == once
    assert len(once) == len(tokens)


@PROPERTY
@given(words, st.sampled_from(sorted(ORG_ABBREVIATIONS)), st.integers(0, 4))
def test_an_abbreviation_and_its_word_normalise_alike(tokens, short, at):
    at = min(at, len(tokens))
    abbreviated = [*tokens[:at], short, *tokens[at:], "hall"]
    written_out = [*tokens[:at], ORG_ABBREVIATIONS[short], *tokens[at:], "hall"]
    assert normalize_org(" ".join(abbreviated)) == normalize_org(" ".join(written_out))


@PROPERTY
@given(st.text(max_size=60))
def test_dropping_apostrophes_never_changes_a_name_that_has_none(text):
    plain = "".join(ch for ch in text if ch not in "'`\u2018\u2019\u02bc")
    assert drop_apostrophes(plain) == plain
    assert drop_apostrophes(drop_apostrophes(text)) == drop_apostrophes(text)


@PROPERTY
@given(name_word, name_word, st.integers(1, 11), st.sampled_from("'\u2019"))
def test_an_apostrophe_inside_a_name_changes_nothing(first, last, at, mark):
    at = min(at, len(last) - 1)
    with_mark = f"{first} {last[:at]}{mark}{last[at:]}"
    assert normalize_person(with_mark) == normalize_person(f"{first} {last}")
    assert normalize_org(f"{with_mark} Hall") == normalize_org(f"{first} {last} Hall")


@PROPERTY
@given(name_word, name_word.filter(lambda w: len(w) >= 3))
def test_mc_and_mac_surnames_meet_in_the_index_and_match(first, rest):
    stored = contact_keys(kind="person", names=[f"{first} Mac{rest}"])
    assert set(query_keys(f"{first} Mc{rest}", "person")) & stored
    found = compare(f"{first} Mc{rest}", "person", f"{first} Mac{rest}", "person")
    assert found is not None and found.score >= MIN_SCORE


def test_folding_is_cached_and_keyword_aware():
    assert fold("L.L.C.", org=True) == "llc"
    assert fold("J.R. Smith") == "j r smith"
