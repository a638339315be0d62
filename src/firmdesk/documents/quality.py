"""Quality checks run when a draft is submitted for review (docs/documents.md,
"Quality checks"; each check, what it catches and what it cannot, in
docs/documents-quality.md): what an attorney would otherwise catch by reading,
listed for the assistant to fix (a new version) or explain before the
submission goes through.

The checks read the version's text (a .docx with python-docx, a PDF with pypdf,
a text file as it is) and its generation record (``merge_values``,
``empty_fields``). The scanners for placeholders and dates are pure functions
of a string, so they are property-tested on their own.
"""

import datetime
import io
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from dateutil import parser as date_parser
from django.db.models import Q
from rapidfuzz import fuzz

from firmdesk.conflicts.normalize import (
    COMMON_ORG_WORDS,
    GENERIC_ORG_WORDS,
    LEGAL_FORM_WORDS,
    ORG_STOP_WORDS,
    SUFFIXES,
    TITLES,
    fold,
)
from firmdesk.matters.models import Matter, MatterParty

from .storage import read_plaintext

log = logging.getLogger(__name__)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class Finding:
    """One thing the checks found. ``code`` is stable (tests and the
    explanations a submission keeps refer to it); ``message`` says, in plain
    words, what was found and where, and what to do about it."""

    code: str
    message: str


# Codes, in the order findings are listed.
PLACEHOLDER = "placeholder"
EMPTY_VALUE = "empty_value"
PARTY_NOT_AS_RECORDED = "party_not_as_recorded"
OTHER_MATTER_PARTY = "other_matter_party"
PAST_DATE = "past_date"
UNREADABLE_DATE = "unreadable_date"
NO_SIGNATURE = "no_signature"
SIGNATURE_WITHOUT_ATTORNEY = "signature_without_attorney"

# At most this many findings of one check: past that, the draft needs a new
# pass, not one explanation per line.
MOST_PER_CHECK = 10
# The signature block is looked for among the last paragraphs with text.
SIGNATURE_AREA = 15
# A name found is quoted with at most this much of its paragraph.
QUOTE_CHARS = 60


def findings(version, *, today: datetime.date, scope=None) -> list[Finding]:
    """What the checks find in ``version`` (a DocumentVersion of a document on a
    matter), in the order they should be read: placeholders, empty values,
    party names, dates, signature.

    ``scope`` is the submitter's: a name of another of the firm's matters is
    reported only when the submitter may open that matter (see
    docs/documents-quality.md, "Names of another matter", for why). Without a
    scope that check is skipped.
    """
    document = version.document
    matter = document.matter
    template = document.template
    text = read_text(version)
    dayfirst = _day_first(document.firm)
    found: list[Finding] = []
    if text is not None:
        found += _cap(placeholder_findings(text))
    found += _cap(empty_value_findings(version, template))
    if text is not None and matter is not None:
        found += _cap(name_findings(version, text, matter, scope=scope))
    answers = list(future_date_answers(version, template, dayfirst=dayfirst))
    found += _cap(question_date_findings(answers, today))
    if text is not None:
        # A past answer merged into the text is reported once, as the answer.
        reported = {date for _, _, date in answers if date and date < today}
        found += _cap(text_date_findings(text, today, dayfirst, skip=reported))
        found += signature_findings(text, matter)
    return found


_KIND_OF = {
    PLACEHOLDER: "placeholders or blanks",
    EMPTY_VALUE: "empty values",
    PARTY_NOT_AS_RECORDED: "names",
    OTHER_MATTER_PARTY: "names",
    PAST_DATE: "dates",
    UNREADABLE_DATE: "dates",
}


def _cap(items: Iterable[Finding]) -> list[Finding]:
    items = list(items)
    if len(items) <= MOST_PER_CHECK:
        return items
    kept = items[: MOST_PER_CHECK - 1]
    rest = len(items) - len(kept)
    kept.append(
        Finding(
            items[0].code,
            f"And {rest} more {_KIND_OF.get(items[0].code, 'findings')} like "
            "these. Go through the whole document before you submit it again.",
        )
    )
    return kept


