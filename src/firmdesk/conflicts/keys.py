"""Blocking keys: what a contact writes to the index and what a search looks up.

A search never scans names. It computes the keys of the searched name, finds
the contacts that share any of them (``ConflictKey``: firm, key, contact) and
scores only those. Keys therefore combine two parts of a name, so that a
common surname alone never selects tens of thousands of people:

``A:`` formal first name (Bob → Robert) + the surname or one of its
one-letter-shorter forms (a deletion neighbourhood: Smtih and Smith share
"smih" and "smth"), so nicknames and surname typos meet.
``B:`` the first name or its one-letter-shorter forms + surname sound
(Double Metaphone), so first-name typos meet.
``C:`` sound of the first name (and of its formal names) + sound of a surname,
in either order: Catherine/Katherine, Philip/Filip, Smyth/Smith, "Smith John".
``I:``/``J:`` first initial + surname sound: "J. Smith" finds John Smith, and
John Smith finds a contact recorded as "J. Smith".
``S:`` surname sound alone, looked up only for a one-word search.
``OF:``/``OX:`` an organisation's words (all, or the distinctive ones) in
sorted order; ``OD:`` its letters run together and their deletion
neighbourhood (typos, "Micro Soft"); ``OP:`` sounds of two distinctive words;
``OT:`` one distinctive word, looked up when the search has only one;
``OA:`` the acronym of its words.
``E:``/``T:`` e-mail address and phone number (E.164).

The index stores each key as an 8-byte hash (``key_hash``), not as text:
a third of the row, and the same whatever the key's length. Two keys that
hash alike (about one pair in a billion billion) only add a candidate that
scoring then rejects; nothing is missed.
"""

from array import array
from collections.abc import Iterable
from functools import lru_cache
from hashlib import blake2b
from itertools import combinations

from firmdesk.common.phones import DEFAULT_REGION, Strictness, phone_e164

from .normalize import (
    anchor_codes,
    anchors,
    codes,
    deletions,
    looks_like_org,
    parse_org,
    parse_person,
)

MAX_KEY = 64
MAX_ANCHORS = 16
# An organisation's letters run together are cut to this length before the
# deletion neighbourhood is taken: a typo past it leaves the prefix intact,
# and one inside it still meets.
ORG_PREFIX = 16
# Names whose hashed keys ``contact_key_hashes`` remembers.
NAME_HASH_CACHE = 300_000

# How much one shared key says about a candidate. A search ranks candidates
# by the sum over shared keys before scoring the best few hundred.
WEIGHTS = {
    "A": 2,
    "B": 2,
    "C": 3,
    "I": 1,
    "J": 3,
    "S": 1,
    "OF": 6,
    "OX": 4,
    "OD": 2,
    "OP": 2,
    "OT": 1,
    "OA": 3,
    "E": 20,
    "T": 20,
}


def key_hash(key: str) -> int:
    """The 8-byte signed integer the index stores for a key."""
    digest = blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _k(*parts: str) -> str:
    return "".join(parts)[:MAX_KEY]


def _pair(a: str, b: str) -> str:
    return "|".join(sorted((a, b)))


def _anchors(word: str) -> list[str]:
    return sorted(anchors(word))[:MAX_ANCHORS]


# --- People ----------------------------------------------------------------


def person_index_keys(name: str) -> set[str]:
    p = parse_person(name)
    out: set[str] = set()
    surname = p.surname
    if not surname:
        return out
    surname_code = codes(surname)[0]
    out.add(_k("S:", surname_code))
    if p.given is None:
        return out
    if p.has_initial_only:
        for s in p.surnames:
            out.add(_k("J:", p.given, "|", codes(s)[0]))
            out.add(_k("I:", p.given, "|", codes(s)[0]))
        return out
    given_anchors = _anchors(p.given)
    for a in given_anchors:
        for d in deletions(surname):
            out.add(_k("A:", a, "|", d))
        for s in p.surnames[1:]:
            out.add(_k("A:", a, "|", s))
    for d in deletions(p.given):
        out.add(_k("B:", d, "|", surname_code))
    for given in filter(None, (p.given, p.other_given)):
        for ga in anchor_codes(given):
            for s in p.surnames if given == p.given else p.surnames[:1]:
                for c in codes(s):
                    out.add(_k("C:", _pair(ga, c)))
    for s in p.surnames:
        out.add(_k("I:", p.given[0], "|", codes(s)[0]))
    return out


def person_query_keys(name: str) -> set[str]:
    """Keys to look up: the name as given, with its words swapped, and with the
    second word as the first name ("J. Robert Smith" goes by Robert)."""
    p = parse_person(name)
    out: set[str] = set()
    if not p.words or not p.words[0]:
        return out
    if p.given is None:
        for c in codes(p.surname):
            out.add(_k("S:", c))
        return out
    orientations = [(p.given, p.surnames)]
    orientations.append((p.words[-1], (p.words[0],)))
    if p.other_given:
        orientations.append((p.other_given, p.surnames[:1]))
    for given, surnames in orientations:
        surname = surnames[0]
        if len(given) == 1:
            for s in surnames:
                for c in codes(s):
                    out.add(_k("I:", given, "|", c))
            continue
        for a in _anchors(given):
            for d in deletions(surname):
                out.add(_k("A:", a, "|", d))
            for s in surnames[1:]:
                out.add(_k("A:", a, "|", s))
        for d in deletions(given):
            for c in codes(surname):
                out.add(_k("B:", d, "|", c))
        for ga in anchor_codes(given) + codes(given)[1:]:
            for s in surnames:
                for c in codes(s):
                    out.add(_k("C:", _pair(ga, c)))
        for s in surnames:
            for c in codes(s):
                out.add(_k("J:", given[0], "|", c))
    return out


