import io
import json

import pytest
from django.core.management import CommandError, call_command

from firmdesk.conflicts.models import ConflictKey
from firmdesk.conflicts.services import matter_import_pre_existing


@pytest.fixture
def smith(firm, add_contact):
    contact = add_contact("Robert Smith")
    matter_import_pre_existing(
        firm=firm,
        actor=None,
        number="M-2024-001",
        title="Smith v. Jones",
        note="Imported",
        parties=[(contact, "adverse")],
    )
    return contact


def run(*args):
    out = io.StringIO()
    call_command("conflicts", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_check_prints_json_hits(firm, smith):
    data = json.loads(run("check", "--firm", firm.slug, "Bob Smyth", "--json"))
    assert len(data) == 1
    hit = data[0]
    assert {"name", "contact", "matter", "role", "score", "reason"} <= set(hit)
    assert (hit["name"], hit["contact"], hit["matter"], hit["role"]) == (
        "Bob Smyth",
        str(smith.public_id),
        "M-2024-001",
        "Adverse party",
    )
    assert "nickname: Bob = Robert" in hit["reason"]


@pytest.mark.django_db
def test_check_prints_a_ranked_table(firm, smith, add_contact):
    add_contact("Roberta Smithers")
    out = run("check", "--firm", firm.slug, "Bob Smyth", "Acme")
    assert "Robert Smith" in out
    assert "M-2024-001" in out
    assert "nickname: Bob = Robert" in out
    assert "Roberta Smithers" not in out


@pytest.mark.django_db
def test_check_with_no_hits_says_a_person_still_decides(firm):
    out = run("check", "--firm", firm.slug, "Nobody Anywhere")
    assert "No hits" in out
    assert "never clears" in out


@pytest.mark.django_db
def test_reindex_rebuilds_the_firms_keys(firm, smith):
    before = ConflictKey.objects.filter(firm=firm).count()
    ConflictKey.objects.filter(firm=firm).delete()
    out = run("reindex", "--firm", firm.slug)
    assert ConflictKey.objects.filter(firm=firm).count() == before
    assert f"{before} conflict keys" in out


@pytest.mark.django_db
def test_unknown_firm_is_an_error(provider):
    with pytest.raises(CommandError, match="No firm"):
        run("check", "--firm", "nope", "Acme")
    with pytest.raises(CommandError, match="No firm"):
        run("reindex", "--firm", provider.slug)


@pytest.mark.django_db
def test_check_runs_with_system_checks_like_the_real_command(firm, smith):
    # call_command skips Django's system checks unless told not to; the real
    # `firmdesk conflicts check` runs them, and a method named check() once
    # shadowed them.
    out = io.StringIO()
    call_command(
        "conflicts",
        "check",
        "--firm",
        firm.slug,
        "Bob Smyth",
        "--json",
        stdout=out,
        skip_checks=False,
    )
    assert json.loads(out.getvalue())[0]["contact"] == str(smith.public_id)
