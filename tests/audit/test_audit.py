import pytest
from django.core.management import call_command
from django.db import transaction

from firmdesk.audit.models import AppendOnlyError, AuditEvent
from firmdesk.audit.services import audit_record, audit_verify
from tests.audit.tampering import raw


@pytest.fixture
def chain(firm, attorney):
    for n in range(1, 6):
        audit_record(
            org=firm,
            actor=attorney,
            action="matter.viewed",
            summary=f"Opened matter {n}",
            detail={"n": n},
        )
    return AuditEvent.objects.filter(org=firm)


def test_intact_chain_verifies(firm, chain):
    result = audit_verify(org=firm)
    assert result.ok and result.checked == 5


def test_chains_are_per_firm(firm, other_firm, chain, outsider):
    audit_record(org=other_firm, actor=outsider, action="x")
    assert AuditEvent.objects.get(org=other_firm).seq == 1
    assert audit_verify(org=other_firm).ok and audit_verify(org=firm).ok


def test_row_altered_behind_the_orms_back_is_reported(firm, chain):
    raw(
        "UPDATE audit_auditevent SET summary = %s WHERE org_id = %s AND seq = 3",
        ["Nothing to see", firm.pk],
    )
    result = audit_verify(org=firm)
    assert not result.ok
    assert any("Event 3" in p and "altered" in p for p in result.problems)


def test_deleted_middle_row_is_reported(firm, chain):
    raw("DELETE FROM audit_auditevent WHERE org_id = %s AND seq = 2", [firm.pk])
    problems = audit_verify(org=firm).problems
    assert any("missing" in p for p in problems)


def test_deleted_newest_row_is_reported(firm, chain):
    raw("DELETE FROM audit_auditevent WHERE org_id = %s AND seq = 5", [firm.pk])
    problems = audit_verify(org=firm).problems
    assert any("newest" in p for p in problems)


def test_recomputed_hash_still_breaks_the_link_to_the_next_event(firm, chain):
    event = AuditEvent.objects.get(org=firm, seq=2)
    event.summary = "rewritten"
    forged = event.compute_hash()
    raw(
        "UPDATE audit_auditevent SET summary = %s, hash = %s WHERE id = %s",
        ["rewritten", forged, event.pk],
    )
    findings = audit_verify(org=firm).findings
    assert [(f.kind, f.seqs) for f in findings] == [("relinked", (2, 3))]
    assert findings[0].message.startswith("Event 3 (database id")


def test_cli_reports_tampering_and_exits_non_zero(firm, chain, capsys):
    call_command("audit", "verify", "--firm", firm.slug)
    assert "chain intact" in capsys.readouterr().out
    raw(
        "UPDATE audit_auditevent SET action = %s WHERE org_id = %s AND seq = 1",
        ["nothing", firm.pk],
    )
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify", "--firm", firm.slug)
    assert exit_info.value.code == 1
    assert "tampered" in capsys.readouterr().err


def test_orm_refuses_to_change_or_delete_events(firm, chain):
    event = chain.first()
    event.summary = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(org=firm).update(summary="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(org=firm).delete()


def test_event_rolls_back_with_the_change_it_records(firm, attorney):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(org=firm, actor=attorney, action="matter.opened")
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.filter(org=firm).exists()
    assert audit_verify(org=firm).ok
