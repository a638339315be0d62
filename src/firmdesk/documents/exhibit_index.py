"""A matter's exhibit index as a Word file (python-docx) and a PDF (WeasyPrint
from a template), built in memory and handed to the person who asked: the
files are not kept, so nothing of the client's lands on disk.

The PDF needs nothing from outside: its styles are in the template, and the
fetcher refuses every address, so a stray link can neither reach the network
nor read a file.
"""

import io
from dataclasses import dataclass

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document as WordDocument
from docx.shared import Pt
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from firmdesk.audit.services import audit_record
from firmdesk.common.times import day

from .models import Document, Exhibit

PDF_TEMPLATE = "web/documents/exhibits/index_pdf.html"
COLUMNS = ("Number", "Description", "Date", "Status", "Document")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


@dataclass(frozen=True)
class IndexRow:
    number: int
    description: str
    date: str
    status: str
    document: str

    def cells(self) -> tuple[str, ...]:
        return (
            str(self.number),
            self.description,
            self.date,
            self.status,
            self.document,
        )


@dataclass(frozen=True)
class ExhibitIndex:
    firm_name: str
    matter_number: str
    caption: str
    prepared_on: str
    rows: list[IndexRow]

    @property
    def title(self) -> str:
        return f"Exhibit index — {self.matter_number}"

    def filename(self, extension: str) -> str:
        return f"Exhibit index {self.matter_number}.{extension}"


def exhibit_index(scope, matter) -> ExhibitIndex:
    """The index as the viewer may read it: a linked document they may not
    see (none should exist; the link is checked when made) shows no title."""
    exhibits = list(
        Exhibit.objects.in_scope(scope)
        .filter(matter=matter)
        .select_related("document")
        .order_by("number")
    )
    visible = set(
        Document.objects.in_scope(scope)
        .filter(pk__in=[e.document_id for e in exhibits if e.document_id])
        .values_list("pk", flat=True)
    )
    return ExhibitIndex(
        firm_name=scope.firm.name,
        matter_number=matter.number,
        caption=matter.title,
        prepared_on=day(timezone.localdate()),
        rows=[
            IndexRow(
                number=e.number,
                description=e.description,
                date=day(e.date) if e.date else "",
                status=e.get_status_display(),
                document=e.document.title if e.document_id in visible else "",
            )
            for e in exhibits
        ],
    )


def index_docx(index: ExhibitIndex) -> bytes:
    word = WordDocument()
    word.styles["Normal"].font.size = Pt(10)
    word.add_heading(index.title, level=1)
    word.add_paragraph(index.caption).runs[0].bold = True
    word.add_paragraph(f"{index.firm_name} · prepared {index.prepared_on}")
    table = word.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = heading
        cell.paragraphs[0].runs[0].bold = True
    for row in index.rows:
        for cell, text in zip(table.add_row().cells, row.cells(), strict=True):
            cell.text = text
    if not index.rows:
        word.add_paragraph("No exhibits on this matter yet.")
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


class NothingFetched(URLFetcher):
    """The index PDF is self-contained: every address is refused."""

    def fetch(self, url, headers=None):
        raise ValueError(f"The exhibit index fetches nothing: {url}")


def index_pdf(index: ExhibitIndex) -> bytes:
    html = render_to_string(PDF_TEMPLATE, {"index": index, "columns": COLUMNS})
    return HTML(string=html, url_fetcher=NothingFetched()).write_pdf()


def exhibit_index_export(*, scope, matter, kind: str) -> tuple[bytes, str, str]:
    """The index as ``kind`` ("docx" or "pdf"): (bytes, content type, file
    name). The export is in the matter's audit trail."""
    index = exhibit_index(scope, matter)
    if kind == "docx":
        content, content_type = index_docx(index), DOCX
    elif kind == "pdf":
        content, content_type = index_pdf(index), PDF
    else:
        raise ValueError(f"No exhibit index as {kind!r}")
    with transaction.atomic():
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="exhibits.exported",
            obj=matter,
            matter=matter,
            summary=f"Downloaded the exhibit index of {matter.number} as "
            f"{kind.upper()} ({len(index.rows)} exhibits)",
            detail={"format": kind, "exhibits": len(index.rows)},
        )
    return content, content_type, index.filename(kind)
