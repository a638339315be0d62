"""The exhibit pages of a matter: the list, adding (with the question before an
insert moves numbers), editing, moving, status, removing, renumbering, the
matter page's section, and the index as .docx and PDF."""

import io
import re

import docx
import pytest
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from firmdesk.audit.models import AuditEvent
from firmdesk.documents.models import Exhibit
from firmdesk.documents.services import document_upload
from firmdesk.matters.models import MatterScreen
from tests import factories as f
from tests.documents.helpers import upload


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def lease(firm, attorney, matter):
    return document_upload(
        firm=firm,
        actor=attorney,
        uploaded_file=upload("lease.pdf"),
        title="Lease of 12 Harbor St",
        matter=matter,
    )


@pytest.fixture
def listed(firm, matter, lease):
    """Exhibits 1, 2 and 4 (3 was removed earlier and its number kept)."""
    rows = [
        (1, "Lease agreement, signed copy", lease, "admitted"),
        (2, "Letter from Acme to M. Lopez", None, "offered"),
        (4, "Photograph of the loading dock", None, "marked"),
    ]
    return [
        Exhibit.unscoped.create(
            firm=firm,
            matter=matter,
            number=number,
            description=description,
            document=document,
            status=status,
        )
        for number, description, document, status in rows
    ]


def _url(name, matter, *extra):
    return reverse(
        f"documents:{name}", args=[matter.firm.slug, matter.public_id, *extra]
    )


def _numbers(matter):
    return list(
        Exhibit.unscoped.filter(matter=matter)
        .order_by("number")
        .values_list("number", "description")
    )


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def signed_in(client, attorney):
    return f.sign_in(client, attorney)


# --- The list -----------------------------------------------------------------------


def test_list_shows_the_exhibits_in_order_with_the_gap_and_what_to_do(
    signed_in, matter, listed
):
    body = _text(signed_in.get(_url("exhibit_list", matter)))
    assert body.index("Lease agreement") < body.index("Letter from Acme")
    assert body.index("Letter from Acme") < body.index("Photograph")
    assert "Lease of 12 Harbor St" in body
    assert "Number 3 is not used." in body
    assert "Renumber 1 to 3" in body
    assert "Add an exhibit" in body


def test_empty_list_says_what_to_do(signed_in, matter):
    body = _text(signed_in.get(_url("exhibit_list", matter)))
    assert "No exhibits on this matter yet — add the first one" in body


def test_list_queries_do_not_grow_with_exhibits(
    signed_in, firm, matter, listed, django_assert_max_num_queries
):
    url = _url("exhibit_list", matter)
    signed_in.get(url)
    for n in range(5, 40):
        Exhibit.unscoped.create(firm=firm, matter=matter, number=n, description="x")
    with django_assert_max_num_queries(14):
        assert signed_in.get(url).status_code == 200


def test_a_screened_attorney_gets_404(client, firm, matter, attorney, listed):
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    f.sign_in(client, attorney)
    for name in ("exhibit_list", "exhibit_index_docx", "exhibit_new"):
        assert client.get(_url(name, matter)).status_code == 404


def test_an_exhibit_of_another_matter_gets_404(signed_in, firm, matter, listed):
    elsewhere = f.MatterFactory(firm=firm, number="M-2026-002")
    url = _url("exhibit_edit", elsewhere, listed[0].public_id)
    assert signed_in.get(url).status_code == 404


# --- Adding ---------------------------------------------------------------------------


def test_add_gives_the_next_number_when_none_is_typed(signed_in, matter, listed):
    form = signed_in.get(_url("exhibit_new", matter))
    assert "Leave empty for the next one (5)" in _text(form)
    response = signed_in.post(
        _url("exhibit_new", matter),
        {"description": "Invoice 1182", "status": "marked"},
    )
    assert response.status_code == 303
    assert _numbers(matter)[-1] == (5, "Invoice 1182")


