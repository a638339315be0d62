"""The confidentiality text per engagement (issue 20, Build item 2): versions, a
changed text stopping access until people sign again, expiry, and reminders
(engagements/agreement_texts.py, engagements/tasks.py)."""

import datetime

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from firmdesk.access import rule
from firmdesk.access.scope import resolve_scope
from firmdesk.access.selectors import engagement_roster
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.engagements import agreement_texts as texts
from firmdesk.engagements import services, tasks
from firmdesk.engagements.models import (
    NDA_TEXT_VERSION,
    Assignment,
    ConfidentialityAgreement,
    nda_text,
    nda_text_hash,
)
from firmdesk.notify.models import Notification
from firmdesk.work.routing import candidates
from tests import factories as f

NEW_BODY = nda_text() + "\n5. I will not use personal devices for the firm's work.\n"


@pytest.fixture
def admin_scope(firm, firm_admin):
    return resolve_scope(firm_admin, firm)


def _publish(admin_scope, engagement, body=NEW_BODY, **extra):
    fields = {"title": "Confidentiality agreement", "valid_months": None}
    fields.update(extra)
    return texts.text_publish(
        scope=admin_scope, engagement=engagement, body=body, **fields
    )


def _assignment(engagement, user):
    return Assignment.unscoped.get(engagement=engagement, user=user)


def _sign_again(engagement, user):
    return services.nda_self_sign(
        assignment=_assignment(engagement, user), signer=user, signed_name="Typed"
    )


def test_without_a_published_version_the_standard_text_is_signed(engagement):
    current = texts.current_text(engagement)
    assert (current.version, current.body) == (None, nda_text())
    assert current.sha256 == nda_text_hash(nda_text())
    assert current.text_version == NDA_TEXT_VERSION


def test_versions_count_up_and_the_latest_is_current(admin_scope, engagement):
    first = _publish(admin_scope, engagement)
    second = _publish(admin_scope, engagement, body=NEW_BODY + "6. More.\n")
    assert (first.version, second.version) == (1, 2)
    assert texts.current_text(engagement).row == second
    assert [v.version for v in texts.text_versions(engagement)] == [2, 1]


def test_a_changed_text_stops_access_until_the_person_signs_it(
    firm, admin_scope, engagement, assistant
):
    assert resolve_scope(assistant, firm) is not None
    _publish(admin_scope, engagement)

    assert resolve_scope(assistant, firm) is None
    check = rule.access_check(assistant, firm)
    assert check.reasons == [rule.AGREEMENT_CHANGED]

    agreement = _sign_again(engagement, assistant)
    assert agreement.text_sha256 == nda_text_hash(NEW_BODY)
    assert agreement.text_version == "v1"
    assert resolve_scope(assistant, firm) is not None


def test_a_changed_text_in_one_firm_leaves_the_other_firm_alone(
    firm, other_firm, admin_scope, engagement, assistant
):
    _publish(admin_scope, engagement)
    assert resolve_scope(assistant, firm) is None
    assert resolve_scope(assistant, other_firm) is not None


def test_the_same_wording_under_a_new_title_keeps_everyones_access(
    firm, admin_scope, engagement, assistant
):
    row = _publish(admin_scope, engagement, body=nda_text(), title="Our NDA")
    assert row.version == 1
    assert resolve_scope(assistant, firm) is not None
    event = AuditEvent.objects.get(org=firm, action="agreement_text.published")
    assert event.detail["must_sign_again"] == []


def test_publishing_counts_and_tells_who_must_sign_again(
    firm, admin_scope, engagement, assistant, no_nda_assistant, provider_admin
):
    assert texts.people_to_sign_again(engagement, new_sha=nda_text_hash(NEW_BODY)) == [
        assistant
    ]

    _publish(admin_scope, engagement)

    event = AuditEvent.objects.get(org=firm, action="agreement_text.published")
    assert event.detail["must_sign_again"] == [str(assistant.public_id)]
    told = Notification.objects.filter(kind="agreement_text.changed")
    assert {n.user for n in told} == {assistant, provider_admin}
    # Of no firm: the assistant can no longer act for the firm, and a note
    # about a firm reaches only people who may.
    assert {n.firm for n in told} == {None}
    assert "Priya Nair" in told.get(user=provider_admin).body


