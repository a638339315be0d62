"""Reads are recorded without the chain head's lock and sealed into the chain
in batches (issue 22, Build 2a): `audit verify` still proves that no read was
altered or removed once sealed, and a read never waits for a writer."""

import csv
import io
import threading
import time

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.urls import reverse

from firmdesk.audit import tasks
from firmdesk.audit.models import AuditChainHead, AuditEvent, SealedRead
from firmdesk.audit.services import (
    SEALED,
    audit_record,
    audit_record_read,
    audit_verify,
    seal_reads,
)
from firmdesk.web.accounts.reauth import SESSION_KEY
from tests import factories as f
from tests.audit.tampering import NAMED_ID, raw, verify_fails

pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row locks"
)


def _read(firm, attorney, matter, n=0):
    return audit_record_read(
        org=firm,
        actor=attorney,
        action="matter.viewed",
        obj=matter,
        matter=matter,
        summary=f"Opened matter {matter.number} ({n})",
    )


@pytest.fixture
def sealed(firm, attorney, matter):
    """Four reads around a change, one seal over them, then one read more."""
    reads = [_read(firm, attorney, matter, n) for n in range(2)]
    audit_record(org=firm, actor=attorney, action="matter.updated", obj=matter)
    reads += [_read(firm, attorney, matter, n) for n in range(2, 4)]
    (seal,) = seal_reads(org=firm)
    return {"reads": reads, "seal": seal}


def test_a_read_has_no_number_and_leaves_the_chain_head_alone(firm, attorney, matter):
    audit_record(org=firm, actor=attorney, action="matter.updated", obj=matter)
    read = _read(firm, attorney, matter)
    assert read.seq is None and read.prev_hash == ""
    assert read.hash == read.compute_hash()
    head = AuditChainHead.objects.get(org=firm)
    assert head.seq == 1


def test_a_seal_is_chained_and_names_its_reads_and_their_digest(firm, sealed):
    seal, reads = sealed["seal"], sealed["reads"]
    assert seal.action == SEALED and seal.seq == 2  # after the change
    assert seal.detail["reads"] == 4
    assert (seal.detail["first"], seal.detail["last"]) == (reads[0].pk, reads[-1].pk)
    assert set(
        SealedRead.objects.filter(seal_id=seal.pk).values_list("read_id", flat=True)
    ) == {r.pk for r in reads}
    assert seal_reads(org=firm) == []  # nothing left to seal


def test_verify_passes_after_reads_and_seals_and_counts_the_unsealed(
    firm, attorney, matter, sealed
):
    _read(firm, attorney, matter, 9)
    result = audit_verify(org=firm)
    assert result.ok, result.problems
    assert result.unsealed == 1 and result.checked == 7  # 2 chained + 5 reads
    out = io.StringIO()
    call_command("audit", "verify", "--firm", firm.slug, "--no-seal", stdout=out)
    assert "7 audit events, chain intact. 1 recent read(s) not sealed yet" in (
        out.getvalue()
    )
    # Without --no-seal the command seals what is pending first.
    out = io.StringIO()
    call_command("audit", "verify", "--firm", firm.slug, stdout=out)
    assert "8 audit events, chain intact." in out.getvalue()
    assert "not sealed yet" not in out.getvalue()


def test_an_altered_sealed_read_is_named(firm, sealed):
    target = sealed["reads"][1]
    raw(
        "UPDATE audit_auditevent SET summary = %s WHERE id = %s",
        ["Nothing to see here", target.pk],
    )
    report = verify_fails("--firm", firm.slug)
    assert NAMED_ID.findall(report) == [str(target.pk)]
    assert f"Read event (database id {target.pk};" in report
    assert "altered" in report and "tampered" in report