def test_a_taken_number_asks_first_and_keeps_what_was_typed(signed_in, matter, listed):
    data = {"number": "2", "description": "E-mail of May 2", "status": "marked"}
    response = signed_in.post(_url("exhibit_new", matter), data)
    body = _text(response)
    assert response.status_code == 200
    assert "Exhibit 2 already exists." in body
    assert "Exhibits 2 and 4 become 3 and 5." in body
    assert 'value="E-mail of May 2"' in body
    assert len(_numbers(matter)) == 3

    response = signed_in.post(_url("exhibit_new", matter), {**data, "insert": "2"})
    assert response.status_code == 303
    assert _numbers(matter) == [
        (1, "Lease agreement, signed copy"),
        (2, "E-mail of May 2"),
        (3, "Letter from Acme to M. Lopez"),
        (5, "Photograph of the loading dock"),
    ]
    page = _text(signed_in.get(_url("exhibit_list", matter)))
    assert "Exhibit 2 added. Exhibits 2 and 4 become 3 and 5." in page


def test_a_confirmation_for_another_number_does_not_insert(signed_in, matter, listed):
    """The person changed the number after being asked: ask again."""
    data = {"number": "1", "description": "New", "status": "marked", "insert": "2"}
    response = signed_in.post(_url("exhibit_new", matter), data)
    assert "Exhibit 1 already exists." in _text(response)
    assert len(_numbers(matter)) == 3


def test_errors_are_shown_on_the_fields_and_nothing_typed_is_lost(
    signed_in, firm, matter, listed
):
    other = f.MatterFactory(firm=firm, number="M-2026-002")
    stray = document_upload(
        firm=firm,
        actor=listed[0].matter.responsible_attorney,
        uploaded_file=upload("stray.pdf"),
        matter=other,
    )
    response = signed_in.post(
        _url("exhibit_new", matter),
        {
            "number": "0",
            "description": "",
            "document": str(stray.public_id),
            "notes": "Bring the original",
            "status": "marked",
        },
    )
    body = _text(response)
    assert response.status_code == 200
    assert "Numbers start at 1." in body
    assert "Fill in “Description”." in body
    assert "Choose one of this matter&#x27;s documents." in body
    assert 'value="Bring the original"' in body


def test_the_document_list_offers_only_this_matters_documents(
    signed_in, firm, matter, lease, attorney
):
    other = f.MatterFactory(firm=firm, number="M-2026-002")
    document_upload(
        firm=firm,
        actor=attorney,
        uploaded_file=upload("stray.pdf"),
        title="Stray memo",
        matter=other,
    )
    body = _text(signed_in.get(_url("exhibit_new", matter)))
    assert "Lease of 12 Harbor St" in body and "Stray memo" not in body


# --- Editing, moving, status, removing, renumbering -----------------------------------


def test_edit_changes_the_fields_and_links_a_document(signed_in, matter, listed, lease):
    letter = listed[1]
    response = signed_in.post(
        _url("exhibit_edit", matter, letter.public_id),
        {
            "description": "Letter from Acme, March 3",
            "document": str(lease.public_id),
            "date": "2026-03-03",
            "status": "admitted",
            "notes": "",
        },
    )
    assert response.status_code == 303
    letter.refresh_from_db()
    assert letter.description == "Letter from Acme, March 3"
    assert (letter.document, letter.status, str(letter.date)) == (
        lease,
        "admitted",
        "2026-03-03",
    )


def test_move_up_swaps_numbers_with_the_exhibit_above(signed_in, matter, listed):
    photo = listed[2]
    response = signed_in.post(_url("exhibit_move", matter, photo.public_id, "up"))
    assert response.status_code == 303
    assert _numbers(matter)[1:] == [
        (2, "Photograph of the loading dock"),
        (4, "Letter from Acme to M. Lopez"),
    ]
    assert "Exhibit 4 is now exhibit 2." in _text(
        signed_in.get(_url("exhibit_list", matter))
    )


def test_moving_the_first_up_says_why_not(signed_in, matter, listed):
    signed_in.post(_url("exhibit_move", matter, listed[0].public_id, "up"))
    body = _text(signed_in.get(_url("exhibit_list", matter)))
    assert "Exhibit 1 is already the first." in body


def test_an_unknown_direction_is_not_a_page(signed_in, matter, listed):
    url = _url("exhibit_move", matter, listed[0].public_id, "sideways")
    assert signed_in.post(url).status_code == 404


def test_status_is_changed_from_the_list(signed_in, firm, matter, listed):
    url = _url("exhibit_status", matter, listed[2].public_id)
    assert signed_in.post(url, {"status": "withdrawn"}).status_code == 303
    listed[2].refresh_from_db()
    assert listed[2].status == "withdrawn"
    event = AuditEvent.objects.get(org=firm, action="exhibit.changed")
    assert event.detail["changed"] == {"status": ["marked", "withdrawn"]}


