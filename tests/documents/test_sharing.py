"""Share links (documents/sharing.py): made for final documents only, they stop
working after expiry, after their download limit and after revocation, lock
after five wrong passcodes, and every use is in the firm's audit trail."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.hashers import check_password
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.documents import sharing
from firmdesk.documents.models import Document, ShareLink
from firmdesk.documents.services import document_upload

from .helpers import upload

VISITOR = sharing.Visitor(address="203.0.113.7", user_agent="Mail client 1.0")
NOW = dt.datetime(2026, 12, 7, 15, 0, tzinfo=dt.UTC)


def make_final(document):
    Document.objects.for_firm(document.firm).filter(pk=document.pk).update(
        status=Document.Status.FINAL, finalised_at=timezone.now()
    )
    document.refresh_from_db()
    return document


@pytest.fixture
def final_document(firm, attorney, matter):
    document = document_upload(
        firm=firm,
        actor=attorney,
        uploaded_file=upload("Settlement.pdf"),
        title="Settlement agreement",
        matter=matter,
    )
    return make_final(document)


@pytest.fixture
def scope(firm, attorney):
    return resolve_scope(attorney, firm)


def _create(scope, document, **kwargs):
    kwargs.setdefault("recipient", "Dana Reyes (Acme Corp.)")
    return sharing.share_link_create(scope=scope, document=document, **kwargs)


def _events(firm, action=None):
    events = AuditEvent.objects.filter(org=firm).order_by("pk")
    return list(events.filter(action=action) if action else events)


# --- Making a link ------------------------------------------------------------------


def test_link_keeps_only_the_tokens_digest_and_the_passcodes_hash(
    scope, final_document
):
    link, token = _create(scope, final_document, passcode="harbour-42")
    assert len(token) == 43 and sharing.TOKEN.match(token)
    assert link.token_sha256 == sharing.token_digest(token) != token
    assert not ShareLink.objects.for_firm(link.firm).filter(token_sha256=token)
    assert "harbour-42" not in link.passcode_hash
    assert check_password("harbour-42", link.passcode_hash)
    assert link.version == final_document.current_version


def test_defaults_are_seven_days_and_five_downloads(scope, final_document):
    with time_machine.travel(NOW, tick=False):
        link, _ = _create(scope, final_document)
    assert link.expires_at == NOW + dt.timedelta(days=7)
    assert link.max_downloads == 5 and link.passcode_hash == ""
    assert sharing.link_status(link, NOW) == sharing.LinkStatus.ACTIVE


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("days", 91, "1 to 90 days"),
        ("days", 0, "1 to 90 days"),
        ("days", "next week", "whole number"),
        ("max_downloads", 101, "1 to 100 downloads"),
        ("max_downloads", 0, "1 to 100 downloads"),
        ("passcode", "12345", "at least 6 characters"),
        ("recipient", "   ", "Say who the link is for"),
    ],
)
def test_limits_are_refused_with_the_field_and_what_to_do(
    scope, final_document, field, value, words
):
    with pytest.raises(ServiceError) as refused:
        _create(scope, final_document, **{field: value})
    assert refused.value.field == field and words in refused.value.message
    assert not ShareLink.objects.for_firm(final_document.firm).exists()


def test_the_limits_themselves_are_accepted(scope, final_document):
    link, _ = _create(
        scope, final_document, days=90, max_downloads=100, passcode="123456"
    )
    assert link.max_downloads == 100


@pytest.mark.parametrize(
    "status",
    [Document.Status.DRAFT, Document.Status.IN_REVIEW, Document.Status.APPROVED],
)
def test_only_a_final_document_can_be_shared_and_the_refusal_says_why(
    scope, final_document, status
):
    Document.objects.for_firm(final_document.firm).filter(pk=final_document.pk).update(
        status=status
    )
    with pytest.raises(ServiceError) as refused:
        _create(scope, final_document)
    message = refused.value.message
    assert "Only a final document" in message and "marked final" in message
    assert not ShareLink.objects.for_firm(final_document.firm).exists()


@pytest.mark.parametrize("who", ["firm_staff", "assistant"])
def test_only_attorneys_and_admins_make_links(request, firm, final_document, who):
    scope = resolve_scope(request.getfixturevalue(who), firm)
    with pytest.raises(ServiceError):
        _create(scope, final_document)
    assert sharing.may_share(resolve_scope(request.getfixturevalue("firm_admin"), firm))


def test_making_and_revoking_are_audited_with_the_attorney_as_actor(
    scope, final_document, attorney
):
    link, token = _create(scope, final_document, visitor=VISITOR)
    sharing.share_link_revoke(scope=scope, link=link, visitor=VISITOR)
    created, revoked = (
        _events(link.firm, "share.created")[0],
        _events(link.firm, "share.revoked")[0],
    )
    assert created.actor == revoked.actor == attorney
    assert "Dana Reyes" in created.summary and "5 downloads" in created.summary
    assert created.detail["address"] == "203.0.113.7"
    assert created.object_id == str(link.public_id)
    assert created.matter_id == str(final_document.matter.public_id)
    assert all(token not in e.payload() for e in _events(link.firm))


def test_revoking_twice_says_it_was_already_revoked(scope, final_document):
    link, _ = _create(scope, final_document)
    sharing.share_link_revoke(scope=scope, link=link)
    with pytest.raises(ServiceError, match="already revoked"):
        sharing.share_link_revoke(scope=scope, link=link)
    assert len(_events(link.firm, "share.revoked")) == 1


# --- Using a link: when it stops working --------------------------------------------


def test_token_finds_its_link_and_nothing_else_does(scope, final_document):
    link, token = _create(scope, final_document)
    assert sharing.link_by_token(token) == link
    for wrong in ("", "x" * 43, token[:-1], token + "A", "../" + token[3:], None):
        assert sharing.link_by_token(wrong) is None


def test_link_stops_working_after_its_expiry(scope, final_document):
    with time_machine.travel(NOW, tick=False):
        link, token = _create(scope, final_document, days=2)
    with time_machine.travel(NOW + dt.timedelta(days=2, seconds=-1), tick=False):
        assert sharing.share_visit(link, visitor=VISITOR) == ""
        assert sharing.share_download(link, visitor=VISITOR) == ""
    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        link = sharing.link_by_token(token)
        assert sharing.share_visit(link, visitor=VISITOR) == "expired"
        assert sharing.share_download(link, visitor=VISITOR) == "expired"
    link.refresh_from_db()
    assert link.downloads == 1
    refused = _events(link.firm, "share.refused")
    assert [e.detail["reason"] for e in refused] == ["expired", "expired"]
    assert all(e.actor is None for e in refused)


def test_link_stops_working_after_its_download_limit(scope, final_document):
    link, _ = _create(scope, final_document, max_downloads=2)
    assert [sharing.share_download(link, visitor=VISITOR) for _ in range(3)] == [
        "",
        "",
        "limit",
    ]
    link.refresh_from_db()
    assert link.downloads == 2
    assert sharing.link_status(link) == sharing.LinkStatus.USED_UP
    assert sharing.share_visit(link, visitor=VISITOR) == "limit"
    downloaded = _events(link.firm, "share.downloaded")
    assert [e.detail["download"] for e in downloaded] == [1, 2]
    assert "download 2 of 2" in downloaded[-1].summary
    assert downloaded[0].detail["user_agent"] == "Mail client 1.0"


def test_link_stops_working_at_once_when_revoked(scope, final_document):
    link, token = _create(scope, final_document)
    assert sharing.share_download(link, visitor=VISITOR) == ""
    sharing.share_link_revoke(scope=scope, link=link)
    link = sharing.link_by_token(token)
    assert sharing.link_status(link) == sharing.LinkStatus.REVOKED
    assert sharing.share_visit(link, visitor=VISITOR) == "revoked"
    assert sharing.share_download(link, visitor=VISITOR) == "revoked"
    assert sharing.share_check_passcode(link, "", visitor=VISITOR).refused == "revoked"


def test_every_use_is_in_the_audit_trail_without_an_actor(scope, final_document):
    link, _ = _create(scope, final_document)
    sharing.share_visit(link, visitor=VISITOR)
    sharing.share_download(link, visitor=VISITOR)
    public = [
        e
        for e in _events(link.firm)
        if e.action.startswith("share.") and e.action != "share.created"
    ]
    assert [e.action for e in public] == ["share.viewed", "share.downloaded"]
    assert {e.actor_label for e in public} == {"system"}
    assert all(e.detail["address"] == "203.0.113.7" for e in public)


# --- Passcodes ------------------------------------------------------------------------


def test_right_passcode_opens_and_wrong_one_counts_down(scope, final_document):
    link, _ = _create(scope, final_document, passcode="harbour-42")
    wrong = sharing.share_check_passcode(link, "harbour-41", visitor=VISITOR)
    assert not wrong.ok and wrong.tries_left == 4 and wrong.locked_until is None
    assert sharing.share_check_passcode(link, "harbour-42", visitor=VISITOR).ok
    assert _events(link.firm, "share.refused")[0].detail["reason"] == "passcode"


def test_five_wrong_passcodes_lock_the_link_for_fifteen_minutes(scope, final_document):
    with time_machine.travel(NOW, tick=False):
        link, _ = _create(scope, final_document, passcode="harbour-42")
    for minute in range(5):
        with time_machine.travel(NOW + dt.timedelta(minutes=2 * minute), tick=False):
            check = sharing.share_check_passcode(link, "guess", visitor=VISITOR)
    locked_at = NOW + dt.timedelta(minutes=8)
    assert check.locked_until == locked_at + sharing.LOCK_FOR
    assert len(_events(link.firm, "share.locked")) == 1
    # Locked: even the right passcode is refused, and that is audited.
    with time_machine.travel(locked_at + dt.timedelta(minutes=14), tick=False):
        check = sharing.share_check_passcode(link, "harbour-42", visitor=VISITOR)
        assert not check.ok and check.locked_until == locked_at + sharing.LOCK_FOR
        assert sharing.locked_until(link) is not None
    assert _events(link.firm, "share.refused")[-1].detail["reason"] == "locked"
    # Fifteen minutes later it opens again, with a fresh set of tries.
    with time_machine.travel(locked_at + dt.timedelta(minutes=15), tick=False):
        assert sharing.locked_until(link) is None
        again = sharing.share_check_passcode(link, "guess", visitor=VISITOR)
        assert again.tries_left == 4
        assert sharing.share_check_passcode(link, "harbour-42", visitor=VISITOR).ok


def test_wrong_passcodes_spread_over_more_than_fifteen_minutes_do_not_lock(
    scope, final_document
):
    with time_machine.travel(NOW, tick=False):
        link, _ = _create(scope, final_document, passcode="harbour-42")
    for step in range(6):
        with time_machine.travel(NOW + dt.timedelta(minutes=4 * step), tick=False):
            check = sharing.share_check_passcode(link, "guess", visitor=VISITOR)
    assert check.locked_until is None and check.tries_left == 1
    assert not _events(link.firm, "share.locked")


def test_a_lock_on_one_link_leaves_the_firms_other_links_alone(scope, final_document):
    locked, _ = _create(scope, final_document, passcode="harbour-42")
    other, _ = _create(scope, final_document, passcode="harbour-42")
    for _ in range(5):
        sharing.share_check_passcode(locked, "guess", visitor=VISITOR)
    assert sharing.locked_until(locked) is not None
    assert sharing.locked_until(other) is None
    assert sharing.share_check_passcode(other, "harbour-42", visitor=VISITOR).ok


# --- Two downloads at the same moment (PostgreSQL) ------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_downloads_never_pass_the_limit(firm, attorney, matter):
    """Eight visitors press Download at the same moment on a link with three
    downloads left: three get the file. Run on PostgreSQL, where the requests
    really run at once (SQLite serialises writers anyway)."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs a database that runs transactions at the same time")
    document = make_final(
        document_upload(
            firm=firm, actor=attorney, uploaded_file=upload("Deed.pdf"), matter=matter
        )
    )
    link, token = _create(resolve_scope(attorney, firm), document, max_downloads=3)
    start = threading.Barrier(8)
    results = []

    def press_download():
        try:
            own = sharing.link_by_token(token)
            start.wait()
            results.append(sharing.share_download(own, visitor=VISITOR))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press_download) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    link.refresh_from_db()
    assert sorted(results) == ["", "", "", "limit", "limit", "limit", "limit", "limit"]
    assert link.downloads == 3
    assert len(_events(firm, "share.downloaded")) == 3


