"""FirmDesk's starter templates, written in code with python-docx so that they
are real Word files any firm can open, change and upload again
(docs/documents-templates.md, "Starter templates"). The same code always
makes the same bytes. The demand letter uses Word MERGEFIELDs, in the
spellings Word's mail-merge wizard produces; the others use ``{{ }}`` tags.
Every one ends with the responsible attorney's signature block."""

import datetime
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt

from .drafting_services import as_upload, template_upload
from .models import DocumentTemplate

# A fixed moment for the file's own dates: the same code makes the same bytes.
STAMP = (2026, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Starter:
    key: str
    name: str
    description: str
    build: Callable[[], bytes]
    questions: list[dict] = field(default_factory=list)


def _mergefield(paragraph, name: str) -> None:
    """A Word MERGEFIELD, as Insert › Quick Parts › Field writes it."""
    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" MERGEFIELD {name} '
            f'\\* MERGEFORMAT "><w:r><w:t>«{name}»</w:t></w:r></w:fldSimple>'
        )
    )


def _line(doc, *pieces: str, bold=False, align=None, mergefields=False):
    """A paragraph of text pieces; with ``mergefields``, a piece written
    ``«Name»`` becomes a MERGEFIELD."""
    paragraph = doc.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    for piece in pieces:
        if mergefields and piece.startswith("«") and piece.endswith("»"):
            _mergefield(paragraph, piece[1:-1])
        else:
            paragraph.add_run(piece).bold = bold
    return paragraph


def _new() -> WordDocument:
    doc = WordDocument()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    props = doc.core_properties
    props.author = "FirmDesk"
    props.last_modified_by = "FirmDesk"
    props.revision = 1
    props.created = props.modified = datetime.datetime(*STAMP)
    return doc