def test_remove_asks_then_keeps_the_numbers_by_default(signed_in, matter, listed):
    url = _url("exhibit_remove", matter, listed[1].public_id)
    body = _text(signed_in.get(url))
    assert "Remove exhibit 2?" in body
    assert "Exhibit 4 becomes 3." in body
    assert signed_in.post(url, {"close_gap": "0"}).status_code == 303
    assert [n for n, _ in _numbers(matter)] == [1, 4]


def test_remove_and_renumber_closes_the_gap_after_it(signed_in, matter, listed):
    url = _url("exhibit_remove", matter, listed[0].public_id)
    signed_in.post(url, {"close_gap": "1"})
    assert _numbers(matter) == [
        (1, "Letter from Acme to M. Lopez"),
        (3, "Photograph of the loading dock"),
    ]


def test_renumber_shows_what_changes_then_does_it(signed_in, matter, listed):
    url = _url("exhibits_renumber", matter)
    body = _text(signed_in.get(url))
    assert re.search(r"<td[^>]*>4</td><td[^>]*>3</td>", body)
    assert signed_in.post(url).status_code == 303
    assert [n for n, _ in _numbers(matter)] == [1, 2, 3]


# --- A closed matter, and the matter page ---------------------------------------------


def test_a_closed_matters_list_is_read_only_and_says_so(signed_in, matter, listed):
    matter.status = "closed"
    matter.save()
    body = _text(signed_in.get(_url("exhibit_list", matter)))
    assert "is closed: the list can be read and exported, not changed" in body
    assert "Add an exhibit" not in body and "Remove" not in body
    response = signed_in.post(
        _url("exhibit_new", matter), {"description": "Late", "status": "marked"}
    )
    assert response.status_code == 303
    assert len(_numbers(matter)) == 3


def test_the_matter_page_shows_the_list_briefly_with_a_link(signed_in, matter, listed):
    body = _text(
        signed_in.get(
            reverse("matters:matter_detail", args=[matter.firm.slug, matter.public_id])
        )
    )
    assert "Exhibit 1: Lease agreement, signed copy · Admitted" in body
    assert escape(_url("exhibit_list", matter)) in body


# --- The index ------------------------------------------------------------------------


def test_the_index_as_word_has_the_title_and_a_row_per_exhibit(
    signed_in, firm, matter, listed
):
    response = signed_in.get(_url("exhibit_index_docx", matter))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "Exhibit index M-2026-001.docx" in response["Content-Disposition"]
    word = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "M-2026-001" in text and "Lopez v. Acme" in text
    (table,) = word.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Number", "Description", "Date", "Status", "Document"]
    assert rows[1] == [
        "1",
        "Lease agreement, signed copy",
        "",
        "Admitted",
        "Lease of 12 Harbor St",
    ]
    assert [r[0] for r in rows[1:]] == ["1", "2", "4"]
    event = AuditEvent.objects.get(org=firm, action="exhibits.exported")
    assert event.detail == {"format": "docx", "exhibits": 3}
    assert event.matter_id == str(matter.public_id)


def test_the_index_as_pdf_lists_the_exhibits(signed_in, firm, matter, listed):
    response = signed_in.get(_url("exhibit_index_pdf", matter))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    text = re.sub(r"\s+", " ", text)
    assert "Exhibit index — M-2026-001" in text
    assert "Lopez v. Acme" in text
    for words in (
        "Lease agreement, signed copy",
        "Letter from Acme to M. Lopez",
        "Photograph of the loading dock",
        "Admitted",
        "Lease of 12 Harbor St",
    ):
        assert words in text
    assert AuditEvent.objects.filter(
        org=firm, action="exhibits.exported", detail__format="pdf"
    ).exists()


def test_granted_outside_staff_export_and_edit(client, matter, listed, assistant):
    f.sign_in(client, assistant)
    assert client.get(_url("exhibit_index_pdf", matter)).status_code == 200
    response = client.post(
        _url("exhibit_new", matter), {"description": "Site photo", "status": "marked"}
    )
    assert response.status_code == 303
    assert _numbers(matter)[-1] == (5, "Site photo")