def test_publishing_line_endings_typed_in_a_browser_keeps_the_hash(
    firm, admin_scope, engagement, assistant
):
    _publish(admin_scope, engagement, body=nda_text().replace("\n", "\r\n"), title="X")
    assert resolve_scope(assistant, firm) is not None


def test_publishing_refuses_nothing_changed_non_admins_and_ended_engagements(
    firm, admin_scope, attorney, engagement
):
    with pytest.raises(ServiceError, match="Nothing has changed"):
        _publish(admin_scope, engagement, body=nda_text())
    with pytest.raises(ServiceError, match="Only a firm admin"):
        _publish(resolve_scope(attorney, firm), engagement)
    with pytest.raises(ServiceError, match="Type the text"):
        _publish(admin_scope, engagement, body="  \n ")
    services.engagement_end(scope=admin_scope, engagement=engagement, reason="Done")
    engagement.refresh_from_db()
    with pytest.raises(ServiceError, match="has ended"):
        _publish(admin_scope, engagement)


def test_the_engagement_roster_and_routing_give_the_changed_text_as_the_reason(
    firm, admin_scope, engagement, assistant
):
    row = _publish(admin_scope, engagement)
    today = datetime.date.today()
    (roster,) = [
        r
        for r in engagement_roster(
            scope=admin_scope, engagement=engagement, today=today
        )
        if r["assignment"].user == assistant
    ]
    assert roster["reasons"] == [rule.AGREEMENT_CHANGED]
    assert roster["text_changed_at"] == row.published_at
    assert not roster["agreement_counts"]

    task = f.task(firm, engagement=engagement)
    (candidate,) = [
        c
        for c in candidates(task, datetime.datetime.now(datetime.UTC))
        if c.user == assistant
    ]
    assert rule.AGREEMENT_CHANGED in candidate.problems


# --- Validity and expiry --------------------------------------------------------


def test_a_signature_expires_after_the_texts_validity(
    firm, admin_scope, engagement, no_nda_assistant
):
    _publish(admin_scope, engagement, valid_months=12)
    with time_machine.travel(datetime.datetime(2027, 1, 31, 15, tzinfo=firm.tz)):
        agreement = _sign_again(engagement, no_nda_assistant)
    assert agreement.expires_on == datetime.date(2028, 1, 31)


def test_the_admin_may_set_an_earlier_expiry_but_not_a_later_one(
    firm, admin_scope, engagement, no_nda_assistant
):
    _publish(admin_scope, engagement, valid_months=6)
    today = datetime.date.today()
    sign = {
        "scope": admin_scope,
        "engagement": engagement,
        "signer": no_nda_assistant,
        "signed_name": "Nils Okafor",
    }
    with pytest.raises(ServiceError) as error:
        services.nda_sign(**sign, expires_on=today + datetime.timedelta(days=400))
    assert error.value.field == "expires_on"
    earlier = today + datetime.timedelta(days=30)
    assert services.nda_sign(**sign, expires_on=earlier).expires_on == earlier


def test_access_holds_on_the_expiry_day_and_stops_the_day_after(
    firm, engagement, assistant
):
    ConfidentialityAgreement.unscoped.filter(engagement=engagement).update(
        expires_on=datetime.date(2027, 3, 10)
    )
    # Late evening in the firm's zone is already the next day in UTC.
    last_day = datetime.datetime(2027, 3, 10, 23, 30, tzinfo=firm.tz)
    with time_machine.travel(last_day, tick=False):
        assert resolve_scope(assistant, firm) is not None
    with time_machine.travel(last_day + datetime.timedelta(hours=1), tick=False):
        assert resolve_scope(assistant, firm) is None
        assert rule.access_check(assistant, firm).reasons == [rule.AGREEMENT_EXPIRED]


# --- Reminders -------------------------------------------------------------------


def _due(now):
    return [d for d in tasks.agreement_expiry_reminders(now) if d.due_at <= now]


