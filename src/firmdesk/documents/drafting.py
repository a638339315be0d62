"""Word templates: the fields a template may use, the check of a template
before use, and the merge that makes a draft (docs/documents-templates.md).

A template may use ``{{ client_name }}`` tags (docxtpl, Jinja) and Word
MERGEFIELD fields (docx-mailmerge2), even both in one file. Every field is a
flat snake_case name from ``CATALOGUE``, or a question the firm declared on the
template. Names are matched without regard to case, spaces or underscores, so
``ClientName``, ``Client_Name`` and ``client_name`` are the same field.

Everything here works on bytes in memory: no client data touches a temporary
file.
"""

import datetime
import difflib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from docx import Document as WordDocument
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2 import meta as jinja_meta
from jinja2.sandbox import SandboxedEnvironment
from mailmerge import MailMerge

from firmdesk.matters.models import ContactRelationship, MatterParty

# --- The field catalogue -------------------------------------------------------

MATTER = "Matter"
CLIENT = "Client"
PARTIES = "Parties"
ATTORNEY = "Responsible attorney"
FIRM = "Firm"
DATES = "Dates"

GROUPS = (MATTER, CLIENT, PARTIES, ATTORNEY, FIRM, DATES)

# today + N days: the periods letters usually give.
DAY_OFFSETS = (7, 10, 14, 21, 30, 60, 90)


@dataclass(frozen=True)
class Field:
    """One field a template may use. ``asked``: FirmDesk keeps no record of
    it (yet), so whoever generates a draft types it, like a question."""

    name: str
    label: str
    example: str
    group: str
    asked: bool = False


CATALOGUE: tuple[Field, ...] = (
    Field("matter_number", "Matter number", "M-2026-014", MATTER),
    Field("matter_title", "Matter title", "Lopez v. Acme Logistics", MATTER),
    Field("practice_area", "Practice area", "Personal injury", MATTER),
    Field("matter_opened_date", "Date the matter was opened", "March 2, 2026", MATTER),
    Field(
        "court_name",
        "Court (asked when generating)",
        "Supreme Court of the State of New York, County of Kings",
        MATTER,
        asked=True,
    ),
    Field(
        "case_number",
        "Court case or index number (asked when generating)",
        "Index No. 512345/2026",
        MATTER,
        asked=True,
    ),
    Field("client_name", "Client's name", "Maria Lopez", CLIENT),
    Field(
        "client_address",
        "Client's address",
        "14 Elm Street\nBrooklyn, NY 11201",
        CLIENT,
    ),
    Field("client_email", "Client's e-mail", "maria.lopez@example.com", CLIENT),
    Field("client_phone", "Client's phone", "+1 718 555 0142", CLIENT),
    Field(
        "client_salutation",
        "Greeting for the client",
        "Dear Maria Lopez",
        CLIENT,
    ),
    Field(
        "adverse_parties",
        "Adverse parties, joined",
        "Acme Logistics Inc. and Delta Freight LLC",
        PARTIES,
    ),
    Field("opposing_counsel", "Opposing counsel's name", "Dana Whitfield", PARTIES),
    Field(
        "opposing_counsel_firm",
        "Opposing counsel's firm",
        "Whitfield & Crane LLP",
        PARTIES,
    ),
    Field(
        "all_parties",
        "Every party with their role",
        "Maria Lopez (client); Acme Logistics Inc. (adverse party)",
        PARTIES,
    ),
    Field("attorney_name", "Responsible attorney's name", "Owen Ortiz", ATTORNEY),
    Field("attorney_email", "Responsible attorney's e-mail", "owen@hale.law", ATTORNEY),
    Field(
        "attorney_bar_number",
        "Attorney's bar number (asked when generating)",
        "NY Bar No. 5123456",
        ATTORNEY,
        asked=True,
    ),
    Field(
        "attorney_signature_block",
        "Signature block",
        "Owen Ortiz\nHale & Ortiz LLP\nowen@hale.law",
        ATTORNEY,
    ),
    Field("firm_name", "Firm's name", "Hale & Ortiz LLP", FIRM),
    Field(
        "firm_address",
        "Firm's address (asked when generating)",
        "200 Court Street\nBrooklyn, NY 11201",
        FIRM,
        asked=True,
    ),
    Field(
        "firm_phone",
        "Firm's phone (asked when generating)",
        "+1 718 555 0100",
        FIRM,
        True,
    ),
    Field(
        "firm_website",
        "Firm's website (asked when generating)",
        "www.hale-ortiz.law",
        FIRM,
        asked=True,
    ),
    Field("today", "Today, written out", "December 6, 2026", DATES),
    Field("today_short", "Today, as digits", "12/06/2026", DATES),
    *(
        Field(
            f"date_plus_{days}",
            f"{days} days from today",
            (datetime.date(2026, 12, 6) + datetime.timedelta(days=days)).strftime(
                "%B %-d, %Y"
            ),
            DATES,
        )
        for days in DAY_OFFSETS
    ),
)