# --- The text of a version ---------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A paragraph (or a line of a PDF page) and where a reader finds it."""

    text: str
    where: str


@dataclass
class Text:
    """A version's words: ``body`` in reading order (paragraphs and table
    cells), ``margins`` the headers and footers, ``fields`` the Word merge
    fields still in the file."""

    body: list[Block]
    margins: list[Block] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)

    def blocks(self) -> Iterator[Block]:
        yield from self.body
        yield from self.margins


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PLAIN = ("text/plain", "text/markdown")


def read_text(version) -> Text | None:
    """The version's text, or None for a kind the checks cannot read (an
    image, a spreadsheet, an old .doc) or a PDF without a text layer."""
    kind = version.content_type
    if kind not in (DOCX, "application/pdf", *PLAIN):
        return None
    data = read_plaintext(version)
    try:
        if kind == DOCX:
            return docx_text(data)
        if kind == "application/pdf":
            return pdf_text(data)
        return plain_text(data.decode("utf-8", errors="replace"))
    except Exception:  # noqa: BLE001 - a file we cannot parse is not checked
        log.warning("quality: could not read the text of version %s", version.pk)
        return None


def plain_text(text: str) -> Text:
    return Text(
        [
            Block(line.strip(), f"line {number}")
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip()
        ]
    )


def pdf_text(data: bytes) -> Text | None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        return None
    body = [
        Block(line.strip(), f"page {number}")
        for number, page in enumerate(reader.pages, start=1)
        for line in (page.extract_text() or "").splitlines()
        if line.strip()
    ]
    return Text(body) if body else None


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPACES = re.compile(r"\s+")
_MERGEFIELD = re.compile(r"\bMERGEFIELD\s+\"?([^\s\"\\]+)", re.IGNORECASE)


def _paragraph_text(p) -> str:
    """The text a reader sees: every run, including those inside fields,
    hyperlinks and content controls (python-docx's ``paragraph.text`` leaves
    some of them out); deleted text of tracked changes is not read."""
    parts = [
        (node.text or "") if node.tag == f"{W}t" else " "
        for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr")
    ]
    return _SPACES.sub(" ", "".join(parts)).strip()


def docx_text(data: bytes) -> Text:
    from docx import Document as WordDocument

    word = WordDocument(io.BytesIO(data))
    text = Text([])
    paragraphs = tables = 0

    def walk(element):
        nonlocal paragraphs, tables
        for child in element.iterchildren():
            if child.tag == f"{W}p":
                line = _paragraph_text(child)
                if line:
                    paragraphs += 1
                    text.body.append(Block(line, f"paragraph {paragraphs}"))
            elif child.tag == f"{W}tbl":
                tables += 1
                rows = child.findall(f"{W}tr")
                for row_number, row in enumerate(rows, start=1):
                    where = f"table {tables}, row {row_number}"
                    for p in row.iter(f"{W}p"):
                        if line := _paragraph_text(p):
                            text.body.append(Block(line, where))
            elif child.tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    walk(content)

    walk(word.element.body)
    seen = set()
    for section in word.sections:
        for part, name in (
            (section.header, "header"),
            (section.first_page_header, "header"),
            (section.even_page_header, "header"),
            (section.footer, "footer"),
            (section.first_page_footer, "footer"),
            (section.even_page_footer, "footer"),
        ):
            if part.is_linked_to_previous:
                continue
            for p in part._element.iter(f"{W}p"):
                line = _paragraph_text(p)
                if line and (line, name) not in seen:
                    seen.add((line, name))
                    text.margins.append(Block(line, f"the {name}"))
    instructions = [
        node.text or "" for node in word.element.body.iter(f"{W}instrText")
    ] + [
        node.get(f"{W}instr") or "" for node in word.element.body.iter(f"{W}fldSimple")
    ]
    for instruction in instructions:
        if match := _MERGEFIELD.search(instruction):
            text.fields.append(match.group(1))
    return text