def test_reminders_fall_14_and_3_days_before_expiry_and_are_sent_once(
    firm, firm_admin, engagement, assistant
):
    expires = datetime.date(2027, 3, 20)
    agreement = ConfidentialityAgreement.unscoped.get(
        engagement=engagement, signer=assistant
    )
    agreement.expires_on = expires
    agreement.save()
    day_before_notice = datetime.datetime(2027, 3, 5, 12, tzinfo=firm.tz)
    assert _due(day_before_notice) == []

    at_14 = datetime.datetime(2027, 3, 6, 9, tzinfo=firm.tz)
    (item,) = _due(at_14)
    assert item.kind == "engagements.agreement-expiry"
    assert item.due_at == datetime.datetime(2027, 3, 6, tzinfo=firm.tz)
    with time_machine.travel(at_14, tick=False):
        assert item.task.call(*item.args) == 2
        assert item.task.call(*item.args) == 0
    told = Notification.objects.filter(kind="agreement.expiring")
    assert {n.user for n in told} == {assistant, firm_admin}
    assert told.get(user=firm_admin).firm == firm

    at_3 = datetime.datetime(2027, 3, 17, 9, tzinfo=firm.tz)
    (item,) = _due(at_3)
    assert item.object_key == f"{agreement.pk}:3"
    with time_machine.travel(at_3, tick=False):
        assert item.task.call(*item.args) == 2
    assert Notification.objects.filter(kind="agreement.expiring").count() == 4


def test_no_reminder_once_the_person_signed_again_or_the_text_changed(
    firm, admin_scope, engagement, assistant
):
    agreement = ConfidentialityAgreement.unscoped.get(
        engagement=engagement, signer=assistant
    )
    agreement.expires_on = datetime.date(2027, 3, 20)
    agreement.save()
    at_3 = datetime.datetime(2027, 3, 17, 9, tzinfo=firm.tz)
    (item,) = _due(at_3)
    with time_machine.travel(at_3, tick=False):
        _publish(admin_scope, engagement)
        assert item.task.call(*item.args) == 0
    assert not Notification.objects.filter(kind="agreement.expiring").exists()


def test_a_late_signature_gets_only_the_nearest_reminder(firm, engagement, assistant):
    ConfidentialityAgreement.unscoped.filter(engagement=engagement).update(
        expires_on=datetime.date(2027, 3, 20)
    )
    (item,) = _due(datetime.datetime(2027, 3, 18, 9, tzinfo=firm.tz))
    assert item.args[2] == 3


# --- What changed -----------------------------------------------------------------

lines = st.lists(st.text(alphabet="abc xyz.", max_size=12), max_size=12)


@given(old=lines, new=lines)
def test_the_comparison_holds_both_texts_line_for_line(old, new):
    diff = texts.text_diff("\n".join(old), "\n".join(new))
    assert [line for kind, line in diff if kind != "added"] == "\n".join(
        old
    ).splitlines()
    assert [line for kind, line in diff if kind != "removed"] == "\n".join(
        new
    ).splitlines()


@given(body=st.text(alphabet="ab \r\n\t", min_size=1, max_size=40))
def test_normalising_twice_changes_nothing(body):
    once = texts.normalised(body)
    assert texts.normalised(once) == once
    assert "\r" not in once


def test_signatures_list_every_signature_with_its_version_and_standing(
    firm, admin_scope, engagement, assistant, no_nda_assistant
):
    row = _publish(admin_scope, engagement, valid_months=12)
    _sign_again(engagement, assistant)
    services.nda_sign(
        scope=admin_scope,
        engagement=engagement,
        signer=no_nda_assistant,
        signed_name="Nils Okafor",
    )
    rows = texts.signatures(scope=admin_scope, engagement=engagement)
    seen = [(r.agreement.signer, r.version, r.how, r.status) for r in rows]
    assert seen == [
        (no_nda_assistant, row, texts.How.RECORDED, texts.Status.VALID),
        (assistant, row, texts.How.SELF, texts.Status.VALID),
        (assistant, None, texts.How.RECORDED, texts.Status.EARLIER_TEXT),
    ]
    assert rows[2].standard and rows[2].version_label.startswith("FirmDesk standard")