BY_NAME = {f.name: f for f in CATALOGUE}


def squash(name: str) -> str:
    """The form names are compared in: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def snake(name: str) -> str:
    """``ClientName`` → ``client_name``; ``Amount Demanded`` → ``amount_demanded``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


_BY_SQUASHED = {squash(f.name): f for f in CATALOGUE}


def catalogue_field(name: str) -> Field | None:
    """The catalogue's field for a name as a template writes it, if any."""
    return _BY_SQUASHED.get(squash(name))


def suggestion(name: str, extra: Iterable[str] = ()) -> str | None:
    """The known name closest to a misspelt one (“did you mean …?”)."""
    names = [f.name for f in CATALOGUE] + list(extra)
    squashed = {squash(n): n for n in names}
    close = difflib.get_close_matches(squash(name), list(squashed), n=1, cutoff=0.75)
    return squashed[close[0]] if close else None


# --- Questions ------------------------------------------------------------------

QUESTION_KINDS = {
    "text": "Text",
    "date": "A date",
    "future_date": "A date after today",
    "money": "An amount of money",
}


@dataclass(frozen=True)
class Question:
    name: str
    label: str
    kind: str

    @property
    def kind_label(self) -> str:
        return QUESTION_KINDS.get(self.kind, self.kind)


def format_answer(kind: str, value) -> str:
    """The text a question's answer merges as. Dates are written out
    (“January 15, 2027”), money with its currency sign and cents."""
    if value in (None, ""):
        return ""
    if kind in ("date", "future_date"):
        if isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        return long_date(value)
    if kind == "money":
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return f"${amount:,.2f}"
    return str(value).strip()


def answer_from_text(kind: str, text: str) -> str:
    """The answer, as a form takes it, that ``format_answer`` wrote as
    ``text``: the inverse for dates and money, the text itself otherwise."""
    if not text:
        return ""
    if kind in ("date", "future_date"):
        try:
            return datetime.datetime.strptime(text, "%B %d, %Y").date().isoformat()
        except ValueError:
            return ""
    if kind == "money":
        return text.replace("$", "").replace(",", "")
    return text