# --- Organisations ---------------------------------------------------------


def org_index_keys(name: str) -> set[str]:
    o = parse_org(name)
    out: set[str] = set()
    if not o.core:
        return out
    out.add(_k("OF:", " ".join(sorted(o.core))))
    if o.distinctive and o.distinctive != o.core:
        out.add(_k("OX:", " ".join(sorted(o.distinctive))))
    for d in deletions(o.joined, ORG_PREFIX):
        out.add(_k("OD:", d))
    for t in o.distinctive[:6]:
        out.add(_k("OT:", t))
    for a, b in combinations(o.distinctive[:5], 2):
        out.add(_k("OP:", _pair(codes(a)[0], codes(b)[0])))
    if o.acronym:
        out.add(_k("OA:", o.acronym))
    return out


def org_query_keys(name: str) -> set[str]:
    o = parse_org(name)
    out: set[str] = set()
    if not o.core:
        return out
    core = o.core[:6]
    out.add(_k("OF:", " ".join(sorted(o.core))))
    if o.distinctive:
        out.add(_k("OX:", " ".join(sorted(o.distinctive))))
    for d in deletions(o.joined, ORG_PREFIX):
        out.add(_k("OD:", d))
    for a, b in combinations(o.distinctive[:5], 2):
        out.add(_k("OP:", _pair(codes(a)[0], codes(b)[0])))
    if len(o.distinctive) == 1:
        out.add(_k("OT:", o.distinctive[0]))
    if len(o.core) == 1:
        out.add(_k("OA:", o.core[0]))
        out.add(_k("OT:", o.core[0]))
    if o.acronym:
        out.add(_k("OF:", o.acronym))
        out.add(_k("OT:", o.acronym))
    if len(o.core) >= 2 and all(len(t) == 1 for t in o.core):
        out.add(_k("OA:", o.joined))  # "P&G"
    # A shorter name on file whose words all appear in the search
    # ("Acme" on file, "Acme Logistics" searched), generic words or not.
    for words, prefix in ((core, "OF:"), (o.distinctive[:6], "OX:")):
        for size in {1, 2, len(words) - 1}:
            if 1 <= size < len(words):
                for subset in combinations(words, size):
                    if any(t in o.distinctive for t in subset):
                        out.add(_k(prefix, " ".join(sorted(subset))))
    return out


# --- Contact details -------------------------------------------------------


def email_key(email: str) -> str:
    return _k("E:", email.strip().lower())


def phone_key(e164: str) -> str:
    return _k("T:", e164)


# --- Putting it together ---------------------------------------------------


def contact_keys(
    *,
    kind: str,
    names: Iterable[str],
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
) -> set[str]:
    """Every key a contact writes: for its name and each alias, e-mail, phone."""
    out: set[str] = set()
    for name in names:
        if name and name.strip():
            out |= _name_keys(kind == "organization", name)
    out.update(email_key(e) for e in emails if e)
    out.update(phone_key(p) for p in phones if p)
    return out


@lru_cache(maxsize=20_000)
def _name_keys(organization: bool, name: str) -> frozenset[str]:
    """A name's keys, remembered: a bulk load meets the same names again and
    again (a hundred "Robert Smith"s in a million parties)."""
    return frozenset(org_index_keys(name) if organization else person_index_keys(name))


def contact_key_hashes(
    *,
    kind: str,
    names: Iterable[str],
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
) -> set[int]:
    """What the index stores for a contact: ``key_hash`` of every key
    ``contact_keys`` gives, for bulk indexing (imports, the seed)."""
    organization = kind == "organization"
    out: set[int] = set()
    for name in names:
        if name and name.strip():
            out.update(_name_key_hashes(organization, name))
    out.update(key_hash(email_key(e)) for e in emails if e)
    out.update(key_hash(phone_key(p)) for p in phones if p)
    return out


# Hashed keys kept as packed 8-byte integers (a fifth of a tuple of ints), so
# many more names fit than in ``_name_keys``: the large seed names about
# 270,000 different people and organisations among a million contacts.
@lru_cache(maxsize=NAME_HASH_CACHE)
def _name_key_hashes(organization: bool, name: str) -> array:
    keys = org_index_keys(name) if organization else person_index_keys(name)
    return array("q", [key_hash(key) for key in keys])


def query_keys(name: str, kind: str | None = None) -> dict[str, int]:
    """Keys to look up for one searched name, with the weight of each.

    With no kind, a name that reads as an organisation ("… LLC", "… & Sons")
    is searched as one; any other name is searched both as a person and as an
    organisation (a one-word name may be either).
    """
    text = (name or "").strip()
    keys: set[str] = set()
    if "@" in text and " " not in text:
        keys.add(email_key(text))
    elif sum(ch.isdigit() for ch in text) >= 7:
        e164 = phone_e164(text, DEFAULT_REGION, strictness=Strictness.LOCAL_OK)
        if e164:
            keys.add(phone_key(e164))
    if not keys:
        as_org = kind == "organization" or (kind is None and looks_like_org(text))
        if kind in (None, "person") and not as_org:
            keys |= person_query_keys(text)
        if kind in (None, "organization"):
            keys |= org_query_keys(text)
    return {k: WEIGHTS[k.split(":", 1)[0]] for k in keys}
