import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"


def upload(name, content=PDF, content_type="application/octet-stream"):
    """What the browser sends. Its content type is deliberately uninformative:
    FirmDesk must not trust it."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def docx_bytes() -> bytes:
    """The smallest package Word would recognise as a .docx."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"/>',
        )
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