def long_date(day: datetime.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def short_date(day: datetime.date) -> str:
    return f"{day:%m/%d/%Y}"


# --- Values from the records -----------------------------------------------------


def _joined(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _phone(contact) -> str:
    return (contact.phones or [""])[0] if contact else ""


def record_values(*, scope, matter, today: datetime.date) -> dict[str, str]:
    """Every catalogue field that FirmDesk records, as the text it merges as,
    for ``matter``, read as ``scope`` may see it (the caller has checked the
    person may see the matter). Fields it does not record are left out
    (``asked``)."""
    firm = matter.firm
    parties = list(
        MatterParty.objects.in_scope(scope)
        .filter(matter=matter)
        .select_related("contact")
        .order_by("created_at", "pk")
    )
    by_role: dict[str, list] = {}
    for party in parties:
        by_role.setdefault(party.role, []).append(party.contact)
    clients = by_role.get(MatterParty.Role.CLIENT, [])
    client = clients[0] if clients else None
    counsel = by_role.get(MatterParty.Role.OPPOSING_COUNSEL, [])
    counsel_firms = _counsel_firms(scope, counsel)
    attorney = matter.responsible_attorney
    values = {
        "matter_number": matter.number,
        "matter_title": matter.title,
        "practice_area": matter.practice_area,
        "matter_opened_date": long_date(matter.opened_on) if matter.opened_on else "",
        "client_name": _joined([c.name for c in clients]),
        "client_address": client.address.strip() if client else "",
        "client_email": (client.emails or [""])[0] if client else "",
        "client_phone": _phone(client),
        "client_salutation": _salutation(client),
        "adverse_parties": _joined(
            [c.name for c in by_role.get(MatterParty.Role.ADVERSE, [])]
        ),
        "opposing_counsel": _joined([c.name for c in counsel]),
        "opposing_counsel_firm": _joined(counsel_firms),
        "all_parties": "; ".join(
            f"{p.contact.name} ({p.get_role_display().lower()})" for p in parties
        ),
        "attorney_name": attorney.full_name if attorney else "",
        "attorney_email": attorney.email if attorney else "",
        "attorney_signature_block": "\n".join(
            line
            for line in (
                attorney.full_name if attorney else "",
                firm.name,
                attorney.email if attorney else "",
            )
            if line
        ),
        "firm_name": firm.name,
        "today": long_date(today),
        "today_short": short_date(today),
    }
    for days in DAY_OFFSETS:
        values[f"date_plus_{days}"] = long_date(today + datetime.timedelta(days=days))
    return values


def _salutation(client) -> str:
    if client is None:
        return ""
    if client.kind == client.Kind.ORGANIZATION:
        return "Dear Sir or Madam"
    return f"Dear {client.name}"


def _counsel_firms(scope, counsel: list) -> list[str]:
    """The firm of each opposing counsel: the organisation recorded as their
    employer (when ``scope`` may see that link), or the counsel itself when it
    is an organisation."""
    names: list[str] = []
    people = [c for c in counsel if c.kind != c.Kind.ORGANIZATION]
    names += [c.name for c in counsel if c.kind == c.Kind.ORGANIZATION]
    if people:
        employers = (
            ContactRelationship.objects.in_scope(scope)
            .filter(kind=ContactRelationship.Kind.EMPLOYER, to_contact__in=people)
            .select_related("from_contact")
        )
        names += [r.from_contact.name for r in employers]
    return list(dict.fromkeys(names))


# --- Reading a template ---------------------------------------------------------

_PARAGRAPH = re.compile(r"<w:p([ >])")
_TAG = re.compile(r"<[^>]+>")
_DOCXTPL_PREFIX = re.compile(r"({[{%])([prct])(?=\s)")


class NotAWordFile(ValueError):
    """The bytes are not a .docx that Word or python-docx can open."""


@dataclass
class Inspection:
    """What a template file contains: the fields it uses, as written and in
    order of first use, and a ``{{ }}`` syntax error in plain words."""

    fields: list[str] = field(default_factory=list)
    syntax_error: str = ""
    uses_tags: bool = False
    uses_mergefields: bool = False


def _xml_parts(data: bytes) -> list[tuple[str, str]]:
    """(where, xml) of the body, headers and footers of a .docx."""
    try:
        word = WordDocument(io.BytesIO(data))
    except Exception as error:  # python-docx raises several kinds
        raise NotAWordFile(str(error)) from error
    tpl = DocxTemplate.__new__(DocxTemplate)
    parts = [("the body", tpl.xml_to_string(word._element.body))]
    for rel in word.part.rels.values():
        if rel.reltype in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):
            where = "a header" if rel.reltype == DocxTemplate.HEADER_URI else "a footer"
            parts.append((where, tpl.xml_to_string(parse_xml(rel.target_part.blob))))
    return [(where, tpl.patch_xml(xml)) for where, xml in parts]


def _jinja() -> SandboxedEnvironment:
    """Templates are written by the firm's people, not FirmDesk's: the sandbox
    keeps a tag from reaching Python's internals (``{{ x.__class__ }}``)."""
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def _paragraph_text(line: str) -> str:
    text = _TAG.sub("", line)
    return re.sub(r"\s+", " ", text).strip()


def _syntax_error(where: str, xml: str, error: TemplateSyntaxError) -> str:
    lines = xml.splitlines()
    text = ""
    if error.lineno and 0 < error.lineno <= len(lines):
        text = _paragraph_text(lines[error.lineno - 1])
    near = f" in the paragraph “{text[:160]}”" if text else ""
    return (
        f"A {{{{ }}}} tag in {where} is not written correctly{near}: "
        f"{error.message}. Check that every {{{{ has its }}}} and every "
        "{% has its %}, fix it in Word and upload the file again."
    )


def inspect(data: bytes) -> Inspection:
    """Read a template's fields and check its ``{{ }}`` syntax. Raises
    NotAWordFile for bytes that are not a .docx."""
    result = Inspection()
    found: dict[str, None] = {}
    env = _jinja()
    for where, xml in _xml_parts(data):
        source = _PARAGRAPH.sub(r"\n<w:p\1", _DOCXTPL_PREFIX.sub(r"\1", xml))
        if "{{" in source or "{%" in source:
            result.uses_tags = True
        try:
            tree = env.parse(source)
        except TemplateSyntaxError as error:
            if not result.syntax_error:
                result.syntax_error = _syntax_error(where, source, error)
            continue
        # find_undeclared_variables gives a set; keep the order of the file.
        names = jinja_meta.find_undeclared_variables(tree)
        for name in sorted(names, key=lambda n: source.find(n)):
            found.setdefault(name, None)
    try:
        with MailMerge(io.BytesIO(data)) as merge:
            mergefields = merge.get_merge_fields()
    except Exception as error:
        raise NotAWordFile(str(error)) from error
    result.uses_mergefields = bool(mergefields)
    for name in sorted(mergefields):
        found.setdefault(name, None)
    result.fields = list(found)
    return result


@dataclass
class Check:
    """A template's fields sorted out: filled from the records, asked of the
    person generating (declared questions and ``asked`` catalogue fields), and
    unknown (with a suggestion). A template with any unknown field or a
    syntax error cannot be used."""

    known: list[tuple[str, Field]]
    questions: list[Question]
    unknown: list[tuple[str, str | None]]
    syntax_error: str = ""

    @property
    def usable(self) -> bool:
        return not self.unknown and not self.syntax_error

    def refusal(self) -> str:
        """Why the template cannot be used yet, in words for the person who
        tried."""
        if self.syntax_error:
            return self.syntax_error
        names = ", ".join(f"“{name}”" for name, _ in self.unknown)
        return (
            f"This template uses fields FirmDesk does not know: {names}. A firm "
            "admin or attorney corrects them in the template, or declares them "
            "as questions on the template's check page, before it can be used."
        )


def check(fields: list[str], declared: list[dict], syntax_error: str = "") -> Check:
    """Sort ``fields`` (as the template writes them) against the catalogue and
    the questions the firm declared."""
    declared_by = {squash(q["name"]): q for q in declared}
    known: list[tuple[str, Field]] = []
    questions: list[Question] = []
    unknown: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for name in fields:
        key = squash(name)
        if key in seen:
            continue
        seen.add(key)
        question = declared_by.get(key)
        catalogued = catalogue_field(name)
        if question is not None:
            questions.append(Question(snake(name), question["label"], question["kind"]))
        elif catalogued is not None and catalogued.asked:
            questions.append(Question(catalogued.name, catalogued.label, "text"))
        elif catalogued is not None:
            known.append((name, catalogued))
        else:
            unknown.append((name, suggestion(name, [q["name"] for q in declared])))
    # Ask in the order the firm declared the questions; asked fields after.
    order = {squash(q["name"]): i for i, q in enumerate(declared)}
    questions.sort(key=lambda q: order.get(squash(q.name), len(order)))
    return Check(known, questions, unknown, syntax_error)


# --- Merging ----------------------------------------------------------------------


def merge(data: bytes, fields: list[str], values: dict[str, str]) -> bytes:
    """The template ``data`` with every field filled: ``values`` maps each
    field's canonical name (``canonical``) to its text; a missing or empty
    value renders blank. ``{{ }}`` tags are rendered first, with XML escaping
    (a value is text, never markup or a tag), then MERGEFIELDs, whose values
    are inserted as text by docx-mailmerge2; so nothing a value contains is
    ever read as a field."""
    as_written = {name: values.get(canonical(name), "") for name in fields}
    out = io.BytesIO()
    tpl = DocxTemplate(io.BytesIO(data))
    try:
        tpl.render(as_written, jinja_env=_jinja(), autoescape=True)
    except TemplateError as error:
        raise MergeFailed(str(error)) from error
    tpl.save(out)
    with MailMerge(io.BytesIO(out.getvalue())) as mailmerge:
        present = mailmerge.get_merge_fields()
        mailmerge.merge(**{name: as_written.get(name, "") for name in present})
        result = io.BytesIO()
        mailmerge.write(result)
    return result.getvalue()


class MergeFailed(RuntimeError):
    """The template could not be rendered (its check should have said why)."""


def canonical(name: str) -> str:
    """The one name a field goes by in a draft's merge values: the catalogue's
    name, or a question's name in snake_case."""
    catalogued = catalogue_field(name)
    return catalogued.name if catalogued else snake(name)
