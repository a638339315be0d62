"""A person's access is kept across requests (``access.scope.resolved_for``)
under the access mark (``access.mark``): every change of an access fact shows
on the very next request, and so does a new day in the firm's zone.

Each test opens a real page once (the cache is warm), changes one fact the
way FirmDesk changes it, and opens the page again.
"""

import datetime
import pickle
import re
import zoneinfo

import pytest
import time_machine
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from firmdesk.access import mark
from firmdesk.access.models import AccessMark
from firmdesk.access.scope import (
    _cache_key,
    active_memberships,
    firms_for_user,
    resolve_scopes,
    resolved_for,
)
from firmdesk.engagements.models import (
    AgreementText,
    Assignment,
    ConfidentialityAgreement,
    Engagement,
    MatterGrant,
)
from firmdesk.matters.models import MatterScreen
from firmdesk.orgs.models import Absence, Membership, Organization, StaffProfile
from tests import factories as f


def _matter_page(matter) -> str:
    return reverse(
        "matters:matter_detail",
        kwargs={"firm_slug": matter.firm.slug, "matter_id": matter.public_id},
    )


def _opens(client, matter) -> bool:
    """Whether the matter's page opens for the signed-in person (a matter
    outside their access answers 404)."""
    status = client.get(_matter_page(matter)).status_code
    assert status in (200, 404), status
    return status == 200


@pytest.fixture
def warm(client):
    """Sign ``user`` in and open the matter's page once, so what their access
    resolves to is kept; returns the signed-in client."""

    def warm_for(user, matter):
        f.sign_in(client, user)
        assert _opens(client, matter)
        assert cache.get(_cache_key(user, mark.current())) is not None
        return client

    return warm_for


def _today(firm) -> datetime.date:
    return timezone.localdate(timezone=firm.tz)


# --- Every fact the resolution reads bumps the mark ---------------------------


def _tables_read(sqls) -> set[str]:
    return {
        table
        for sql in sqls
        for table in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', sql, flags=re.IGNORECASE)
    }


def test_every_table_the_resolution_reads_bumps_the_mark(
    firm, provider, engagement, matter, assistant, attorney, other_firm
):
    """Found by construction: the tables the uncached resolution reads for a
    provider assistant and a firm member, with screens, absences and a
    republished agreement present; a change of any of their rows gives a new
    mark."""
    second = f.MatterFactory(firm=firm, number="M-2026-002")
    MatterScreen.objects.create(firm=firm, matter=second, user=attorney)
    MatterScreen.objects.create(firm=firm, matter=second, user=assistant)
    Absence.objects.create(
        user=assistant,
        start=datetime.date(2020, 3, 1),
        end=datetime.date(2020, 3, 2),
    )
    AgreementText.unscoped.create(
        firm=firm,
        engagement=engagement,
        version=1,
        body="Keep it secret.",
        sha256="0" * 64,
        published_at=timezone.now(),
    )
    tables: set[str] = set()
    for user in (assistant, attorney):
        with CaptureQueriesContext(connection) as captured:
            memberships = active_memberships(user)
            firms_for_user(user, memberships=memberships)
            resolve_scopes(user, [firm, other_firm], memberships=memberships)
        tables |= _tables_read(q["sql"] for q in captured.captured_queries)
    by_table = {model._meta.db_table: model for model in apps.get_models()}
    read = {by_table[table] for table in tables}
    assert {Membership, StaffProfile, Assignment, MatterScreen} <= read
    # Grants are read when a Scope's query runs, never kept with it.
    assert MatterGrant not in read
    for model in read:
        assert model in mark.FACT_MODELS, model
        manager = getattr(model, "unscoped", model._default_manager)
        row = manager.first()
        before = mark.current()
        row.save()
        assert mark.current() != before, f"saving a {model.__name__} kept the mark"
        if model is Organization:  # firms' rows protect theirs: a new one
            row = f.OrganizationFactory(slug="short-lived")
        before = mark.current()
        manager.filter(pk=row.pk).delete()
        assert mark.current() != before, f"deleting a {model.__name__} kept the mark"


def test_what_is_kept_carries_no_grants_and_no_user(firm, matter, assistant):
    scopes = resolved_for(assistant).scopes_for(assistant)
    (scope,) = [s for s in scopes if s.firm == firm]
    assert scope.can_see_matter(matter)  # reads the grants: cached on this Scope
    assert "granted_matter_ids" in vars(scope)
    kept = cache.get(_cache_key(assistant, mark.current()))
    for kept_scope in kept.scopes:
        assert kept_scope.user is None
        assert not {"_grants", "granted_matter_ids"} & set(vars(kept_scope))
    assert b"granted_matter_ids" not in pickle.dumps(kept)
    again = resolved_for(assistant).scopes_for(assistant)
    assert all("granted_matter_ids" not in vars(s) for s in again)
    assert all(s.user is assistant for s in again)


def test_a_warm_cache_reads_no_access_facts(warm, matter, assistant):
    client = warm(assistant, matter)
    with CaptureQueriesContext(connection) as captured:
        assert _opens(client, matter)
    tables = _tables_read(q["sql"] for q in captured.captured_queries)
    assert not {"orgs_membership", "engagements_assignment", "orgs_absence"} & tables


# --- Each kind of fact, changed: the very next request -----------------------


def test_revoked_assignment_ends_access_on_the_next_request(
    warm, engagement, matter, assistant
):
    client = warm(assistant, matter)
    Assignment.unscoped.filter(engagement=engagement, user=assistant).delete()
    assert not _opens(client, matter)


def test_assignment_ended_yesterday_ends_access(warm, engagement, matter, assistant):
    client = warm(assistant, matter)
    assignment = Assignment.unscoped.get(engagement=engagement, user=assistant)
    assignment.end_date = _today(engagement.firm) - datetime.timedelta(days=1)
    assignment.save()
    assert not _opens(client, matter)