# --- 1. Placeholders ---------------------------------------------------------

_PLACEHOLDER = re.compile(
    r"""
      \{\{.*?\}\}                             # {{ client_name }}
    | \{%.*?%\}                               # {% if … %}
    | \{\{|\}\}                               # a tag broken in two
    | «[^«»]*»                                # «ClientName», a merge field
    | <<[^<>]*>>                              # <<ClientName>>
    | (?i:\[\s*(?:insert|enter|add|fill\ in|type)\b[^\[\]]*\])  # [Insert amount]
    | \[[A-Z][A-Z0-9 _.,'/&\-]*[A-Z0-9_]\]    # [NAME], [CLIENT ADDRESS]
    | \b[Xx]{1,2}/[Xx]{1,2}/[Xx]{2,4}\b       # XX/XX/XXXX
    | _{1,4}/_{1,4}/_{2,4}                    # __/__/____
    | \$\ ?[Xx]{1,3}(?:,[Xx]{3})*(?:\.[Xx]{2})?\b  # $X,XXX.XX
    | \bTBD\b | \bTKTK\b | \bTK\b
    """,
    re.VERBOSE,
)
# Bracketed capitals that belong in a finished document.
_KEPT_BRACKETS = re.compile(
    r"\[(?:SEAL|SIC|L\.?S\.?|REDACTED|CONFIDENTIAL|EMPHASIS ADDED|CONTINUED"
    r"|EXHIBIT [A-Z0-9]+|[A-Z ]*INTENTIONALLY[A-Z ]*|[A-Z ]*SIGNATURES? PAGES?[A-Z ]*"
    r"|[A-Z ]*PAGE BREAK[A-Z ]*|END OF DOCUMENT)\]"
)
_BLANK = re.compile(r"_{4,}")
# The words that may stand before a line to be filled by hand on paper:
# "By: ________", "Date: ________" under a signature.
_HAND_LABELS = _words(
    """
    by signature signed sign here name print printed title date dated initials
    witness notary accepted agreed acknowledged received for its on behalf of
    and the client attorney
    """
)
_SIGNATURE_LABELS = _words("by signature signed sign initials")


def placeholders_in(text: str) -> list[str]:
    """Each placeholder left in ``text``, as written: ``{{ … }}``, ``{% … %}``,
    ``«Field»``, ``[INSERT …]``, ``[NAME]``, ``XX/XX/XXXX``, ``$X,XXX``,
    ``TBD``, ``TK``. Blanks (``____``) are the caller's: whether a blank is a
    line to sign depends on where it stands."""
    return [
        match.group(0)
        for match in _PLACEHOLDER.finditer(text)
        if not _KEPT_BRACKETS.fullmatch(match.group(0))
    ]


def is_hand_line(text: str, *, signature_area: bool) -> bool:
    """A line to be filled by hand on paper: nothing but underscores, or a
    short label and underscores ("By: ______", "Date: ______"). In the
    signature area any such line is; elsewhere only one labelled for a
    signature."""
    rest = _BLANK.sub(" ", text)
    words = fold(rest, org=True).split()
    if len(words) > 4 or any(w not in _HAND_LABELS for w in words):
        return False
    return signature_area or bool(_SIGNATURE_LABELS.intersection(words))


def blanks_in(text: str, *, signature_area: bool) -> list[str]:
    """Blanks meant to be filled (``the sum of $______``), not signature
    lines."""
    text = _PLACEHOLDER.sub(" ", text)  # __/__/____ is a placeholder already
    if not _BLANK.search(text) or is_hand_line(text, signature_area=signature_area):
        return []
    return ["_" * 4 for _ in _BLANK.finditer(text)]


