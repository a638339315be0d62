"""The pre-bill review's flags: what a client's e-billing review would reject,
found before the bill goes out.

Pure functions over plain rows (``Item``), no database: ``billing.review``
loads the rows and the firm's rules and calls ``flags_for``. Every flag says,
in words a timekeeper reads, what to fix. docs/billing-review.md gives the
rules with examples.

Two properties hold for every flagger and are tested with hypothesis
(tests/billing/test_prebill.py): a flag depends only on the item itself or on
the items of the same person, matter and day, and adding an item never takes a
flag away from another (day totals only grow; duplicates are pairs).
"""

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from rapidfuzz import fuzz

from .money import on_increment
from .utbms import ACTIVITY_CODES, EXPENSE_CODES, TASK_CODES

FEE = "fee"
EXPENSE = "expense"

# Two tasks in half an hour or less are not worth splitting: clients' billing
# guidelines that forbid block billing mostly tolerate them, and asking for
# two 0.2 h entries helps nobody.
BLOCK_BILLING_ABOVE = Decimal("0.50")
# A narrative with fewer words than this cannot say what was done and for what.
MIN_WORDS = 3
# Words beside a vague phrase that still leave it vague ("Review file re
# Smith"): at most this many, not counting small words such as "re" or "the".
VAGUE_EXTRA_WORDS = 1
# Narratives of two entries this alike (rapidfuzz token sort ratio, 0–100) are
# the same work recorded twice.
DUPLICATE_SIMILARITY = 85

# Verbs that start a piece of work in a narrative ("draft", "drafted",
# "drafting"...): matched as the start of a word.
ACTION_VERBS = (
    "analy",
    "appear",
    "attend",
    "call",
    "conduct",
    "confer",
    "correspond",
    "draft",
    "edit",
    "email",
    "e-mail",
    "file",
    "finali",
    "interview",
    "leave",
    "meet",
    "negotiat",
    "organi",
    "outline",
    "phone",
    "prepar",
    "read",
    "research",
    "review",
    "revis",
    "schedul",
    "send",
    "serve",
    "speak",
    "summari",
    "telephone",
    "travel",
    "updat",
    "write",
)
SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "re",
        "regarding",
        "the",
        "to",
        "with",
    ]
)

_WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")
_VERB = re.compile(r"^(?:" + "|".join(re.escape(v) for v in ACTION_VERBS) + r")")
# A new piece of work: after ";", a line break, a bullet, "and", "&", "then",
# "also" or a comma.
_CLAUSES = re.compile(r"[;\n•]+")
_PARTS = re.compile(r",|\band\b|&|\bthen\b|\balso\b|\bplus\b", re.IGNORECASE)


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    message: str


@dataclass(frozen=True)
class Item:
    """One time entry (``kind`` FEE) or expense (EXPENSE) as the flaggers see
    it. ``person`` is the timekeeper (or who incurred the expense); ``amount``
    the hours of a fee, the total of an expense; ``requires_utbms`` whether a
    client of its matter asks for UTBMS codes."""

    key: Hashable
    kind: str
    person: Hashable
    matter: Hashable
    date: object
    amount: Decimal
    narrative: str = ""
    task_code: str = ""
    activity_code: str = ""
    expense_code: str = ""
    requires_utbms: bool = False


@dataclass(frozen=True)
class Rules:
    increment: Decimal = Decimal("0.10")
    max_hours_per_day: Decimal = Decimal("0")
    vague_phrases: tuple[str, ...] = field(default_factory=tuple)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


# --- One item at a time -------------------------------------------------------------


def tasks_in(narrative: str) -> int:
    """How many separate pieces of work a narrative describes: clauses split by
    ";" or a new line, and inside each, parts that start with an action verb
    and say what it was done to ("Draft motion and call client" is two; "Review
    and revise contract" is one, the verbs share the contract)."""
    count = 0
    for clause in _CLAUSES.split(narrative):
        if not words(clause):
            continue
        pieces = 0
        for part in _PARTS.split(clause):
            found = words(part)
            if len(found) >= 2 and _VERB.match(found[0]):
                pieces += 1
        count += max(pieces, 1)
    return count


def block_billing(item: Item) -> Flag | None:
    if item.kind != FEE or item.amount <= BLOCK_BILLING_ABOVE:
        return None
    count = tasks_in(item.narrative)
    if count < 2:
        return None
    return Flag(
        "block",
        "Block billing",
        f"The narrative lumps {count} tasks under one time of {item.amount} h. "
        "Split it into one entry per task, each with its own time.",
    )


