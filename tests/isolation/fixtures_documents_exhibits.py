"""Rows of firm A (and firm B) that registry_documents_exhibits.py points at:
two exhibits on firm A's matter with a gap between them (1 and 3), so moving
and renumbering each change something, and one on firm B's matter."""

import pytest

from firmdesk.documents.models import Exhibit

__all__ = ["exhibit_one", "exhibit_three", "other_exhibit"]


def _exhibit(matter, number, description):
    return Exhibit.unscoped.create(
        firm=matter.firm, matter=matter, number=number, description=description
    )


@pytest.fixture
def exhibit_one(matter):
    return _exhibit(matter, 1, "Lease agreement, signed copy")


@pytest.fixture
def exhibit_three(matter, exhibit_one):
    return _exhibit(matter, 3, "Letter from Acme, March 3")


@pytest.fixture
def other_exhibit(other_matter):
    return _exhibit(other_matter, 1, "Brandt invoice")
