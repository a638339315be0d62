"""Rows of firm A (and firm B) that registry_documents_shares.py and
registry_documents_public_shares.py point at: a final document on firm A's matter
with an active share link, and the same in firm B. A link's token is kept only as
its SHA-256, so the fixtures keep the token the service handed back."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from firmdesk.access.scope import resolve_scope
from firmdesk.documents import sharing
from firmdesk.documents.models import Document
from firmdesk.documents.services import document_upload

__all__ = [
    "share_document",
    "share_link_and_token",
    "share_link",
    "share_token",
    "share_other_document",
    "share_other_link",
]


def _final(firm, actor, matter, name):
    document = document_upload(
        firm=firm,
        actor=actor,
        uploaded_file=SimpleUploadedFile(name, b"%PDF-1.7\n%%EOF\n"),
        matter=matter,
    )
    Document.objects.for_firm(firm).filter(pk=document.pk).update(
        status=Document.Status.FINAL, finalised_by=actor, finalised_at=timezone.now()
    )
    document.refresh_from_db()
    return document


def _link(actor, document):
    return sharing.share_link_create(
        scope=resolve_scope(actor, document.firm),
        document=document,
        recipient="Dana Reyes",
    )


@pytest.fixture
def share_document(firm, attorney, matter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return _final(firm, attorney, matter, "settlement.pdf")


@pytest.fixture
def share_link_and_token(attorney, share_document):
    return _link(attorney, share_document)


@pytest.fixture
def share_link(share_link_and_token):
    return share_link_and_token[0]


@pytest.fixture
def share_token(share_link_and_token):
    return share_link_and_token[1]


@pytest.fixture
def share_other_document(other_firm, outsider, other_matter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return _final(other_firm, outsider, other_matter, "brandt-deed.pdf")


@pytest.fixture
def share_other_link(outsider, share_other_document):
    return _link(outsider, share_other_document)[0]
