"""The template engine (documents/drafting.py) and the starter templates: what
a template's check finds, and what a merged draft says when opened with
python-docx."""

import io

import pytest
from docx import Document as WordDocument
from hypothesis import given, settings
from hypothesis import strategies as st

from firmdesk.documents import drafting, starters

from .drafting_helpers import docx, text_of

VALUES = {"client_name": "Maria Lopez", "matter_title": "Lopez v. Acme"}


# --- Names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written", ["client_name", "Client_Name", "ClientName", "CLIENTNAME", "client name"]
)
def test_common_mergefield_spellings_are_the_catalogue_field(written):
    assert drafting.canonical(written) == "client_name"


def test_catalogue_names_are_unique_flat_snake_case_with_label_and_example():
    names = [f.name for f in drafting.CATALOGUE]
    assert len(set(map(drafting.squash, names))) == len(names)
    for field in drafting.CATALOGUE:
        assert field.name == drafting.snake(field.name)
        assert field.label and field.example and field.group in drafting.GROUPS


@given(st.sampled_from([f.name for f in drafting.CATALOGUE]), st.data())
def test_any_casing_and_underscoring_of_a_field_finds_it(name, data):
    words = name.split("_")
    cased = [data.draw(st.sampled_from([w, w.upper(), w.capitalize()])) for w in words]
    joiner = data.draw(st.sampled_from(["", "_", " "]))
    assert drafting.canonical(joiner.join(cased)) == name


def test_a_misspelt_field_gets_a_suggestion():
    result = drafting.check(["client_nmae", "zebra_count"], [])
    assert result.unknown == [("client_nmae", "client_name"), ("zebra_count", None)]
    assert not result.usable
    assert "“client_nmae”" in result.refusal() and "“zebra_count”" in result.refusal()


# --- Inspecting a template ------------------------------------------------------------


def test_check_finds_tag_and_mergefield_fields_in_order():
    data = docx(
        "Dear {{ client_name }},", "{{ amount_demanded }}", mergefields=("MatterTitle",)
    )
    found = drafting.inspect(data)
    assert found.fields == ["client_name", "amount_demanded", "MatterTitle"]
    assert found.uses_tags and found.uses_mergefields and not found.syntax_error


def test_a_tag_word_split_across_runs_is_one_field():
    data = docx(split=[("Dear {{ cli", "ent_na", "me }},")])
    assert drafting.inspect(data).fields == ["client_name"]


def test_broken_braces_are_reported_with_the_paragraph():
    data = docx("Fine {{ client_name }}", "Pay {{ amount_demanded } now")
    error = drafting.inspect(data).syntax_error
    assert "the body" in error and "Pay {{ amount_demanded } now" in error
    assert not drafting.check([], [], error).usable


def test_questions_and_asked_fields_are_not_unknown():
    declared = [{"name": "amount_demanded", "label": "Amount", "kind": "money"}]
    result = drafting.check(["AmountDemanded", "client_name", "court_name"], declared)
    assert [(q.name, q.kind) for q in result.questions] == [
        ("amount_demanded", "money"),
        ("court_name", "text"),
    ]
    assert [w for w, _ in result.known] == ["client_name"]
    assert result.usable


def test_a_file_that_is_not_word_is_refused():
    with pytest.raises(drafting.NotAWordFile):
        drafting.inspect(b"PK\x03\x04 not really a zip")


# --- Merging -----------------------------------------------------------------


def test_tag_template_merges_into_a_real_docx():
    data = docx("Dear {{ client_name }},", "Re: {{ matter_title }}")
    merged = drafting.merge(data, ["client_name", "matter_title"], VALUES)
    assert text_of(merged) == "Dear Maria Lopez,\nRe: Lopez v. Acme"


def test_mergefield_template_merges_into_a_real_docx():
    data = docx(mergefields=("ClientName", "Matter_Title"))
    merged = drafting.merge(data, ["ClientName", "Matter_Title"], VALUES)
    text = text_of(merged)
    assert "Field: Maria Lopez" in text and "Field: Lopez v. Acme" in text
    assert "MERGEFIELD" not in merged.decode("latin-1")


def test_both_styles_in_one_template_merge():
    data = docx("{{ client_name }}", mergefields=("matter_title",))
    merged = drafting.merge(data, ["client_name", "matter_title"], VALUES)
    assert text_of(merged) == "Maria Lopez\nField: Lopez v. Acme"


@settings(max_examples=25)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"])))
def test_a_value_is_text_never_markup_or_a_field(value):
    data = docx("A {{ client_name }} B", mergefields=("matter_title",))
    merged = drafting.merge(
        data,
        ["client_name", "matter_title"],
        {"client_name": value, "matter_title": value},
    )
    paragraphs = [p.text for p in WordDocument(io.BytesIO(merged)).paragraphs]
    shown = " ".join(value.split())
    assert " ".join(paragraphs[0].split()) == " ".join(f"A {value} B".split())
    assert " ".join(paragraphs[1].removeprefix("Field: ").split()) == shown


def test_a_tag_cannot_reach_python_internals():
    data = docx("{{ client_name.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(drafting.MergeFailed, match="unsafe"):
        drafting.merge(data, ["client_name"], VALUES)


def test_an_empty_or_missing_value_renders_blank():
    data = docx("[{{ client_name }}]", mergefields=("matter_title",))
    merged = drafting.merge(data, ["client_name", "matter_title"], {})
    assert text_of(merged) == "[]\nField: "


def test_answers_are_formatted_and_read_back():
    assert drafting.format_answer("money", "12500") == "$12,500.00"
    assert drafting.format_answer("future_date", "2027-01-15") == "January 15, 2027"
    assert drafting.answer_from_text("money", "$12,500.00") == "12500.00"
    assert drafting.answer_from_text("date", "January 15, 2027") == "2027-01-15"


# --- Starter templates ---------------------------------------------------------------


@pytest.mark.parametrize("starter", starters.STARTERS, ids=lambda s: s.key)
def test_each_starter_is_a_usable_deterministic_docx_with_a_signature_block(starter):
    data = starter.build()
    assert data == starter.build()
    found = drafting.inspect(data)
    assert drafting.check(found.fields, starter.questions, found.syntax_error).usable
    assert "attorney_signature_block" in map(drafting.canonical, found.fields)
    values = {drafting.canonical(n): "x" for n in found.fields}
    values["attorney_signature_block"] = "Owen Ortiz, for the firm"
    merged = drafting.merge(data, found.fields, values)
    last = [p.text for p in WordDocument(io.BytesIO(merged)).paragraphs if p.text]
    assert "Owen Ortiz, for the firm" in last[-6:]


def test_starters_mix_mergefields_and_tags():
    uses = [drafting.inspect(s.build()) for s in starters.STARTERS]
    assert any(u.uses_mergefields for u in uses)
    assert any(u.uses_tags and not u.uses_mergefields for u in uses)


def test_demand_letter_asks_amount_deadline_and_claim():
    kinds = {q["name"]: q["kind"] for q in starters.DEMAND_QUESTIONS}
    assert kinds == {
        "amount_demanded": "money",
        "response_deadline": "future_date",
        "claim_description": "text",
    }
