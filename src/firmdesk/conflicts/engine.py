"""Scoring: how closely a candidate's name matches a searched name, and why.

Only candidates found through the index reach this module. A person matches
when both the surname and the first name agree (exactly, as a nickname, by
sound, within one typo, or as an initial); an organisation matches when its
words agree, one name contains the other's distinctive words, or one is the
acronym of the other. Each agreement lowers the score a little and adds a
reason in plain words; anything else is not a match at all, which is what
keeps "Jane Smith" out of a search for "John Smith".
"""

from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler

from .normalize import (
    COMMON_ORG_WORDS,
    GENERIC_ORG_WORDS,
    GIVEN_NAMES,
    ORG_KIND_OF_WORD,
    OrgName,
    PersonName,
    anchors,
    codes,
    display_word,
    looks_like_org,
    looks_like_person,
    mc_stem,
    nickname_related,
    parse_org,
    parse_person,
    same_given_spelling,
)

MIN_SCORE = 70
# Where a hit that rests on one word common to unrelated organisations is
# put: below MIN_SCORE, so the reviewer is not shown it.
THIN = 60.0

GIVEN_EXACT = 1.0
NICKNAME = 0.94
SOUNDS_ALIKE = 0.9
TYPO = 0.88
ALTERNATE_SOUND = 0.84
INITIAL = 0.82
NO_GIVEN = 0.78
COMPOUND_PART = 0.96
MC_MAC = 0.97


@dataclass
class NameMatch:
    score: float
    reasons: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons) if self.reasons else "same name"


def _w(word: str) -> str:
    return display_word(word)


def _one_typo(a: str, b: str) -> bool:
    """Within one typo. Short words allow only an added, dropped or swapped
    letter (Jonh/John, Ann/Anne), not a changed one (Dan/Don, Tim/Jim)."""
    shortest = min(len(a), len(b))
    if shortest < 3:
        return False
    distance = OSA.distance(a, b, score_cutoff=2)
    if distance == 1:
        return shortest >= 5 or len(a) != len(b) or sorted(a) == sorted(b)
    return distance == 2 and shortest >= 9


def _given(q: str, c: str) -> tuple[float, str] | None:
    if q == c:
        return GIVEN_EXACT, ""
    if len(q) == 1 or len(c) == 1:
        if q[0] == c[0]:
            full, short = (c, q) if len(q) == 1 else (q, c)
            return INITIAL, f"initial: {short.upper()}. = {_w(full)}"
        return None
    if _gender_pair(q, c):
        return None
    if same_given_spelling(q, c):
        return TYPO, f"first name spelled differently: {_w(q)}/{_w(c)}"
    if nickname_related(q, c):
        return NICKNAME, f"nickname: {_w(q)} = {_w(c)}"
    if _one_typo(q, c):
        return TYPO, f"first name spelled differently: {_w(q)}/{_w(c)}"
    if (
        codes(q)[0] == codes(c)[0]
        and _same_ending(q, c)
        and JaroWinkler.similarity(q, c) >= 0.8
    ):
        return SOUNDS_ALIKE, f"first name sounds alike: {_w(q)}/{_w(c)}"
    via = _variant_nickname(q, c)
    if via is not None:
        return SOUNDS_ALIKE, f"nickname: {_w(q)} = {_w(via)} ≈ {_w(c)}"
    return None


_VOWELS = frozenset("aeiouy")


def _ending(word: str) -> str:
    word = word.rstrip("h") or word
    if len(word) > 2 and word[-1] == "e" and word[-2] not in _VOWELS:
        word = word[:-1]  # a silent final e: Katherine ends like Kathryn
    return word[-1]


def _same_ending(a: str, b: str) -> bool:
    """Stephen/Stephanie sound alike to Double Metaphone but are different
    names; the ending tells them apart (Rebecca/Rebekah, Aleksandr/Alexander
    and Katherine/Kathryn keep theirs)."""
    ea, eb = _ending(a), _ending(b)
    return ea == eb or (ea in _VOWELS and eb in _VOWELS)


def _gender_pair(a: str, b: str) -> bool:
    """Robert/Roberta, Carl/Carla, Andrew/Andrea: one letter apart, but only
    at the end, where it makes another name."""
    short, long = sorted((a, b), key=len)
    if len(long) - len(short) == 1 and long.startswith(short):
        return long[-1] in "ao"
    if len(a) == len(b) and a[:-1] == b[:-1]:
        return a[-1] in "ao" or b[-1] in "ao"
    return False