def test_agreement_expires_when_the_firms_day_turns(
    client, firm, engagement, matter, assistant
):
    zone = zoneinfo.ZoneInfo(firm.time_zone)
    last_day = datetime.date(2026, 6, 15)
    ConfidentialityAgreement.unscoped.filter(
        engagement=engagement, signer=assistant
    ).update(expires_on=last_day)
    mark.bump()
    late = datetime.datetime(2026, 6, 15, 23, 58, tzinfo=zone)
    with time_machine.travel(late, tick=False) as clock:
        f.sign_in(client, assistant)
        assert _opens(client, matter)
        assert _opens(client, matter)  # served from what was kept
        clock.move_to(late + datetime.timedelta(minutes=4))
        assert not _opens(client, matter)


def test_absence_starting_ends_access(warm, firm, matter, assistant):
    client = warm(assistant, matter)
    today = _today(firm)
    Absence.objects.create(user=assistant, start=today, end=today)
    assert not _opens(client, matter)


def test_screen_added_walls_a_firm_member_off_the_matter(warm, firm, matter, attorney):
    client = warm(attorney, matter)
    MatterScreen.objects.create(firm=firm, matter=matter, user=attorney)
    assert not _opens(client, matter)


def test_deactivated_membership_ends_access(warm, firm, matter, attorney):
    client = warm(attorney, matter)
    membership = Membership.objects.get(user=attorney, organization=firm)
    membership.is_active = False
    membership.save()
    assert not _opens(client, matter)


def test_ended_engagement_ends_access(warm, engagement, matter, assistant):
    client = warm(assistant, matter)
    engagement.status = Engagement.Status.ENDED
    engagement.save()
    assert not _opens(client, matter)


def test_firm_requiring_client_consent_hides_matters_without_it(
    warm, firm, matter, assistant
):
    assert matter.client_consent_on is None
    client = warm(assistant, matter)
    firm.require_client_consent = True
    firm.save()
    assert not _opens(client, matter)


def test_staff_member_who_left_loses_access(warm, provider, matter, assistant):
    client = warm(assistant, matter)
    profile = StaffProfile.objects.get(user=assistant, organization=provider)
    profile.status = StaffProfile.Status.LEFT
    profile.save()
    assert not _opens(client, matter)


def test_republished_agreement_text_asks_for_a_new_signature(
    warm, firm, engagement, matter, assistant
):
    client = warm(assistant, matter)
    AgreementText.unscoped.create(
        firm=firm,
        engagement=engagement,
        version=1,
        body="A stricter text.",
        sha256="1" * 64,
        published_at=timezone.now(),
    )
    assert not _opens(client, matter)


def test_a_grant_taken_away_shows_at_once(warm, engagement, matter, assistant):
    """Grants are never kept: read when the page's query runs."""
    client = warm(assistant, matter)
    MatterGrant.unscoped.filter(engagement=engagement, matter=matter).delete()
    assert not _opens(client, matter)


def test_an_update_outside_the_receivers_shows_after_the_command(
    warm, firm, matter, attorney
):
    """``.update()`` sends no signal: whoever writes facts that way bumps the
    mark (here the operator's command, docs/access.md)."""
    client = warm(attorney, matter)
    Membership.objects.filter(user=attorney, organization=firm).update(is_active=False)
    call_command("access_changed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not _opens(client, matter)


def test_no_mark_row_keeps_nothing(client, firm, matter, attorney):
    AccessMark.objects.all().delete()
    f.sign_in(client, attorney)
    assert _opens(client, matter)
    # A write no receiver hears of, and no bump: seen all the same.
    Membership.objects.filter(user=attorney, organization=firm).update(is_active=False)
    assert not _opens(client, matter)
    assert mark.current() == ""


def test_a_new_mark_row_comes_with_the_next_change(firm, attorney):
    AccessMark.objects.all().delete()
    Membership.objects.filter(user=attorney).first().save()
    assert mark.current()


def test_an_inactive_user_has_no_firms_whatever_is_kept(firm, attorney):
    assert resolved_for(attorney).scopes_for(attorney)
    attorney.is_active = False  # as the request's user, not saved
    assert resolved_for(attorney).scopes_for(attorney) == []


def test_an_api_token_loses_access_on_its_next_call(firm, engagement, assistant):
    """The token's Scope comes from the same kept resolution as the pages."""
    from tests.api.helpers import Api, token_for

    api = Api(token_for(assistant, firm))
    matters = reverse("api:list_matters", kwargs={"firm_slug": firm.slug})
    assert api.get(matters).status_code == 200
    assert api.get(matters).status_code == 200  # served from what was kept
    engagement.status = Engagement.Status.ENDED
    engagement.save()
    assert api.get(matters).status_code == 404


def test_every_migrate_ends_with_a_new_mark(db):
    """Data migrations write facts through historical models, unheard."""
    from django.core.management.sql import emit_post_migrate_signal

    before = mark.current()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert mark.current() not in ("", before)


def test_pages_answer_and_access_stays_right_when_the_cache_does_not(
    client, monkeypatch, firm, matter, engagement, assistant, caplog
):
    """Redis down or restarting: access is worked out from the database on
    every request, so pages keep answering and a revoked assignment still
    ends access at once."""

    def not_answering(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", not_answering)
    monkeypatch.setattr(cache, "set", not_answering)
    f.sign_in(client, assistant)
    assert _opens(client, matter)
    assert "The cache did not answer" in caplog.text
    Assignment.unscoped.filter(engagement=engagement, user=assistant).delete()
    assert not _opens(client, matter)