def test_a_sealed_read_rewritten_with_its_hash_is_named(firm, sealed):
    target = sealed["reads"][2]
    target.summary = "Nothing to see here"
    raw(
        "UPDATE audit_auditevent SET summary = %s, hash = %s WHERE id = %s",
        [target.summary, target.compute_hash(), target.pk],
    )
    report = verify_fails("--firm", firm.slug)
    assert f"Read event (database id {target.pk};" in report
    assert "rewritten together with its hash" in report


def test_a_deleted_sealed_read_is_named_with_its_seal(firm, sealed):
    target, seal = sealed["reads"][0], sealed["seal"]
    raw("DELETE FROM audit_auditevent WHERE id = %s", [target.pk])
    report = verify_fails("--firm", firm.slug)
    assert f"The read event with database id {target.pk}, sealed by event " in report
    assert f"(database id {seal.pk};" in report and "missing (deleted)" in report


def test_a_deleted_read_and_its_sealing_record_are_still_found(firm, sealed):
    target = sealed["reads"][3]
    raw("DELETE FROM audit_sealedread WHERE read_id = %s", [target.pk])
    raw("DELETE FROM audit_auditevent WHERE id = %s", [target.pk])
    report = verify_fails("--firm", firm.slug)
    assert f"The read event with database id {target.pk}, sealed by" in report


def test_a_deleted_seal_is_reported_with_the_reads_it_sealed(firm, sealed):
    seal, reads = sealed["seal"], sealed["reads"]
    raw("DELETE FROM audit_auditevent WHERE id = %s", [seal.pk])
    report = verify_fails("--firm", firm.slug, "--no-seal")
    assert "The newest event 2 is missing (deleted)" in report
    assert f"The seal event with database id {seal.pk} is missing (deleted)" in (report)
    assert f"database ids {reads[0].pk}–{reads[1].pk}" in report