def _variant_nickname(q: str, c: str) -> str | None:
    """A nickname of another spelling: Alex → Alexandra ≈ Aleksandra."""
    qa, ca = anchors(q), anchors(c)
    if len(qa) == 1 and len(ca) == 1:
        return None
    for a in qa:
        for b in ca:
            if a != b and len(a) >= 5 and len(b) >= 5 and _one_typo(a, b):
                return a
            if (
                a != b
                and codes(a)[0] == codes(b)[0]
                and _same_ending(a, b)
                and JaroWinkler.similarity(a, b) >= 0.85
            ):
                return a
    return None


def _surname(q: str, c: str) -> tuple[float, str] | None:
    if q == c:
        return 1.0, ""
    if mc_stem(q) == mc_stem(c):
        return MC_MAC, f"Mc/Mac: {_w(q)}/{_w(c)}"
    q_codes, c_codes = codes(q), codes(c)
    alike = min(len(q), len(c)) >= 2 and JaroWinkler.similarity(q, c) >= 0.75
    if alike and q_codes[0] == c_codes[0]:
        return SOUNDS_ALIKE, f"surname sounds alike: {_w(q)}/{_w(c)}"
    if _one_typo(q, c):
        return TYPO, f"surname spelled differently: {_w(q)}/{_w(c)}"
    if alike and set(q_codes) & set(c_codes):
        # Only the alternate sounds agree (Smtyh/Smith): weaker than a typo.
        return ALTERNATE_SOUND, f"surname may sound alike: {_w(q)}/{_w(c)}"
    return None


def _whole(text: str) -> str:
    return " ".join("-".join(map(_w, t.split("-"))) for t in text.split())


def _best_surname(
    q_surnames: tuple[str, ...],
    c_surnames: tuple[str, ...],
    q_whole: str = "",
    c_whole: str = "",
) -> tuple[float, str] | None:
    best = None
    for i, qs in enumerate(q_surnames):
        for j, cs in enumerate(c_surnames):
            found = _surname(qs, cs)
            if found is None:
                continue
            factor, reason = found
            if i or j:
                factor *= COMPOUND_PART
                whole = (c_whole or c_surnames[0]) if j else (q_whole or q_surnames[0])
                part = cs if j else qs
                reason = reason or f"surname {_w(part)} is part of {_whole(whole)}"
            if best is None or factor > best[0]:
                best = (factor, reason)
            if best[0] == 1.0:
                return best
    return best


def _middles(q: tuple[str, ...], c: tuple[str, ...]) -> tuple[float, str]:
    if not q or not c:
        return (0.98, "") if (q or c) else (1.0, "")
    for a in q:
        for b in c:
            if a == b or (min(len(a), len(b)) == 1 and a[0] == b[0]):
                return 1.0, ""
            if len(a) > 1 and len(b) > 1 and _given(a, b) is not None:
                return 1.0, ""
    return 0.85, f"middle names differ: {_w(q[0])}/{_w(c[0])}"


def compare_person(q: PersonName, c: PersonName) -> NameMatch | None:
    if not q.words or not c.words or not q.words[0] or not c.words[0]:
        return None
    if q.text == c.text:
        return NameMatch(100.0)
    if q.words == c.words:
        return NameMatch(99.0, ["same name, spaced or hyphenated differently"])
    if sorted(q.words) == sorted(c.words):
        return NameMatch(98.0, ["same name, words in another order"])
    if q.given is None or c.given is None:
        single, other = (q, c) if q.given is None else (c, q)
        if single.given is not None:
            return None
        found = _best_surname(single.surnames, other.surnames)
        if found is None or other.given is None:
            return None
        factor, reason = found
        return NameMatch(
            100 * factor * NO_GIVEN,
            [r for r in (reason, "only a surname to compare") if r],
        )
    q_ways = [(q.given, q.surnames, q.middles, 1.0, "")]
    if len(q.words) >= 2:
        q_ways.append(
            (
                q.words[-1],
                (q.words[0],),
                q.words[1:-1],
                0.98,
                "surname and first name in the other order",
            )
        )
    if q.other_given:
        q_ways.append((q.other_given, q.surnames[:1], (), 0.95, "goes by middle name"))
    c_ways = [(c.given, c.surnames, c.middles, 1.0, "")]
    if c.other_given:
        c_ways.append((c.other_given, c.surnames[:1], (), 0.95, "goes by middle name"))
    best: NameMatch | None = None
    for qg, qs, qm, qf, qr in q_ways:
        for cg, cs, cm, cf, cr in c_ways:
            if qf < 1.0 and cf < 1.0:
                continue  # one side is read as written
            surname = _best_surname(
                qs, cs, q.full_surname if qs is q.surnames else "", c.full_surname
            )
            if surname is None:
                continue
            given = _given(qg, cg)
            if given is None:
                continue
            middle = _middles(qm, cm)
            score = 100 * surname[0] * given[0] * middle[0] * qf * cf
            if best is None or score > best.score:
                reasons = [given[1], surname[1], middle[1], qr, cr]
                best = NameMatch(score, [r for r in reasons if r])
    return best