def placeholder_findings(text: Text) -> list[Finding]:
    places: dict[str, list[str]] = {}
    tail = _signature_area(text.body)
    for index, block in enumerate(text.body):
        for found in placeholders_in(block.text) + blanks_in(
            block.text, signature_area=index >= tail
        ):
            places.setdefault(found, []).append(block.where)
    for block in text.margins:
        for found in placeholders_in(block.text):
            places.setdefault(found, []).append(block.where)
    result = []
    for found, wheres in places.items():
        where = _join(list(dict.fromkeys(wheres)))
        if found == "____":
            message = (
                f"A blank line (“____”) is still to be filled in {where}. "
                "Fill it in and upload a new version, or explain why it stays."
            )
        else:
            message = (
                f"“{_short(found)}” is still in {where}: it looks like text that "
                "was meant to be replaced. Replace it and upload a new version "
                "(or generate the draft again), or explain why it stays."
            )
        result.append(Finding(PLACEHOLDER, message))
    shown = {found.strip("«»<> ") for found in places}
    for name in dict.fromkeys(text.fields):
        if name in shown:
            continue  # reported where it shows, as «name»
        result.append(
            Finding(
                PLACEHOLDER,
                f"The Word merge field “{name}” was never filled: the document "
                "still holds the field instead of its value. Generate the draft "
                "again, or type the value and upload a new version.",
            )
        )
    return result


# --- 2. Empty merge values ---------------------------------------------------


def empty_value_findings(version, template) -> list[Finding]:
    labels = _question_labels(template)
    result = []
    for name in version.empty_fields or []:
        what = _sentence_start(labels.get(name) or _readable(name))
        result.append(
            Finding(
                EMPTY_VALUE,
                f"{what} was left empty when the draft was "
                "generated. Generate it again with a value, or fill it in and "
                "upload a new version, or explain why it stays empty.",
            )
        )
    return result


def _question_labels(template) -> dict[str, str]:
    if template is None:
        return {}
    return {
        q.get("name"): q.get("label") or ""
        for q in template.questions or []
        if isinstance(q, dict)
    }


def _readable(name: str) -> str:
    """client_address → "client address"."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(name)).replace("_", " ")
    return _SPACES.sub(" ", words).strip().lower() or str(name)


def _sentence_start(label: str) -> str:
    """A field's label as the subject that starts a sentence: "Amount
    demanded" → "The amount demanded"; an acronym keeps its capitals ("The
    SSN")."""
    label = label.strip().rstrip("?:").strip()
    if label.lower().startswith("the "):
        label = label[4:]
    first = label.split(" ", 1)[0]
    if not (first.isupper() and len(first) > 1):
        label = label[:1].lower() + label[1:]
    return f"The {label}"


# --- 3. Party names ----------------------------------------------------------

# Roles whose names must not come from another matter: a client or an adverse
# party there is the copy-paste from another client's letter. Opposing
# counsel, experts, insurers and witnesses recur from matter to matter.
OTHER_MATTER_ROLES = (
    MatterParty.Role.CLIENT,
    MatterParty.Role.ADVERSE,
    MatterParty.Role.CO_PARTY,
)
# Roles whose names must appear as recorded when the template merged them.
RECORDED_ROLES = {
    MatterParty.Role.CLIENT: "client",
    MatterParty.Role.ADVERSE: "adverse party",
}
MIN_NAME_CHARS = 4
# Words that are too common to say a one-word name is present.
COMMON_WORDS = (
    GENERIC_ORG_WORDS
    | COMMON_ORG_WORDS
    | ORG_STOP_WORDS
    | _words(
        """
        client court county state city united states law office offices firm
        letter notice demand payment amount date time matter case party parties
        plaintiff defendant petitioner respondent claimant estate trust people
        bank company corporation limited this that with from your dear sincerely
        """
    )
)


@dataclass
class Words:
    """A block's words folded for matching (case, accents and punctuation
    ignored), each with the index of the written token it came from, so a
    match can be quoted as written."""

    block: Block
    folded: list[str]
    origin: list[int]
    tokens: list[str]
    number: int = 0  # the block's place in the text

    def quote(self, start: int, length: int) -> str:
        first, last = self.origin[start], self.origin[start + length - 1]
        written = " ".join(self.tokens[first : last + 1])
        return written.strip(" ,.;:()[]\"'“”‘’")