def _letterhead(doc) -> None:
    _line(doc, "{{ firm_name }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _line(doc, "{{ today }}")
    _line(doc, "{{ client_name }}")
    _line(doc, "{{ client_address }}")


def _signature(doc, closing: str = "Very truly yours,") -> None:
    _line(doc, closing)
    _line(doc, "")
    _line(doc, "{{ attorney_signature_block }}")


def _saved(doc) -> bytes:
    """The .docx with every ZIP entry stamped with the same date."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=STAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def engagement_letter() -> bytes:
    doc = _new()
    _letterhead(doc)
    _line(doc, "Re: Engagement of counsel — {{ matter_title }} ({{ matter_number }})")
    _line(doc, "{{ client_salutation }}:")
    _line(
        doc,
        "Thank you for choosing {{ firm_name }}. This letter confirms the terms on "
        "which we will represent you.",
    )
    _line(doc, "Scope of the engagement. We will represent you in {{ scope_of_work }}.")
    _line(
        doc,
        "Fees. Our fees are based on the time spent, at {{ hourly_rate }} an hour "
        "for {{ attorney_name }}, who is responsible for your matter. We ask for a "
        "retainer of {{ retainer_amount }}, held in our client trust account.",
    )
    _line(
        doc,
        "If these terms are acceptable, please sign below and return a copy to us "
        "by {{ date_plus_14 }}.",
    )
    _signature(doc)
    _line(doc, "Agreed and accepted:")
    _line(doc, "______________________________  Date: ____________")
    _line(doc, "{{ client_name }}")
    return _saved(doc)


def non_engagement_letter() -> bytes:
    doc = _new()
    _letterhead(doc)
    _line(doc, "Re: {{ matter_title }}")
    _line(doc, "{{ client_salutation }}:")
    _line(
        doc,
        "Thank you for consulting {{ firm_name }}. We write to confirm that we will "
        "not represent you in this matter, and have taken no action on your behalf.",
    )
    _line(
        doc,
        "Any claim you may have is subject to time limits, which may be short. We "
        "express no opinion on the merits or on the time you have; if you wish to "
        "pursue the matter, please consult another lawyer promptly.",
    )
    _line(doc, "We are returning to you any documents you gave us.")
    _signature(doc)
    return _saved(doc)


DEMAND_QUESTIONS = [
    {"name": "amount_demanded", "label": "Amount demanded", "kind": "money"},
    {
        "name": "response_deadline",
        "label": "Date by which they must pay or respond",
        "kind": "future_date",
    },
    {
        "name": "claim_description",
        "label": "What the claim is for (one sentence)",
        "kind": "text",
    },
]


def demand_letter() -> bytes:
    """MERGEFIELDs in Word's own spellings (``ClientName``, ``Firm_Name``):
    FirmDesk matches them to its snake_case names."""
    doc = _new()

    def line(*pieces, **kw):
        return _line(doc, *pieces, mergefields=True, **kw)

    line("«FirmName»", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    line("«Today»")
    line("VIA CERTIFIED MAIL")
    line("«AdverseParties»")
    line("Re: ", "«MatterTitle»", " — demand for payment")
    line("To whom it may concern:")
    line(
        "This firm represents ",
        "«ClientName»",
        " in connection with ",
        "«ClaimDescription»",
        ".",
    )
    line(
        "Demand is hereby made for payment of ",
        "«AmountDemanded»",
        " no later than ",
        "«ResponseDeadline»",
        ".",
    )
    line(
        "If payment is not received by that date, our client has authorised us to "
        "take further action without further notice to you.",
    )
    line("Very truly yours,")
    line("")
    line("«Attorney_Signature_Block»")
    return _saved(doc)


NOTICE_QUESTIONS: list[dict] = []


def notice_of_appearance() -> bytes:
    doc = _new()
    _line(doc, "{{ court_name }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _line(doc, "{{ client_name }},")
    _line(doc, "Plaintiff,")
    _line(doc, "v.")
    _line(doc, "{{ adverse_parties }},")
    _line(doc, "Defendant.")
    _line(doc, "{{ case_number }}")
    _line(doc, "NOTICE OF APPEARANCE", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _line(
        doc,
        "PLEASE TAKE NOTICE that {{ attorney_name }} of {{ firm_name }} hereby "
        "appears as counsel for {{ client_name }} in the above-captioned action, "
        "and requests that all papers be served upon the undersigned.",
    )
    _line(doc, "Dated: {{ today }}")
    _line(doc, "Respectfully submitted,")
    _line(doc, "")
    _line(doc, "{{ attorney_signature_block }}")
    _line(doc, "{{ attorney_bar_number }}")
    _line(doc, "{{ firm_address }}")
    return _saved(doc)


REMINDER_QUESTIONS = [
    {"name": "invoice_number", "label": "Invoice number", "kind": "text"},
    {"name": "amount_due", "label": "Amount due", "kind": "money"},
    {"name": "payment_due_date", "label": "New date to pay by", "kind": "future_date"},
]


def payment_reminder_letter() -> bytes:
    doc = _new()
    _letterhead(doc)
    _line(doc, "Re: Invoice {{ invoice_number }} — {{ matter_title }}")
    _line(doc, "{{ client_salutation }}:")
    _line(
        doc,
        "Our records show that invoice {{ invoice_number }} for {{ amount_due }} "
        "remains unpaid. We would be grateful for payment by {{ payment_due_date }}.",
    )
    _line(
        doc,
        "If you have already paid, please disregard this letter. If you have any "
        "question about the invoice, or wish to arrange payment in instalments, "
        "please call us.",
    )
    _signature(doc, "Sincerely,")
    return _saved(doc)


ENGAGEMENT_QUESTIONS = [
    {
        "name": "scope_of_work",
        "label": "What the firm will do (completes “We will represent you in …”)",
        "kind": "text",
    },
    {"name": "hourly_rate", "label": "Attorney's hourly rate", "kind": "money"},
    {"name": "retainer_amount", "label": "Retainer asked for", "kind": "money"},
]

STARTERS = (
    Starter(
        "engagement_letter",
        "Engagement letter",
        "Confirms the scope of the work, fees and retainer; the client signs it.",
        engagement_letter,
        ENGAGEMENT_QUESTIONS,
    ),
    Starter(
        "non_engagement_letter",
        "Non-engagement letter",
        "Confirms the firm does not take the matter and warns of time limits.",
        non_engagement_letter,
    ),
    Starter(
        "demand_letter",
        "Demand letter",
        "Demands payment by a date (Word MERGEFIELDs).",
        demand_letter,
        DEMAND_QUESTIONS,
    ),
    Starter(
        "notice_of_appearance",
        "Notice of appearance",
        "Court caption from the matter; court and index number asked.",
        notice_of_appearance,
        NOTICE_QUESTIONS,
    ),
    Starter(
        "payment_reminder_letter",
        "Payment reminder letter",
        "Reminds the client of an unpaid invoice.",
        payment_reminder_letter,
        REMINDER_QUESTIONS,
    ),
)


def add_starter_templates(firm, actor) -> int:
    """Add each starter the firm does not have yet (retired ones count as
    had); how many were added. A firm template that already has a starter's
    name keeps it, and the starter is added as “<name> (FirmDesk starter)”."""
    have = set(
        DocumentTemplate.objects.for_firm(firm)
        .exclude(starter="")
        .values_list("starter", flat=True)
    )
    names = {
        n.lower()
        for n in DocumentTemplate.objects.for_firm(firm).values_list("name", flat=True)
    }
    made = 0
    for starter in STARTERS:
        if starter.key in have:
            continue
        name = starter.name
        if name.lower() in names:
            name = f"{name} (FirmDesk starter)"
        template_upload(
            firm=firm,
            actor=actor,
            uploaded_file=as_upload(f"{starter.key}.docx", starter.build()),
            name=name,
            description=starter.description,
            questions=starter.questions,
            starter=starter.key,
        )
        made += 1
    return made