# --- Organisations ---------------------------------------------------------


def _word_match(a: str, b: str) -> float | None:
    if a == b:
        return 1.0
    if _other_saint(a, b):
        return None
    if _one_typo(a, b):
        return 0.9
    if (
        len(a) >= 4
        and codes(a)[0] == codes(b)[0]
        and _same_ending(a, b)
        and JaroWinkler.similarity(a, b) >= 0.8
    ):
        return 0.9
    return None


def _other_saint(a: str, b: str) -> bool:
    """St. Mark's is not St. Mary's: two first names of one length that
    differ in a letter are two names, not a typo."""
    a, b = a.removesuffix("s"), b.removesuffix("s")
    return len(a) == len(b) and a != b and a in GIVEN_NAMES and b in GIVEN_NAMES


def _align(q: tuple[str, ...], c: tuple[str, ...]):
    """Pair up equal words first, then near-equal ones."""
    left_c = list(c)
    pairs: list[tuple[str, str, float]] = []
    left_q: list[str] = []
    pending: list[str] = []
    for word in q:
        if word in left_c:
            left_c.remove(word)
            pairs.append((word, word, 1.0))
        else:
            pending.append(word)
    for word in pending:
        best = None
        for other in left_c:
            factor = _word_match(word, other)
            if factor is not None and (best is None or factor > best[1]):
                best = (other, factor)
        if best is None:
            left_q.append(word)
        else:
            left_c.remove(best[0])
            pairs.append((word, best[0], best[1]))
    return pairs, left_q, left_c


def compare_org(
    q: OrgName, c: OrgName, *, containment: bool = True
) -> NameMatch | None:
    if not q.core or not c.core:
        return None
    if sorted(q.core) == sorted(c.core):
        if q.text == c.text and q.legal_form == c.legal_form:
            return NameMatch(100.0)
        if q.legal_form and c.legal_form and q.legal_form != c.legal_form:
            return NameMatch(
                96.0, [f"legal form differs: {q.legal_form}/{c.legal_form}"]
            )
        if q.core != c.core:
            return NameMatch(97.0, ["same words in another order"])
        return NameMatch(99.0, ["same name apart from legal form or punctuation"])
    if q.joined == c.joined:
        return NameMatch(95.0, ["same letters, spaced differently"])
    for short, long in ((q, c), (c, q)):
        if (
            len(short.core) == 1
            and len(short.core[0]) >= 2
            and short.core[0] == long.acronym
        ):
            return NameMatch(
                86.0,
                [f"acronym: {short.core[0].upper()} = {' '.join(map(_w, long.core))}"],
            )
    if all(len(t) == 1 for t in q.core) and len(q.core) >= 2 and q.joined == c.acronym:
        return NameMatch(86.0, [f"initials: {q.joined.upper()}"])
    found = _words_match(q.core, c.core, containment)
    if found is not None:
        return found
    if (
        len(q.joined) >= 6
        and OSA.distance(q.joined, c.joined, score_cutoff=2) <= 1
        and not any(_other_saint(a, b) for a, b in zip(q.core, c.core, strict=False))
    ):
        return NameMatch(90.0, ["spelled differently"])
    if not containment or not q.distinctive or not c.distinctive:
        return None
    # Generic words aside ("Vandelay Imports" and "Vandelay Industries"):
    # the distinctive names agree, which may be one corporate family.
    found = _words_match(q.distinctive, c.distinctive, containment, generic=False)
    if found is None:
        return None
    found.score = min(found.score, 76.0)
    return _unless_thin(q, c, found)