@lru_cache(maxsize=100_000)
def _fold_token(token: str) -> tuple[str, ...]:
    return tuple(fold(token, org=True).split())


def words_of(block: Block) -> Words:
    tokens = block.text.split()
    folded, origin = [], []
    for index, token in enumerate(tokens):
        for word in _fold_token(token):
            folded.append(word)
            origin.append(index)
    return Words(block, folded, origin, tokens)


def name_words(name: str) -> tuple[str, ...]:
    return tuple(fold(name, org=True).split())


@lru_cache(maxsize=100_000)
def name_variants(name: str, kind: str) -> frozenset[tuple[str, ...]]:
    """The word sequences that say a name is present: a person's name without
    titles or suffixes, and first and last name alone ("John Q. Smith" is
    also "John Smith"); an organisation's name with and without its legal
    form ("Globex Corporation" is also "Globex"). Sequences too short or too
    common to mean the name are left out."""
    words = name_words(name)
    variants = {words}
    if kind == "organization":
        core = list(words)
        while core and core[-1] in LEGAL_FORM_WORDS:
            core.pop()
        if core and core[0] == "the":
            core.pop(0)
        variants.add(tuple(core))
    else:
        core = [w for w in words if w not in TITLES and w not in SUFFIXES]
        variants.add(tuple(core))
        if len(core) > 2:
            variants.add((core[0], core[-1]))
    return frozenset(v for v in variants if _distinctive(v))


def _distinctive(words: tuple[str, ...]) -> bool:
    if not words or len(" ".join(words)) < MIN_NAME_CHARS:
        return False
    return not all(w in COMMON_WORDS for w in words)


Found = tuple[Words, int, int]  # where, first word, number of words


class Occurrences:
    """Where each of a set of word sequences (names) first stands in the text.
    One pass over the words; at each word only the lengths of the names that
    begin with it are tried, so ten thousand names cost little more than
    ten."""

    def __init__(self, wanted: Iterable[tuple[str, ...]], blocks: Iterable[Block]):
        wanted = {seq for seq in wanted if seq}
        lengths: dict[str, set[int]] = {}
        for seq in wanted:
            lengths.setdefault(seq[0], set()).add(len(seq))
        self.first: dict[tuple[str, ...], tuple[Words, int]] = {}
        for number, block in enumerate(blocks):
            words = words_of(block)
            words.number = number
            folded = words.folded
            for start, word in enumerate(folded):
                for length in lengths.get(word, ()):
                    seq = tuple(folded[start : start + length])
                    if seq in wanted and seq not in self.first:
                        self.first[seq] = (words, start)

    def has(self, seq: tuple[str, ...]) -> bool:
        return seq in self.first

    def find(self, variants: Iterable[tuple[str, ...]]) -> Found | None:
        """The longest of ``variants`` that occurs."""
        for variant in sorted(variants, key=len, reverse=True):
            if variant in self.first:
                words, start = self.first[variant]
                return words, start, len(variant)
        return None


def name_findings(version, text: Text, matter, *, scope) -> list[Finding]:
    firm = version.document.firm
    rows = list(
        MatterParty.objects.for_firm(firm)
        .filter(Q(matter=matter) | Q(role__in=OTHER_MATTER_ROLES))
        # A fixed order, so the same draft gives the same list every time (a
        # submission matches explanations to findings by their place).
        .order_by("pk")
        .values_list(
            "matter_id", "role", "contact_id", "contact__name", "contact__kind"
        )
    )
    here = [r for r in rows if r[0] == matter.pk]
    wanted = {name_words(name) for _, _, _, name, _ in here}
    if scope is not None:
        wanted.update(
            variant
            for _, _, _, name, kind in rows
            for variant in name_variants(name, kind)
        )
    found = Occurrences(wanted, text.blocks())
    result = _recorded_name_findings(version, text, here, found)
    if scope is not None:
        result += _other_matter_findings(rows, matter, here, found, scope=scope)
    return result