# --- The rules as properties ----------------------------------------------------------


@given(
    days=st.integers(-5, 200),
    downloads=st.integers(-5, 200),
    passcode=st.text(max_size=12),
)
def test_terms_are_accepted_exactly_within_the_limits(days, downloads, passcode):
    terms, problems = sharing.share_terms(
        recipient="Dana", days=str(days), max_downloads=downloads, passcode=passcode
    )
    fine = {
        "days": 1 <= days <= 90,
        "max_downloads": 1 <= downloads <= 100,
        "passcode": passcode == "" or len(passcode) >= 6,
    }
    assert {p.field for p in problems} == {k for k, ok in fine.items() if not ok}
    assert (terms is not None) == all(fine.values())


@given(
    downloads=st.integers(0, 120),
    max_downloads=st.integers(1, 100),
    hours_left=st.integers(-48, 48),
    revoked=st.booleans(),
)
def test_a_link_is_active_only_when_nothing_has_stopped_it(
    downloads, max_downloads, hours_left, revoked
):
    link = ShareLink(
        downloads=downloads,
        max_downloads=max_downloads,
        expires_at=NOW + dt.timedelta(hours=hours_left),
        revoked_at=NOW if revoked else None,
    )
    status = sharing.link_status(link, NOW)
    works = not revoked and hours_left > 0 and downloads < max_downloads
    assert (status == sharing.LinkStatus.ACTIVE) == works
    assert (sharing.refusal(link, NOW) == "") == works
    if revoked:
        assert status == sharing.LinkStatus.REVOKED