_KIND_LABELS = {
    "religious": "a church or ministry",
    "finance": "a bank or investment business",
    "insurance": "an insurer",
    "health": "a medical or dental practice",
    "legal": "a law practice",
    "construction": "a builder or trade",
    "realty": "a property business",
    "food": "a food business",
    "education": "a school",
    "automotive": "a motor business",
    "transport": "a transport business",
    "technology": "a technology business",
    "hospitality": "a hotel",
    "fitness": "a gym",
}


def _unless_thin(q: OrgName, c: OrgName, found: NameMatch) -> NameMatch:
    """A hit that rests on one shared word ("Apex Roofing" and "Apex Holdings",
    "Grace Community Church" and "Grace Capital Partners LP") goes below the
    threshold unless something else agrees: the kind of organisation, or a
    shared word rare enough to name one family ("Vandelay")."""
    pairs, _, _ = _align(q.core, c.core)
    shared = [
        a
        for a, _, _ in pairs
        if a not in GENERIC_ORG_WORDS
        and a not in COMMON_ORG_WORDS
        and a not in ORG_KIND_OF_WORD
    ]
    if len(shared) > 1:
        return found
    words = " ".join(_w(a) for a, _, _ in pairs) or "a generic word"
    if q.kinds and c.kinds and not q.kinds & c.kinds:
        kinds = " and ".join(_KIND_LABELS[min(k)] for k in (q.kinds, c.kinds))
        found.reasons.append(f"only {words} in common: {kinds}")
    elif q.kinds & c.kinds or shared:
        return found
    else:
        share = (
            "words many names share" if len(pairs) > 1 else "a word many names share"
        )
        found.reasons.append(f"only {words} in common, {share}")
    found.score = min(found.score, THIN)
    return found


def _words_match(
    q: tuple[str, ...], c: tuple[str, ...], containment: bool, generic: bool = True
) -> NameMatch | None:
    pairs, left_q, left_c = _align(q, c)
    factor = 1.0
    reasons = []
    for a, b, f in pairs:
        if f < 1.0:
            factor *= f
            reasons.append(f"spelled differently: {_w(a)}/{_w(b)}")
    if not left_q and not left_c:
        if not generic:
            reasons.append(f"same distinctive name: {' '.join(map(_w, q))}")
        return NameMatch(100 * factor * 0.97, reasons)
    if not containment or (left_q and left_c):
        return None
    if not any(a not in GENERIC_ORG_WORDS for a, _, _ in pairs):
        return None
    extra = left_q or left_c
    shorter, longer = (q, c) if left_c else (c, q)
    if generic and all(w in GENERIC_ORG_WORDS for w in extra):
        reasons.append(f"differs only by {' '.join(map(_w, extra))}")
        return NameMatch(88 * factor, reasons)
    reasons.append(
        f"“{' '.join(map(_w, shorter))}” is part of “{' '.join(map(_w, longer))}”"
    )
    return NameMatch(max(72.0, 80.0 - 2 * len(extra)) * factor, reasons)


# --- Any kind --------------------------------------------------------------


def compare(query: str, query_kind: str | None, name: str, kind: str):
    """Match one searched name against one name on file (of the given kind)."""
    as_org = query_kind == "organization" or (
        query_kind is None and looks_like_org(query)
    )
    if kind == "organization":
        q = parse_org(query)
        c = parse_org(name)
        # "Tony Stark" is not part of the Stark Industries family.
        if query_kind == "person" or (query_kind is None and looks_like_person(query)):
            return _same_words(q, c)
        return compare_org(q, c, containment=True)
    if as_org:
        return _same_words(parse_org(query), parse_org(name))
    return compare_person(parse_person(query), parse_person(name))


def _same_words(q: OrgName, c: OrgName) -> NameMatch | None:
    """A person and an organisation match only when their words are the same
    ("John Smith" and "John Smith LLC")."""
    if q.core and sorted(q.core) == sorted(c.core):
        return NameMatch(90.0, ["a person and an organisation with the same name"])
    return None


def tie_break(query: str, name: str) -> float:
    return fuzz.token_sort_ratio(query.lower(), name.lower())
