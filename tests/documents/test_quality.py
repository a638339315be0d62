"""The quality checks run at submission, on real files stored (encrypted)
through documents.services: Word documents built with python-docx, PDFs with a
text layer pypdf reads back."""

import datetime
import io

import pytest
from docx import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from firmdesk.access.scope import resolve_scope
from firmdesk.documents import quality
from firmdesk.documents.crypto import TamperedFile
from firmdesk.documents.models import DocumentTemplate
from firmdesk.documents.quality import findings
from firmdesk.documents.services import document_upload
from firmdesk.matters.models import Contact, MatterParty, MatterScreen
from tests import factories as f

from .helpers import docx_bytes, upload

TODAY = datetime.date(2026, 12, 6)

CLOSING = ["Sincerely,", "Owen Ortiz", "Hale & Ortiz LLP"]


def word(*paragraphs, table=(), header="", footer="", closing=CLOSING) -> bytes:
    """A .docx with ``paragraphs``, then a table of ``table`` rows (each a
    list of cell texts), then ``closing`` (a signature block by default)."""
    document = WordDocument()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    for text in closing:
        document.add_paragraph(text)
    section = document.sections[0]
    if header:
        section.header.paragraphs[0].text = header
    if footer:
        section.footer.paragraphs[0].text = footer
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def word_with_mergefield(before: str, field: str, after: str, shown: str) -> bytes:
    """A paragraph holding a Word MERGEFIELD that was never merged, showing
    ``shown`` where its value would be."""
    document = WordDocument()
    paragraph = document.add_paragraph(before)
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), f" MERGEFIELD {field} \\* MERGEFORMAT ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)
    paragraph.add_run(after)
    for line in CLOSING:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf(*pages: list[str]) -> bytes:
    """A PDF whose pages hold these lines of text (Helvetica, one line each)."""

    def escape(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objects: list[bytes] = []
    page_ids = []
    font_id = 3
    next_id = 4
    bodies = []
    for lines in pages:
        commands = ["BT /F1 11 Tf 72 760 Td 14 TL"]
        commands += [f"({escape(line)}) Tj T*" for line in lines]
        commands.append("ET")
        stream = "\n".join(commands).encode("latin-1")
        page_ids.append(next_id)
        bodies.append(
            (
                next_id,
                f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                f"/Resources << /Font << /F1 {font_id} 0 R >> >> "
                f"/Contents {next_id + 1} 0 R >>".encode(),
            )
        )
        bodies.append(
            (
                next_id + 1,
                b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            )
        )
        next_id += 2
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objects = [
        (1, b"<< /Type /Catalog /Pages 2 0 R >>"),
        (2, f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode()),
        (font_id, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
        *bodies,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = {}
    for number, body in objects:
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for number in sorted(offsets):
        out.write(b"%010d 00000 n \n" % offsets[number])
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref)
    )
    return out.getvalue()


# --- Fixtures ------------------------------------------------------------------


def party(matter, name, role, *, kind="person", contact=None):
    contact = contact or Contact.unscoped.create(firm=matter.firm, kind=kind, name=name)
    MatterParty.unscoped.create(
        firm=matter.firm, matter=matter, contact=contact, role=role
    )
    return contact


@pytest.fixture
def parties(matter):
    """Lopez v. Acme: the client and the adverse party as recorded."""
    party(matter, "Maria Lopez", "client")
    party(matter, "Acme Holdings, LLC", "adverse", kind="organization")
    return matter


@pytest.fixture
def demand_template(firm, attorney):
    source = document_upload(
        firm=firm, actor=attorney, uploaded_file=upload("Demand.docx", word("x"))
    )
    return DocumentTemplate.objects.create(
        firm=firm,
        name="Demand letter",
        document=source,
        questions=[
            {"name": "amount_demanded", "label": "Amount demanded", "kind": "money"},
            {
                "name": "response_deadline",
                "label": "Response deadline",
                "kind": "future_date",
            },
            {"name": "claim", "label": "What the claim is for", "kind": "text"},
        ],
    )


def store(matter, content, *, name="Letter.docx", template=None, merged=None, empty=()):
    """A draft on the matter, as the drafting part leaves it: the file stored
    through the documents service, the template and what was merged."""
    document = document_upload(
        firm=matter.firm,
        actor=matter.responsible_attorney,
        uploaded_file=upload(name, content),
        matter=matter,
    )
    version = document.current_version
    if template is not None:
        document.template = template
        document.save(update_fields=["template"])
    version.merge_values = merged or {}
    version.empty_fields = list(empty)
    version.save(update_fields=["merge_values", "empty_fields"])
    return version


def check(version, scope=None):
    return findings(version, today=TODAY, scope=scope)


def codes(found):
    return [item.code for item in found]


LETTER = [
    "Re: Lopez v. Acme Holdings, LLC",
    "Dear Counsel,",
    "We represent Maria Lopez. Acme Holdings, LLC owes our client $12,500.",
    "Please pay no later than January 15, 2027.",
]
MERGED = {"client_name": "Maria Lopez", "adverse_parties": "Acme Holdings, LLC"}


# --- A clean draft ---------------------------------------------------------------


def test_a_clean_generated_letter_has_no_findings(parties, demand_template):
    version = store(
        parties,
        word(*LETTER),
        template=demand_template,
        merged={**MERGED, "response_deadline": "January 15, 2027"},
    )
    assert check(version) == []


# --- 1. Placeholders -----------------------------------------------------------


def test_placeholders_are_named_with_where_they_stand(matter):
    version = store(
        matter,
        word(
            "Dear {{ client_salutation }},",
            "Our client is owed [INSERT AMOUNT], due XX/XX/XXXX.",
            "The closing date is TBD.",
            table=[["Client", "«ClientName»"]],
            header="[FIRM LETTERHEAD]",
        ),
    )
    messages = [item.message for item in check(version)]
    assert codes(check(version)) == ["placeholder"] * 6
    assert "“{{ client_salutation }}” is still in paragraph 1" in messages[0]
    assert "“[INSERT AMOUNT]” is still in paragraph 2" in messages[1]
    assert "“XX/XX/XXXX” is still in paragraph 2" in messages[2]
    assert "“TBD” is still in paragraph 3" in messages[3]
    assert "“«ClientName»” is still in table 1, row 1" in messages[4]
    assert "“[FIRM LETTERHEAD]” is still in the header" in messages[5]
    assert all("upload a new version" in m and "explain" in m for m in messages)


def test_the_same_placeholder_is_one_finding_naming_each_place(matter):
    version = store(matter, word("[NAME] and [NAME].", "Again [NAME]."))
    (found,) = check(version)
    assert "“[NAME]” is still in paragraph 1 and paragraph 2" in found.message


def test_a_blank_in_a_sentence_is_reported_but_a_signature_line_is_not(matter):
    version = store(
        matter,
        word(
            "Our client is owed the sum of $________.",
            closing=["Very truly yours,", "______________________", "Owen Ortiz"],
        ),
    )
    (found,) = check(version)
    assert found.code == "placeholder"
    assert "blank line" in found.message and "paragraph 1" in found.message


def test_brackets_that_belong_in_a_finished_document_are_not_placeholders(matter):
    version = store(
        matter,
        word(
            "He said “[t]he goods were late” [sic].",
            "[SIGNATURE PAGE FOLLOWS]",
            closing=["Respectfully submitted,", "Owen Ortiz [SEAL]"],
        ),
    )
    assert check(version) == []


def test_a_merge_field_left_in_the_file_is_a_placeholder(matter):
    shown = store(
        matter, word_with_mergefield("Dear ", "ClientName", ",", "«ClientName»")
    )
    (found,) = check(shown)
    assert "“«ClientName»” is still in paragraph 1" in found.message
    hidden = store(matter, word_with_mergefield("Dear ", "ClientName", ",", ""))
    (found,) = check(hidden)
    assert "The Word merge field “ClientName” was never filled" in found.message


def test_placeholders_in_a_pdf_are_named_by_page(matter):
    version = store(
        matter,
        pdf(
            ["Dear Ms. Lopez,", "Thank you."],
            ["The amount is [AMOUNT].", "Sincerely,", "Owen Ortiz"],
        ),
        name="Letter.pdf",
    )
    (found,) = check(version)
    assert found.code == "placeholder"
    assert "“[AMOUNT]” is still in page 2" in found.message


def test_many_findings_of_one_kind_are_cut_short(matter):
    lines = [f"Item {n}: [VALUE {n}]" for n in range(25)]
    found = check(store(matter, word(*lines)))
    assert len(found) == quality.MOST_PER_CHECK
    assert found[-1].message.startswith(
        "And 16 more placeholders or blanks like these."
    )


# --- 2. Empty merge values -------------------------------------------------------


def test_empty_values_are_named_by_their_labels(parties, demand_template):
    version = store(
        parties,
        word(*LETTER),
        template=demand_template,
        merged={**MERGED, "amount_demanded": "", "client_address": ""},
        empty=["amount_demanded", "client_address"],
    )
    messages = [item.message for item in check(version)]
    assert codes(check(version)) == ["empty_value", "empty_value"]
    assert messages[0].startswith("The amount demanded was left empty")
    assert messages[1].startswith("The client address was left empty")


# --- 3. Party names --------------------------------------------------------------


def test_a_merged_party_name_changed_by_hand_is_reported(parties):
    letter = [line.replace("Maria Lopez", "Maria Lopes") for line in LETTER]
    version = store(parties, word(*letter), merged=MERGED)
    (found,) = check(version)
    assert found.code == "party_not_as_recorded"
    assert "The client’s name as recorded on the matter, “Maria Lopez”" in (
        found.message
    )
    assert "“Maria Lopes” appears in paragraph 3 instead" in found.message


def test_a_fix_uploaded_over_a_generated_draft_is_still_held_to_the_record(parties):
    from firmdesk.documents.services import document_add_version

    first = store(parties, word(*LETTER), merged=MERGED)
    letter = [
        line.replace("Acme Holdings, LLC", "Acme Holdings Inc") for line in LETTER
    ]
    fixed = document_add_version(
        document=first.document,
        actor=parties.responsible_attorney,
        uploaded_file=upload("Letter v2.docx", word(*letter)),
    )
    (found,) = check(fixed)
    assert "adverse party’s name as recorded on the matter, “Acme Holdings, LLC”" in (
        found.message
    )


def test_case_and_punctuation_do_not_count_as_a_different_name(parties):
    letter = [
        line.replace("Acme Holdings, LLC", "ACME HOLDINGS LLC") for line in LETTER
    ]
    assert check(store(parties, word(*letter), merged=MERGED)) == []


def test_party_names_are_not_required_when_the_template_did_not_merge_them(parties):
    version = store(parties, word("Dear Counsel,", "A short note."))
    assert check(version) == []


@pytest.fixture
def other_client(firm, matter):
    """A client of another of the firm's matters, who is nothing here."""
    elsewhere = f.MatterFactory(firm=firm, title="Globex dispute")
    party(elsewhere, "Globex Corporation", "client", kind="organization")
    return elsewhere


def test_a_party_of_another_matter_is_named_to_someone_who_may_open_it(
    parties, other_client, attorney
):
    letter = [*LETTER, "As we told Globex Corp. last year, the claim is sound."]
    version = store(parties, word(*letter), merged=MERGED)
    (found,) = check(version, resolve_scope(attorney, parties.firm))
    assert found.code == "other_matter_party"
    assert found.message.startswith(
        "“Globex Corp” in paragraph 5 is a party of another matter the firm handles"
    )
    assert "Globex dispute" not in found.message


def test_a_party_of_a_matter_the_submitter_cannot_open_is_not_reported(
    parties, other_client, assistant, firm_staff
):
    """Any word of it would tell the submitter that the name is a party of
    one of the firm's matters: what need-to-know and screens keep from them."""
    letter = [*LETTER, "As we told Globex Corp. last year, the claim is sound."]
    version = store(parties, word(*letter), merged=MERGED)
    MatterScreen.unscoped.create(
        firm=parties.firm, matter=other_client, user=firm_staff
    )
    for person in (assistant, firm_staff):
        assert check(version, resolve_scope(person, parties.firm)) == []
    assert check(version) == []


def test_names_shared_with_this_matter_are_not_another_matters(parties, firm, attorney):
    """A repeat client, and opposing counsel who appears in many matters."""
    lopez = Contact.unscoped.get(name="Maria Lopez")
    earlier = f.MatterFactory(firm=firm, title="Lopez estate")
    party(earlier, "Maria Lopez", "client", contact=lopez)
    party(earlier, "Dana Whitfield", "opposing_counsel")
    party(earlier, "Bank", "adverse", kind="organization")
    letter = [*LETTER, "Copy to Dana Whitfield.", "Paid by bank transfer."]
    version = store(parties, word(*letter), merged=MERGED)
    assert check(version, resolve_scope(attorney, firm)) == []


def test_the_names_cost_a_fixed_number_of_queries(
    parties, firm, attorney, django_assert_max_num_queries
):
    for n in range(30):
        elsewhere = f.MatterFactory(firm=firm)
        party(elsewhere, f"Client Number{n} Person", "client")
    letter = [*LETTER, "Copy to Client Number7 Person."]
    version = store(parties, word(*letter), merged=MERGED)
    scope = resolve_scope(attorney, firm)
    with django_assert_max_num_queries(9):
        found = check(version, scope)
    assert codes(found) == ["other_matter_party"]


# --- 4. Dates ------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["2026-11-30", "November 30, 2026"])
def test_a_future_date_answer_in_the_past_is_reported(parties, demand_template, answer):
    letter = [*LETTER[:3], "Please pay no later than November 30, 2026."]
    version = store(
        parties,
        word(*letter),
        template=demand_template,
        merged={**MERGED, "response_deadline": answer},
    )
    (found,) = check(version)
    assert found.code == "past_date"
    assert found.message.startswith(
        "The response deadline is November 30, 2026, which has already passed."
    )


def test_a_future_date_answer_that_is_not_a_date_is_reported(parties, demand_template):
    version = store(
        parties,
        word(*LETTER),
        template=demand_template,
        merged={**MERGED, "response_deadline": "next Friday"},
    )
    (found,) = check(version)
    assert found.code == "unreadable_date"
    assert "“next Friday”" in found.message


def test_a_deadline_in_the_text_that_has_passed_is_reported(matter):
    version = store(
        matter,
        word(
            "The hearing is set for December 1, 2026 at 10 a.m.",
            "We expect your reply by 12/20/2026.",
        ),
    )
    (found,) = check(version)
    assert found.code == "past_date"
    assert found.message.startswith(
        "“hearing is set for December 1, 2026” in paragraph 1 gives a date that "
        "has already passed"
    )


def test_dates_are_read_day_first_where_the_firm_practises_outside_the_us(matter):
    matter.firm.jurisdiction = "GB"
    matter.firm.save(update_fields=["jurisdiction"])
    version = store(matter, word("Please respond by 05/01/2027."))
    assert check(version) == []
    version = store(matter, word("Please respond by 01/05/2026."))
    assert codes(check(version)) == ["past_date"]


# --- 5. Signature ----------------------------------------------------------------


def test_a_letter_without_a_signature_block_is_reported(matter):
    version = store(matter, word("Dear Counsel,", "Please call me.", closing=[]))
    (found,) = check(version)
    assert found.code == "no_signature"
    assert "with Owen Ortiz’s name" in found.message


def test_a_signature_block_without_the_responsible_attorney_is_reported(matter):
    version = store(matter, word("Dear Counsel,", closing=["Sincerely,", "Grace Hale"]))
    (found,) = check(version)
    assert found.code == "signature_without_attorney"
    assert "does not name Owen Ortiz, the matter’s responsible attorney" in (
        found.message
    )


def test_a_signature_line_followed_by_the_name_is_a_signature_block(matter):
    version = store(
        matter,
        word(
            "I agree to the terms above.",
            table=[["By: ____________________", ""], ["Name: Owen Ortiz", "Date:"]],
            closing=[],
        ),
    )
    assert check(version) == []


def test_the_signature_is_looked_for_near_the_end_only(matter):
    body = ["Sincerely, as always,"] + [f"Point {n}." for n in range(20)]
    version = store(matter, word(*body, closing=[]))
    assert codes(check(version)) == ["no_signature"]


# --- Kinds and order ---------------------------------------------------------------


def test_a_file_without_text_gets_only_the_checks_of_its_record(
    parties, demand_template
):
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    version = store(
        parties,
        png,
        name="Scan.png",
        template=demand_template,
        merged={"response_deadline": "2026-01-02", "amount_demanded": ""},
        empty=["amount_demanded"],
    )
    assert codes(check(version)) == ["empty_value", "past_date"]


def test_findings_come_in_reading_order(parties, demand_template, attorney):
    elsewhere = f.MatterFactory(firm=parties.firm)
    party(elsewhere, "Globex Corporation", "client", kind="organization")
    version = store(
        parties,
        word(
            "Dear [SALUTATION],",
            "Maria Lopes owes nothing; Globex Corporation does.",
            "Reply on or before June 1, 2026.",
            closing=[],
        ),
        template=demand_template,
        merged={**MERGED, "amount_demanded": ""},
        empty=["amount_demanded"],
    )
    assert codes(check(version, resolve_scope(attorney, parties.firm))) == [
        "placeholder",
        "empty_value",
        "party_not_as_recorded",
        "party_not_as_recorded",
        "other_matter_party",
        "past_date",
        "no_signature",
    ]


def test_a_text_file_is_read_line_by_line(matter):
    text = "Dear Counsel,\n\nPlease confirm [DATE].\n\nSincerely,\nOwen Ortiz\n"
    (found,) = check(store(matter, text.encode(), name="Note.txt"))
    assert "“[DATE]” is still in line 3" in found.message


def test_a_word_file_that_cannot_be_read_is_not_checked(matter):
    """Not refused either: the attorney reads it."""
    assert check(store(matter, docx_bytes(), name="Odd.docx")) == []


def test_a_tampered_file_stops_the_checks(matter, media_root):
    version = store(matter, word(*LETTER))
    path = media_root / version.file.name
    sealed = bytearray(path.read_bytes())
    sealed[-20] ^= 1
    path.write_bytes(bytes(sealed))
    with pytest.raises(TamperedFile):
        check(version)


def test_a_placeholder_in_the_footer_is_named_there(matter):
    (found,) = check(store(matter, word("Dear Counsel,", footer="Ref: [MATTER NO]")))
    assert "“[MATTER NO]” is still in the footer" in found.message


def test_names_of_other_matters_are_listed_in_reading_order(parties, firm, attorney):
    """The same draft gives the same list, in the same order, every time: a
    submission matches each explanation to its finding by its place."""
    for name in ("Initech Systems", "Globex Corporation"):
        elsewhere = f.MatterFactory(firm=firm)
        party(elsewhere, name, "adverse", kind="organization")
    letter = [*LETTER, "Globex Corporation wrote.", "Initech Systems replied."]
    version = store(parties, word(*letter), merged=MERGED)
    scope = resolve_scope(attorney, firm)
    first = check(version, scope)
    assert [m.message[:8] for m in first] == ["“Globex ", "“Initech"]
    assert check(version, scope) == first