def _merged_values(version) -> list[str]:
    """The values merged into this document: the version's own, or those of
    the latest generated version (an upload that fixes a draft keeps no
    record of its own)."""
    values = version.merge_values
    if not values:
        values = (
            version.document.versions.exclude(merge_values={})
            .order_by("-number")
            .values_list("merge_values", flat=True)
            .first()
        ) or {}
    return [str(v) for v in values.values() if v] if isinstance(values, dict) else []


def _recorded_name_findings(
    version, text: Text, here, found: Occurrences
) -> list[Finding]:
    merged = [name_words(value) for value in _merged_values(version)]
    if not merged:
        return []
    result = []
    seen = set()
    for _, role, contact_id, name, _ in here:
        if role not in RECORDED_ROLES or (contact_id, role) in seen:
            continue
        seen.add((contact_id, role))
        recorded = name_words(name)
        if not recorded or not any(_contains(value, recorded) for value in merged):
            continue
        if found.has(recorded):
            continue
        instead = _near_match(text, recorded)
        also = (
            f" “{instead[0]}” appears in {instead[1]} instead: is it meant to "
            "be the same?"
            if instead
            else ""
        )
        result.append(
            Finding(
                PARTY_NOT_AS_RECORDED,
                f"The {RECORDED_ROLES[role]}’s name as recorded on the matter, "
                f"“{name}”, does not appear in the document.{also} Write the "
                "name exactly as recorded and upload a new version, or explain "
                "why it differs.",
            )
        )
    return result


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _near_match(text: Text, recorded: tuple[str, ...]) -> tuple[str, str] | None:
    """The closest words to the recorded name (a misspelling, a dropped
    middle name), if one is close enough to name."""
    target = " ".join(recorded)
    best: tuple[float, str, str] | None = None
    for block in text.blocks():
        words = words_of(block)
        for length in {len(recorded) - 1, len(recorded), len(recorded) + 1}:
            if length < 1:
                continue
            for start in range(len(words.folded) - length + 1):
                candidate = " ".join(words.folded[start : start + length])
                score = fuzz.ratio(target, candidate, score_cutoff=80)
                if score and (best is None or score > best[0]):
                    best = (score, words.quote(start, length), block.where)
    return (best[1], best[2]) if best else None


def _other_matter_findings(
    rows, matter, here, occurrences: Occurrences, *, scope
) -> list[Finding]:
    here_contacts = {contact_id for _, _, contact_id, _, _ in here}
    own = set()
    for _, _, _, name, kind in here:
        own |= name_variants(name, kind)
    own |= name_variants(scope.firm.name, "organization")
    hits: dict[tuple[str, ...], tuple[tuple[int, int], str, str, set[int]]] = {}
    for matter_id, _, contact_id, name, kind in rows:
        if matter_id == matter.pk or contact_id in here_contacts:
            continue
        found = occurrences.find(name_variants(name, kind) - own)
        if found is None:
            continue
        words, start, length = found
        # Quote the legal form too when the text has one ("Globex Corp.").
        while (
            start + length < len(words.folded)
            and words.folded[start + length] in LEGAL_FORM_WORDS
        ):
            length += 1
        key = tuple(words.folded[start : start + length])
        quote = words.quote(start, length)
        place = (words.number, start)
        hits.setdefault(key, (place, quote, words.block.where, set()))[3].add(matter_id)
    if not hits:
        return []
    matter_ids = set().union(*(ids for *_, ids in hits.values()))
    visible = set(
        Matter.objects.in_scope(scope)
        .filter(pk__in=matter_ids)
        .values_list("pk", flat=True)
    )
    result = []
    for _, quote, where, ids in sorted(hits.values(), key=lambda hit: hit[0]):
        if not ids & visible:
            continue
        result.append(
            Finding(
                OTHER_MATTER_PARTY,
                f"“{quote}” in {where} is a party of another matter the firm "
                "handles, not of this one. If it came from another letter, "
                "replace it and upload a new version; if the name belongs here, "
                "explain why.",
            )
        )
    return result


