"""access.rule: one statement of the access rule, with every reason it says no.

The Scope resolver, task routing and the engagement page decide through it; the
matrix below proves that whatever mix of conditions a staff member is in, the
Scope they get and the reasons they are told agree.
"""

import datetime
import itertools

import pytest
from django.urls import reverse

from firmdesk.access import rule
from firmdesk.access.rule import access_check
from firmdesk.access.scope import resolve_scope
from firmdesk.engagements.models import Assignment, ConfidentialityAgreement
from firmdesk.matters.models import MatterScreen
from firmdesk.orgs.models import Absence, StaffProfile
from tests import factories as f

TODAY = datetime.date(2026, 12, 7)


def test_a_firm_member_has_access_and_a_screen_is_the_only_reason_against_a_matter(
    firm, attorney, matter
):
    assert access_check(attorney, firm).allowed
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    check = access_check(attorney, firm, matter=matter)
    assert check.reasons == [rule.SCREENED]


def test_someone_of_another_firm_is_told_they_are_not_in_it(firm, outsider):
    assert access_check(outsider, firm).reasons == [rule.NOT_IN_FIRM]


def test_every_missing_condition_is_named_not_only_the_first(
    firm, engagement, no_nda_assistant
):
    StaffProfile.objects.filter(user=no_nda_assistant).update(status="left")
    Absence.objects.create(
        user=no_nda_assistant,
        kind="leave",
        start=datetime.date(2000, 1, 1),
        end=datetime.date(2999, 1, 1),
    )
    assert access_check(no_nda_assistant, firm).reasons == [
        rule.LEFT,
        rule.NO_AGREEMENT,
        rule.ABSENT,
    ]


def test_an_ended_engagement_and_an_expired_agreement_say_so(
    firm, engagement, assistant
):
    ConfidentialityAgreement.unscoped.filter(signer=assistant).update(
        expires_on=datetime.date(2021, 1, 1)
    )
    assert access_check(assistant, firm).reasons == [rule.AGREEMENT_EXPIRED]
    engagement.status = "ended"
    engagement.end_date = datetime.date(2022, 1, 1)
    engagement.save()
    assert access_check(assistant, firm).reasons == [
        rule.ENGAGEMENT_NOT_LIVE,
        rule.AGREEMENT_EXPIRED,
    ]


def test_need_to_know_reasons_for_a_matter(firm, ungranted_assistant, matter):
    check = access_check(ungranted_assistant, firm, matter=matter)
    assert check.scope is not None and check.reasons == [rule.NOT_GRANTED]
    firm.require_client_consent = True
    firm.save()
    assert access_check(ungranted_assistant, firm, matter=matter).reasons == [
        rule.NOT_GRANTED,
        rule.NO_CONSENT,
    ]


def test_a_task_given_to_someone_opens_it_without_its_matter(
    firm, ungranted_assistant, matter
):
    theirs = f.task(firm, matter=matter, assignee=ungranted_assistant)
    others = f.task(firm, matter=matter)
    assert access_check(ungranted_assistant, firm, task=theirs).allowed
    assert access_check(ungranted_assistant, firm, task=others).reasons == [
        rule.TASK_HIDDEN
    ]


CONDITIONS = ("live", "assigned", "agreement", "present", "active")


@pytest.mark.parametrize(
    "holds",
    [
        dict(zip(CONDITIONS, values, strict=True))
        for values in itertools.product([True, False], repeat=len(CONDITIONS))
    ],
    ids=lambda holds: "-".join(k if v else f"no_{k}" for k, v in holds.items()),
)
def test_the_scope_and_the_reasons_agree_for_every_mix_of_conditions(
    firm, provider, engagement, holds
):
    user = f.member(provider, ["assistant"], full_name="Mia Torres")
    f.assign(engagement, user, sign_nda=holds["agreement"])
    if not holds["assigned"]:
        Assignment.unscoped.filter(user=user).update(end_date=datetime.date(2021, 1, 1))
    if not holds["live"]:
        engagement.status = "ended"
        engagement.save()
    if not holds["present"]:
        Absence.objects.create(user=user, kind="leave", start=TODAY, end=TODAY)
    if not holds["active"]:
        StaffProfile.objects.filter(user=user).update(status="left")
    scope = resolve_scope(user, firm, today=TODAY)
    check = access_check(user, firm, today=TODAY)
    assert (scope is not None) == check.allowed == all(holds.values())
    assert len(check.reasons) == list(holds.values()).count(False)


def test_the_engagement_page_gives_the_rules_reasons(
    client, firm, firm_admin, engagement, no_nda_assistant, assistant
):
    client.force_login(firm_admin)
    url = reverse(
        "engagements:engagement_detail",
        kwargs={"firm_slug": firm.slug, "engagement_id": engagement.public_id},
    )
    body = client.get(url).content.decode()
    assert "Nils Okafor has not signed the confidentiality agreement." in body
    # Current assignments can still be ended from the roster.
    assert body.count(">Remove<span") == 2
