"""Rows of firm A (and firm B) that registry_documents_library.py points at: a
document at each step of its way on the matter opened to the assistant, and
firm B's document for the foreign cases."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from firmdesk.documents.models import Document
from firmdesk.documents.services import document_upload

__all__ = [
    "library_media",
    "library_document",
    "review_document",
    "approved_document",
    "other_library_document",
]


def _document(firm, actor, matter, name, status=Document.Status.DRAFT):
    document = document_upload(
        firm=firm,
        actor=actor,
        uploaded_file=SimpleUploadedFile(name, b"%PDF-1.7\n%%EOF\n"),
        matter=matter,
    )
    if status != Document.Status.DRAFT:
        Document.unscoped.filter(pk=document.pk).update(status=status)
        document.refresh_from_db()
    return document


@pytest.fixture
def library_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def library_document(firm, attorney, matter, library_media):
    """A draft on the matter the assistant was given, added by the attorney."""
    return _document(firm, attorney, matter, "lopez-demand-letter.pdf")


@pytest.fixture
def review_document(firm, attorney, matter, library_media):
    return _document(
        firm, attorney, matter, "lopez-motion.pdf", Document.Status.IN_REVIEW
    )


@pytest.fixture
def approved_document(firm, attorney, matter, library_media):
    return _document(
        firm, attorney, matter, "lopez-settlement.pdf", Document.Status.APPROVED
    )


@pytest.fixture
def other_library_document(other_firm, outsider, other_matter, library_media):
    return _document(other_firm, outsider, other_matter, "brandt-letter.pdf")