# --- 4. Dates ----------------------------------------------------------------

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_ORD = r"(?:st|nd|rd|th)?"
_DATE = (
    rf"{_WEEKDAY}(?:{_MONTH}\s+\d{{1,2}}{_ORD},?\s+\d{{4}}"  # January 5, 2026
    # the 5th day of January, 2026
    rf"|(?:the\s+)?\d{{1,2}}{_ORD}\s+(?:day\s+)?(?:of\s+)?{_MONTH},?\s+\d{{4}}"
    r"|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"  # 1/5/2026, 1/5/26
    r"|\d{4}-\d{2}-\d{2})"  # 2026-01-05
)
# Phrases that put a deadline or a hearing on the date after them.
_DEADLINE = re.compile(
    r"""
    \b(?P<phrase>
        no\ later\ than | not\ later\ than | on\ or\ before
      | (?:respond|reply|answer|pay|paid|received|due)\ (?:on\ or\ before|by|on)
      | due\ date\ (?:of|is) | deadline\ (?:of|is) | deadline:
      | (?:hearing|trial|conference|deposition|mediation)
        \ (?:is\ )?(?:set\ |scheduled\ )?(?:for|on)
      | by
    )
    \s+(?:close\ of\ business\ on\s+|(?:5|five)\ ?(?:p\.?m\.?)\ on\s+)?
    """
    + rf"(?P<date>{_DATE})(?![\d/])",
    re.VERBOSE | re.IGNORECASE,
)


def parse_date(text: str, *, dayfirst: bool = False) -> datetime.date | None:
    """A date as a person or the drafting part wrote it (ISO, "January 5,
    2026", "5 January 2026", "01/05/2026"), or None."""
    text = re.sub(r"^the\s+|\bday\s+of\b", "", text.strip(), flags=re.IGNORECASE)
    if not text:
        return None
    if _ISO.fullmatch(text):
        # dateutil would read 2026-01-05 as the 1st of May when told that
        # days come first.
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return None
    try:
        parsed = date_parser.parse(
            text, dayfirst=dayfirst, fuzzy=False, default=_NO_DEFAULT
        )
    except (ValueError, OverflowError):
        return None
    return None if parsed.year == _NO_DEFAULT.year else parsed.date()


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
# dateutil fills what a date leaves out from ``default``: a year no one writes
# marks a date without one ("March 5"), which is not guessed.
_NO_DEFAULT = datetime.datetime(1, 1, 1)


def deadline_dates_in(text: str, *, dayfirst: bool = False):
    """Each (phrase as written, date) in ``text`` where a phrase such as "no
    later than", "on or before", "respond by" or "hearing on" stands before
    a date."""
    for match in _DEADLINE.finditer(text):
        date = parse_date(match.group("date"), dayfirst=dayfirst)
        if date is not None:
            yield match.group(0).strip(), date


def past_deadlines_in(text: str, today: datetime.date, *, dayfirst: bool = False):
    return [
        (phrase, date)
        for phrase, date in deadline_dates_in(text, dayfirst=dayfirst)
        if date < today
    ]


def future_date_answers(version, template, *, dayfirst: bool):
    """Each answered question of kind ``future_date``: (its label as a
    subject, the answer as written, the date it gives or None)."""
    if template is None:
        return
    values = version.merge_values or {}
    for question in template.questions or []:
        if not isinstance(question, dict) or question.get("kind") != "future_date":
            continue
        name = question.get("name")
        answer = str(values.get(name) or "").strip()
        if answer:  # an empty answer is reported as an empty value
            what = _sentence_start(question.get("label") or _readable(name))
            yield what, answer, parse_date(answer, dayfirst=dayfirst)


