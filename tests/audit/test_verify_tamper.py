"""`firmdesk audit verify` names the event someone changed or removed behind
FirmDesk's back (issue 20, Done means: "A test tampers with an audit row in the
database and `firmdesk audit verify` names it")."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from firmdesk.audit.models import AuditEvent
from firmdesk.audit.services import audit_record, audit_verify
from tests.audit.tampering import NAMED_ID, raw, verify_fails


@pytest.fixture
def chain(firm, attorney, matter):
    for n in range(1, 6):
        audit_record(
            org=firm,
            actor=attorney,
            action="matter.viewed",
            obj=matter,
            matter=matter,
            summary=f"Opened matter {matter.number} ({n})",
            detail={"n": n},
        )
    return {e.seq: e for e in AuditEvent.objects.filter(org=firm)}


def test_altered_summary_is_named_by_number_id_time_action_actor_and_object(
    firm, chain, matter
):
    target = chain[3]
    raw(
        "UPDATE audit_auditevent SET summary = %s WHERE id = %s",
        ["Nothing to see here", target.pk],
    )
    report = verify_fails("--firm", firm.slug)
    assert NAMED_ID.findall(report) == [str(target.pk)]
    assert f"Event 3 (database id {target.pk};" in report
    assert f"{target.at:%Y-%m-%d %H:%M:%S} UTC" in report
    assert "matter.viewed by attorney@hale.test" in report
    assert f"on matters.Matter {matter.public_id}" in report
    assert "altered" in report and "tampered" in report


def test_only_the_altered_organisation_is_reported_with_all(
    firm, other_firm, chain, outsider
):
    audit_record(org=other_firm, actor=outsider, action="matter.viewed")
    raw(
        "UPDATE audit_auditevent SET action = %s WHERE id = %s",
        ["nothing", chain[1].pk],
    )
    report = verify_fails("--all")
    assert "Brandt Legal PC (brandt-legal): 1 audit events, chain intact." in report
    assert NAMED_ID.findall(report) == [str(chain[1].pk)]
    assert "hale-ortiz: Event 1 (database id" in report


def test_deleted_event_in_the_middle_is_named_between_its_neighbours(firm, chain):
    raw("DELETE FROM audit_auditevent WHERE id = %s", [chain[3].pk])
    report = verify_fails("--firm", firm.slug)
    assert "Event 3 is missing (deleted), after event 2" in report
    assert "before event 4" in report
    assert NAMED_ID.findall(report) == [str(chain[2].pk), str(chain[4].pk)]
    [finding] = audit_verify(org=firm).findings
    assert (finding.kind, finding.seqs, finding.event_ids) == ("missing", (3,), ())


def test_deleted_newest_event_is_named(firm, chain):
    raw("DELETE FROM audit_auditevent WHERE id = %s", [chain[5].pk])
    report = verify_fails("--firm", firm.slug)
    assert "The newest event 5 is missing (deleted) after event 4" in report
    [finding] = audit_verify(org=firm).findings
    assert (finding.kind, finding.seqs) == ("missing", (5,))


def test_json_output_lists_the_findings_with_their_event_ids(firm, chain):
    raw(
        "UPDATE audit_auditevent SET actor_label = %s WHERE id = %s",
        ["someone@else.test", chain[2].pk],
    )
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("audit", "verify", "--firm", firm.slug, "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["ok"] is False
    assert report["findings"] == [
        {
            "kind": "altered",
            "message": report["problems"][0],
            "seqs": [2],
            "event_ids": [chain[2].pk],
        }
    ]


def test_all_with_json_is_ok_when_every_chain_is_whole(firm, other_firm, chain):
    out = io.StringIO()
    call_command("audit", "verify", "--all", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["ok"] is True
    assert {o["firm"]: o["checked"] for o in report["organisations"]}[firm.slug] == 5


# --- Any single change to any event is found and named exactly -----------------

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=60,
)
HEX = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
JSON = st.dictionaries(
    st.text(alphabet="abcdefgh", min_size=1, max_size=4),
    st.integers(-5, 5) | st.text(alphabet="xyz", max_size=3),
    max_size=3,
)
CHANGES = st.one_of(
    st.tuples(st.just("summary"), TEXT),
    st.tuples(st.just("action"), st.text(alphabet="abcdefghij._", max_size=20)),
    st.tuples(st.just("actor_label"), TEXT),
    st.tuples(st.just("object_type"), st.text(alphabet="abcz.", max_size=20)),
    st.tuples(st.just("object_id"), st.text(alphabet="0123456789abcdef-", max_size=36)),
    st.tuples(st.just("matter_id"), st.text(alphabet="0123456789abcdef-", max_size=36)),
    st.tuples(st.just("detail"), JSON),
    st.tuples(st.just("at"), st.integers(-(10**6), 10**6).filter(bool)),
    st.tuples(st.just("actor_id"), st.none()),
    st.tuples(st.just("seq"), st.integers(0, 50)),
    st.tuples(st.just("prev_hash"), HEX),
    st.tuples(st.just("hash"), HEX),
)
EVENTS = st.lists(
    st.tuples(st.sampled_from(["matter.viewed", "task.created", "x"]), TEXT, JSON),
    min_size=1,
    max_size=7,
)


def _new_value(event, field, value, chain_seqs):
    if field == "at":
        return connection.ops.adapt_datetimefield_value(
            event.at + datetime.timedelta(seconds=value)
        )
    if field == "actor_id":
        return None if event.actor_id else _someone()
    if field == "seq":
        assume(value not in chain_seqs)
        return value
    if field == "detail":
        assume(value != event.detail)
        return json.dumps(value)
    assume(value != getattr(event, field))
    return value


def _someone():
    from firmdesk.orgs.models import User

    return User.objects.order_by("pk").values_list("pk", flat=True).first()


def _set(event_id, field, value):
    placeholder = (
        "CAST(%s AS jsonb)"
        if field == "detail" and connection.vendor == "postgresql"
        else "%s"
    )
    raw(
        f"UPDATE audit_auditevent SET {field} = {placeholder} WHERE id = %s",
        [value, event_id],
    )


@pytest.mark.slow
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(events=EVENTS, pick=st.integers(0, 100), change=CHANGES, system=st.booleans())
def test_any_single_field_change_is_found_and_named_exactly(
    firm, attorney, events, pick, change, system
):
    with transaction.atomic():
        for action, summary, detail in events:
            audit_record(
                org=firm,
                actor=None if system else attorney,
                action=action,
                summary=summary,
                detail=detail,
            )
        chain = list(AuditEvent.objects.filter(org=firm).order_by("seq"))
        assert audit_verify(org=firm).ok
        target = chain[pick % len(chain)]
        field, value = change
        new = _new_value(target, field, value, {e.seq for e in chain})
        _set(target.pk, field, new)

        result = audit_verify(org=firm)

        assert not result.ok, (field, new)
        named = {i for finding in result.findings for i in finding.event_ids}
        assert named == {target.pk}, [f.message for f in result.findings]
        assert all(finding.event_ids for finding in result.findings)
        transaction.set_rollback(True)
