"""The conflict check routes: run, read, decide, and ethical screens held as
the pages hold them (tests/isolation/test_hidden_matter.py)."""

import pytest
from django.urls import reverse

from firmdesk.access.scope import resolve_scope
from firmdesk.conflicts import services as conflicts
from firmdesk.conflicts.models import ConflictCheck
from firmdesk.matters.models import MatterScreen

from .helpers import Api, token_for

NUMBER = "M-2026-077"
TITLE = "Quarry Holdings acquisition"
CLIENT = "Quentin Marlowe"
ADVERSE = "Vandal Freight Corp"
MARKERS = (NUMBER, TITLE, "Quarry", CLIENT, ADVERSE)


def _url(firm, name="api:list_conflict_checks", **ids):
    return reverse(name, kwargs={"firm_slug": firm.slug, **ids})


def _one(firm, check):
    return _url(firm, "api:get_conflict_check", check_id=check.public_id)


def _decide(firm, check):
    return _url(firm, "api:decide_conflict_check", check_id=check.public_id)


def _leaks(response) -> list[str]:
    body = response.content.decode()
    return [m for m in MARKERS if m in body]


@pytest.fixture
def on_file(firm, firm_admin):
    return conflicts.contact_save(
        firm=firm, actor=firm_admin, kind="organization", name="Acme Logistics Inc."
    )


@pytest.fixture
def hidden_matter(firm, firm_admin, attorney):
    """Opened through the services, then the attorney is screened from it."""
    admin = resolve_scope(firm_admin, firm)
    client = conflicts.contact_save(
        firm=firm, actor=firm_admin, kind="person", name=CLIENT
    )
    adverse = conflicts.contact_save(
        firm=firm, actor=firm_admin, kind="organization", name=ADVERSE
    )
    opening = conflicts.conflict_check_run(
        scope=admin, names=[CLIENT, ADVERSE], purpose=f"New matter {TITLE}"
    )
    conflicts.conflict_decide(
        scope=admin, check=opening, decision="clear", note="The parties themselves."
    )
    matter = conflicts.matter_open(
        scope=admin,
        number=NUMBER,
        title=TITLE,
        parties=[(client, "client"), (adverse, "adverse")],
        check=opening,
    )
    MatterScreen.unscoped.create(
        firm=firm, matter=matter, user=attorney, reason="Former client"
    )
    return matter


def test_a_check_finds_a_contact_on_file_and_waits_for_an_attorney(
    firm, firm_staff, on_file
):
    response = Api(token_for(firm_staff, firm)).post(
        _url(firm), {"names": ["Acme Logistics"], "purpose": "New matter"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["decision"] == "pending" and body["hit_count"] == len(body["hits"])
    (hit,) = body["hits"]
    assert hit["contact_name"] == "Acme Logistics Inc."
    assert hit["contact_id"] == str(on_file.public_id)


def test_an_empty_list_of_names_is_refused_naming_the_field(firm, attorney):
    response = Api(token_for(attorney, firm)).post(_url(firm), {"names": [" "]})
    assert response.status_code == 422
    assert "at least one name" in response.json()["fields"]["names"][0]


def test_clearing_a_check_with_hits_needs_a_note(firm, attorney, on_file):
    api = Api(token_for(attorney, firm))
    check_id = api.post(_url(firm), {"names": ["Acme Logistics"]}).json()["id"]
    check = ConflictCheck.unscoped.get(public_id=check_id)
    bare = api.post(_decide(firm, check), {"decision": "clear"})
    assert bare.status_code == 422
    assert "why none of them is a conflict" in bare.json()["fields"]["note"][0]
    noted = api.post(
        _decide(firm, check),
        {"decision": "clear", "note": "Different company: other state."},
    )
    assert noted.status_code == 200
    assert noted.json()["decision"] == "clear" and noted.json()["may_open_matter"]


def test_support_staff_see_checks_but_only_attorneys_decide(firm, firm_staff):
    check = ConflictCheck.unscoped.create(
        firm=firm, run_at="2026-03-02T10:00Z", names=["Ann Lee"], hits=[]
    )
    response = Api(token_for(firm_staff, firm)).post(
        _decide(firm, check), {"decision": "clear"}
    )
    assert response.status_code == 422
    assert "Only an attorney" in response.json()["message"]
    check.refresh_from_db()
    assert check.decision == "pending"


def test_filters_by_decision(firm, attorney):
    for decision in ("pending", "clear"):
        ConflictCheck.unscoped.create(
            firm=firm,
            run_at="2026-03-02T10:00Z",
            names=[f"Name {decision}"],
            hits=[],
            decision=decision,
        )
    response = Api(token_for(attorney, firm)).get(_url(firm), {"decision": "pending"})
    assert [c["names"] for c in response.json()["items"]] == [["Name pending"]]


def test_outside_staff_without_intake_do_not_see_conflict_checks(firm, assistant):
    assert Api(token_for(assistant, firm)).get(_url(firm)).status_code == 404


def test_a_screened_attorney_sees_the_check_without_its_names_or_hits(
    firm, attorney, hidden_matter
):
    api = Api(token_for(attorney, firm))
    listed = api.get(_url(firm))
    assert listed.status_code == 200 and not _leaks(listed)
    (item,) = listed.json()["items"]
    assert item["matter_hidden"] and item["names"] == [] and item["matter"] is None
    check = ConflictCheck.unscoped.get(matter=hidden_matter)
    detail = api.get(_one(firm, check))
    assert detail.status_code == 200 and not _leaks(detail)
    assert detail.json()["hits"] == []


def test_a_screened_attorney_is_told_of_a_hit_without_its_name(
    firm, attorney, hidden_matter
):
    response = Api(token_for(attorney, firm)).post(
        _url(firm), {"names": ["Vandal Freight"]}
    )
    assert response.status_code == 201
    (hit,) = response.json()["hits"]
    assert hit["hidden"] and hit["contact_id"] is None
    assert hit["contact_name"] == "a party of a matter you cannot open"
    assert [m for m in MARKERS if m in response.content.decode() and m != ADVERSE] == []
    assert "Vandal Freight Corp" not in response.content.decode()


def test_a_party_check_of_a_screened_matter_is_decided_by_someone_who_sees_it(
    firm, attorney, firm_admin, hidden_matter
):
    _party, check = conflicts.matter_party_add(
        scope=resolve_scope(firm_admin, firm),
        matter=hidden_matter,
        name="Quarry Witness",
        kind="person",
        role="witness",
    )
    walled = Api(token_for(attorney, firm))
    shown = walled.get(_one(firm, check))
    assert shown.json()["purpose"] == "" and not _leaks(shown)
    refused = walled.post(_decide(firm, check), {"decision": "clear"})
    assert refused.status_code == 422
    assert "a matter you cannot open" in refused.json()["message"]
    check.refresh_from_db()
    assert check.decision == "pending"
    admin = Api(token_for(firm_admin, firm))
    decided = admin.post(_decide(firm, check), {"decision": "clear", "note": "New."})
    assert decided.status_code == 200


def test_a_firm_member_without_the_screen_sees_every_name(
    firm, firm_admin, hidden_matter
):
    response = Api(token_for(firm_admin, firm)).get(_url(firm))
    (item,) = response.json()["items"]
    assert item["names"] == [CLIENT, ADVERSE]
    assert item["matter"]["number"] == NUMBER
