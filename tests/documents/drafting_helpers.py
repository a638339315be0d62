"""Word templates made in tests with python-docx: ``{{ }}`` paragraphs,
MERGEFIELD paragraphs, and a tag Word split across runs."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document as WordDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls


def mergefield(paragraph, name: str) -> None:
    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" MERGEFIELD {name} '
            f'\\* MERGEFORMAT "><w:r><w:t>«{name}»</w:t></w:r></w:fldSimple>'
        )
    )


def docx(*paragraphs: str, mergefields: tuple[str, ...] = (), split=()) -> bytes:
    """A .docx with one paragraph per text, one per MERGEFIELD name, and for
    each ``split`` text one paragraph whose runs are its pieces."""
    doc = WordDocument()
    for text in paragraphs:
        doc.add_paragraph(text)
    for name in mergefields:
        mergefield(doc.add_paragraph("Field: "), name)
    for pieces in split:
        paragraph = doc.add_paragraph()
        for piece in pieces:
            paragraph.add_run(piece)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_upload(data: bytes, name="template.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def text_of(data: bytes) -> str:
    return "\n".join(p.text for p in WordDocument(io.BytesIO(data)).paragraphs)