def vague_narrative(item: Item, phrases: Iterable[str]) -> Flag | None:
    if item.kind != FEE:
        return None
    said = words(item.narrative)
    if len(said) < MIN_WORDS:
        return Flag(
            "vague",
            "Vague narrative",
            "The narrative is too short to say what was done. Say what the "
            "work was and what it was for, e.g. “Draft reply to motion to "
            "dismiss”.",
        )
    text = " ".join(said)
    for phrase in phrases:
        wanted = " ".join(words(phrase))
        if not wanted or not re.search(rf"\b{re.escape(wanted)}\b", text):
            continue
        rest = re.sub(rf"\b{re.escape(wanted)}\b", " ", text, count=1).split()
        if len([w for w in rest if w not in SMALL_WORDS]) <= VAGUE_EXTRA_WORDS:
            return Flag(
                "vague",
                "Vague narrative",
                f"“{phrase}” does not tell the client what was done. Say which "
                "document, call or question the work was about and why.",
            )
    return None


def off_increment(item: Item, increment: Decimal) -> Flag | None:
    if item.kind != FEE or increment <= 0 or on_increment(item.amount, increment):
        return None
    return Flag(
        "increment",
        "Off the increment",
        f"{item.amount} h is not a multiple of the firm's increment of "
        f"{increment} h. Round it to the increment.",
    )


def code_problems(item: Item) -> list[Flag]:
    """An unknown code always; a missing one where the client requires UTBMS."""
    if item.kind == FEE:
        wanted = (
            ("task_code", "task code", TASK_CODES),
            ("activity_code", "activity code", ACTIVITY_CODES),
        )
    else:
        wanted = (("expense_code", "expense code", EXPENSE_CODES),)
    found = []
    missing = []
    for attr, name, known in wanted:
        value = getattr(item, attr)
        if value and value not in known:
            found.append(
                Flag(
                    "unknown_code",
                    "Unknown UTBMS code",
                    f"“{value}” is not a UTBMS {name}. Choose one from the list.",
                )
            )
        elif not value and item.requires_utbms:
            missing.append(name)
    if missing:
        names = " and the ".join(missing)
        found.append(
            Flag(
                "missing_code",
                "Missing UTBMS code",
                f"The client requires UTBMS codes: add the {names}.",
            )
        )
    return found


# --- Items together -----------------------------------------------------------------


def long_days(items: Iterable[Item], limit: Decimal) -> dict[Hashable, Flag]:
    """Every fee of a person's day whose hours add up to more than ``limit``
    (no limit when it is zero or less)."""
    if limit <= 0:
        return {}
    days: dict[tuple, list[Item]] = defaultdict(list)
    for item in items:
        if item.kind == FEE:
            days[(item.person, item.date)].append(item)
    flagged = {}
    for day in days.values():
        total = sum((i.amount for i in day), Decimal("0"))
        if total > limit:
            flag = Flag(
                "long_day",
                "Long day",
                f"This person recorded {total} h that day, more than the firm's "
                f"limit of {limit} h. Check each entry of the day for hours "
                "recorded twice or on the wrong date.",
            )
            for item in day:
                flagged[item.key] = flag
    return flagged


def alike(a: str, b: str) -> bool:
    """Two narratives saying the same thing, word order and case aside."""
    return fuzz.token_sort_ratio(a.lower(), b.lower()) >= DUPLICATE_SIMILARITY


def duplicates(items: Iterable[Item]) -> dict[Hashable, list[Hashable]]:
    """For each item, the keys of the others that look like the same work
    recorded twice: same kind, person, matter, date and amount, and alike
    narratives."""
    groups: dict[tuple, list[Item]] = defaultdict(list)
    for item in items:
        groups[(item.kind, item.person, item.matter, item.date, item.amount)].append(
            item
        )
    twins: dict[Hashable, list[Hashable]] = defaultdict(list)
    for group in groups.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if a.key != b.key and alike(a.narrative, b.narrative):
                    twins[a.key].append(b.key)
                    twins[b.key].append(a.key)
    return dict(twins)


def duplicate_flag(count: int) -> Flag:
    other = "another entry" if count == 1 else f"{count} other entries"
    return Flag(
        "duplicate",
        "Possible duplicate",
        f"Same person, matter, date and amount as {other}, with a narrative "
        "that reads alike. Write off or send back the copy, or say why both stand.",
    )


def flags_for(items: Iterable[Item], rules: Rules) -> dict[Hashable, list[Flag]]:
    """Every flag of every item, keyed by ``Item.key``. Day totals and
    duplicates look at all ``items``: pass the day's other entries too."""
    items = list(items)
    flags: dict[Hashable, list[Flag]] = {item.key: [] for item in items}
    days = long_days(items, rules.max_hours_per_day)
    twins = duplicates(items)
    for item in items:
        found = flags[item.key]
        for flag in (
            block_billing(item),
            vague_narrative(item, rules.vague_phrases),
            off_increment(item, rules.increment),
            days.get(item.key),
        ):
            if flag is not None:
                found.append(flag)
        found.extend(code_problems(item))
        if item.key in twins:
            found.append(duplicate_flag(len(twins[item.key])))
    return flags


FLAG_LABELS = {
    "block": "Block billing",
    "vague": "Vague narrative",
    "increment": "Off the increment",
    "long_day": "Long day",
    "missing_code": "Missing UTBMS code",
    "unknown_code": "Unknown UTBMS code",
    "duplicate": "Possible duplicate",
}