def question_date_findings(answers, today: datetime.date) -> list[Finding]:
    result = []
    for what, answer, date in answers:
        if date is None:
            result.append(
                Finding(
                    UNREADABLE_DATE,
                    f"{what} should be a date, but the answer was "
                    f"“{_short(answer)}”. Generate the draft again with a date, "
                    "or explain.",
                )
            )
        elif date < today:
            result.append(
                Finding(
                    PAST_DATE,
                    f"{what} is {_long(date)}, which has already passed. Generate "
                    "the draft again with a date after today, or explain why a "
                    "past date is right.",
                )
            )
    return result


def text_date_findings(
    text: Text, today: datetime.date, dayfirst: bool, *, skip: set[datetime.date]
) -> list[Finding]:
    result = []
    for block in text.blocks():
        for phrase, date in past_deadlines_in(block.text, today, dayfirst=dayfirst):
            if date in skip:
                continue
            result.append(
                Finding(
                    PAST_DATE,
                    f"“{_short(phrase)}” in {block.where} gives a date that has "
                    f"already passed ({_long(date)}). Put a date after today and "
                    "upload a new version, or explain why a past date is right.",
                )
            )
    return result


def _day_first(firm) -> bool:
    """Dates like 05/01/2026 are read month first in the United States and
    day first elsewhere, by the firm's jurisdiction."""
    country = (getattr(firm, "jurisdiction", "") or "US").partition("-")[0].upper()
    return country not in {"US", "PH", ""}


def _long(date: datetime.date) -> str:
    return f"{date:%B} {date.day}, {date.year}"


# --- 5. Signature ------------------------------------------------------------

_CLOSING = re.compile(
    r"/s/|\b(?:sincerely|respectfully submitted|respectfully yours|very truly yours"
    r"|yours very truly|yours truly|yours faithfully|yours sincerely|cordially"
    r"|kind regards|best regards)\b",
    re.IGNORECASE,
)
_NAME_LINE = re.compile(r"^[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*,?){1,5}$")


def _signature_area(body: list[Block]) -> int:
    """The index of the first block of the signature area."""
    return max(0, len(body) - SIGNATURE_AREA)


def has_signature_block(tail: list[Block]) -> bool:
    """A closing ("Sincerely", "Respectfully submitted", "/s/"…) or a line to
    sign followed by a name."""
    for i, block in enumerate(tail):
        if _CLOSING.search(block.text):
            return True
        if _BLANK.search(block.text) and is_hand_line(block.text, signature_area=True):
            after = tail[i + 1].text if i + 1 < len(tail) else ""
            label = re.sub(r"^(?:name|print(?:ed)? name)\s*:\s*", "", after, flags=re.I)
            if _NAME_LINE.match(label.strip()):
                return True
    return False


def signature_findings(text: Text, matter) -> list[Finding]:
    if not text.body:
        return []
    tail = text.body[_signature_area(text.body) :]
    if not has_signature_block(tail):
        attorney = _attorney_name(matter)
        who = f" with {attorney}’s name" if attorney else ""
        return [
            Finding(
                NO_SIGNATURE,
                "There is no signature block near the end of the document (a "
                "closing such as “Sincerely” or “Respectfully submitted”, or a "
                f"line to sign followed by a name). Add one{who} and upload a "
                "new version, or explain why it needs none.",
            )
        ]
    attorney = _attorney_name(matter)
    variants = name_variants(attorney, "person") if attorney else set()
    if variants and Occurrences(variants, tail).find(variants) is None:
        return [
            Finding(
                SIGNATURE_WITHOUT_ATTORNEY,
                f"The signature block does not name {attorney}, the matter’s "
                "responsible attorney. Add their name and upload a new version, "
                "or explain who signs instead.",
            )
        ]
    return []


def _attorney_name(matter) -> str:
    attorney = getattr(matter, "responsible_attorney", None)
    return attorney.full_name.strip() if attorney is not None else ""


# --- Wording -----------------------------------------------------------------


def _join(items: list[str]) -> str:
    if len(items) > 3:
        items = [*items[:3], f"{len(items) - 3} more places"]
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _short(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"