def test_an_unsealed_read_altered_is_named_too(firm, attorney, matter):
    read = _read(firm, attorney, matter)
    raw("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["x", read.pk])
    report = verify_fails("--firm", firm.slug, "--no-seal")
    assert NAMED_ID.findall(report) == [str(read.pk)]


def _read_with_id(firm, attorney, pk):
    """A read inserted with the id it would have had if its transaction had
    committed late (SQLite cannot hold two writers at once)."""
    event = AuditEvent(
        pk=pk,
        org=firm,
        at=AuditEvent.objects.latest("pk").at,
        actor=attorney,
        actor_label=attorney.email,
        action="matter.viewed",
        prev_hash="",
    )
    event.hash = event.compute_hash()
    event.save(force_insert=True)
    return event


def test_a_read_committed_after_a_later_read_was_sealed_is_sealed_once(
    firm, attorney, matter
):
    base = _read(firm, attorney, matter).pk + 1000
    later = _read_with_id(firm, attorney, base + 10)
    first = seal_reads(org=firm)
    earlier = _read_with_id(firm, attorney, base + 5)  # lower id, committed after
    second = seal_reads(org=firm)
    assert later.pk in _sealed_ids(first) and earlier.pk not in _sealed_ids(first)
    assert _sealed_ids(second) == [earlier.pk]
    assert seal_reads(org=firm) == []
    assert audit_verify(org=firm).ok


def _sealed_ids(seals):
    return sorted(
        SealedRead.objects.filter(seal_id__in=[s.pk for s in seals]).values_list(
            "read_id", flat=True
        )
    )


def test_the_jobs_seal_each_firms_reads_into_its_own_chain(
    firm, other_firm, attorney, outsider, matter
):
    mine = [_read(firm, attorney, matter, n) for n in range(3)]
    theirs = audit_record_read(org=other_firm, actor=outsider, action="x.viewed")
    assert tasks.seal_recent_reads.call() == 4
    assert tasks.seal_recent_reads.call() == 0
    mine_seal = AuditEvent.objects.get(org=firm, action=SEALED)
    theirs_seal = AuditEvent.objects.get(org=other_firm, action=SEALED)
    assert _sealed_ids([mine_seal]) == [r.pk for r in mine]
    assert _sealed_ids([theirs_seal]) == [theirs.pk]
    assert audit_verify(org=firm).ok and audit_verify(org=other_firm).ok


def test_the_daily_job_seals_reads_older_than_the_minutes_window(
    firm, attorney, matter
):
    with time_machine.travel("2026-03-01 09:00Z", tick=False):
        old = _read(firm, attorney, matter)
    with time_machine.travel("2026-03-01 12:00Z", tick=False):
        assert tasks.seal_recent_reads.call() == 0
        assert tasks.seal_every_read.call() == 1
    assert SealedRead.objects.get(read_id=old.pk)


def test_the_audit_page_and_csv_list_reads_in_time_order(
    client, firm, firm_admin, attorney, matter
):
    audit_record(org=firm, actor=attorney, action="matter.updated", obj=matter)
    f.sign_in(client, attorney)
    assert (
        client.get(
            reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
        ).status_code
        == 200
    )
    f.sign_in(client, firm_admin)
    body = client.get(reverse("audit:audit_log", args=[firm.slug])).content.decode()
    body = body[body.index("<tbody>") :]  # the rows, not the filter's choices
    opened, changed = body.index("Opened a matter"), body.index("Changed a matter")
    assert opened < changed  # newest first
    assert ">read</span>" in body  # in place of a chain number
    session = client.session
    session[SESSION_KEY] = int(time.time())
    session.save()
    response = client.get(reverse("audit:audit_export", args=[firm.slug]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    actions = [row[5] for row in rows[1:]]
    assert actions[:2] == ["matter.viewed", "matter.updated"]
    assert rows[1][0] == ""  # a read has no number in the chain
    assert audit_verify(org=firm).ok


# --- PostgreSQL: a read never waits for the chain head ---------------------------


def _holding_the_head(firm):
    """A second connection that locks the firm's chain head until released,
    as a long write would."""
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                AuditChainHead.objects.select_for_update().get(org=firm)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert locked.wait(10)
    return thread, release


@pg_only
@pytest.mark.django_db(transaction=True)
def test_a_read_is_recorded_while_a_writer_holds_the_chain_head(firm, attorney, matter):
    audit_record(org=firm, actor=attorney, action="matter.updated", obj=matter)
    thread, release = _holding_the_head(firm)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        read = _read(firm, attorney, matter)  # would raise on a lock wait
        assert read.pk and read.seq is None
        with pytest.raises(OperationalError, match="lock timeout"):
            audit_record(org=firm, actor=attorney, action="matter.updated")
    finally:
        release.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    seal_reads(org=firm)
    assert audit_verify(org=firm).ok


@pg_only
@pytest.mark.django_db(transaction=True)
def test_a_read_that_commits_after_a_seal_of_later_reads_is_sealed_once(
    firm, attorney, matter
):
    inserted, commit = threading.Event(), threading.Event()
    slow = {}

    def slow_reader():
        try:
            with transaction.atomic():
                slow["read"] = _read(firm, attorney, matter, 1)
                inserted.set()
                commit.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_reader)
    thread.start()
    assert inserted.wait(10)
    later = _read(firm, attorney, matter, 2)
    first = seal_reads(org=firm)
    commit.set()
    thread.join()
    earlier = slow["read"]
    assert earlier.pk < later.pk
    assert _sealed_ids(first) == [later.pk]
    second = seal_reads(org=firm)
    assert _sealed_ids(second) == [earlier.pk]
    assert SealedRead.objects.filter(read_id__in=[earlier.pk, later.pk]).count() == 2
    assert audit_verify(org=firm).ok


def test_the_seal_command_seals_and_says_how_many(firm, attorney, matter):
    for n in range(2):
        _read(firm, attorney, matter, n)
    out = io.StringIO()
    call_command("audit", "seal", "--firm", firm.slug, stdout=out)
    assert out.getvalue().strip() == f"{firm.name} ({firm.slug}): 2 read(s) sealed."
    assert SealedRead.objects.filter(org=firm).count() == 2
