import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.engagements import services
from firmdesk.engagements.models import Engagement, nda_text, nda_text_hash
from firmdesk.matters.models import Matter
from tests import factories as f


@pytest.fixture
def admin_scope(firm, firm_admin):
    return resolve_scope(firm_admin, firm)


def test_ending_an_engagement_ends_access_at_once(
    firm, admin_scope, engagement, assistant
):
    assert resolve_scope(assistant, firm) is not None
    services.engagement_end(
        scope=admin_scope, engagement=engagement, reason="Pilot did not meet turnaround"
    )
    assert resolve_scope(assistant, firm) is None
    assert AuditEvent.objects.filter(org=firm, action="engagement.ended").exists()


def test_ending_needs_a_reason(admin_scope, engagement):
    with pytest.raises(ServiceError) as error:
        services.engagement_end(scope=admin_scope, engagement=engagement, reason=" ")
    assert error.value.field == "reason"


def test_only_a_firm_admin_changes_engagements(firm, attorney, engagement):
    with pytest.raises(ServiceError):
        services.engagement_end(
            scope=resolve_scope(attorney, firm), engagement=engagement, reason="x"
        )


def test_pilot_must_run_60_to_90_days(admin_scope, provider):
    with pytest.raises(ValidationError) as error:
        services.engagement_create(
            scope=admin_scope,
            provider=provider,
            name="Trial",
            status="pilot",
            functions=["scheduling"],
            base_functions=["scheduling"],
            pilot_start=datetime.date(2026, 1, 1),
            pilot_evaluation=datetime.date(2026, 1, 31),
        )
    assert "pilot_evaluation" in error.value.message_dict
    assert (
        not Engagement.objects.for_firm(admin_scope.firm).filter(name="Trial").exists()
    )


def test_base_price_covers_only_functions_in_scope(admin_scope, provider):
    with pytest.raises(ValidationError) as error:
        services.engagement_create(
            scope=admin_scope,
            provider=provider,
            name="X",
            functions=["scheduling"],
            base_functions=["billing"],
        )
    assert "base_functions" in error.value.message_dict


def test_assignment_then_nda_gives_access(
    firm, admin_scope, engagement, provider, matter
):
    user = f.member(provider, ["paralegal"], email="pl@northstar.test")
    services.assignment_create(
        scope=admin_scope, engagement=engagement, user=user, functions=["documents"]
    )
    assert resolve_scope(user, firm) is None
    agreement = services.nda_sign(
        scope=admin_scope, engagement=engagement, signer=user, signed_name="P. L."
    )
    assert agreement.text_sha256 == nda_text_hash(nda_text())
    scope = resolve_scope(user, firm)
    assert scope is not None and scope.functions == {"documents"}
    assert not Matter.objects.in_scope(scope).exists()
    services.matter_grant(
        scope=admin_scope, engagement=engagement, matter=matter, user=user
    )
    assert list(Matter.objects.in_scope(resolve_scope(user, firm))) == [matter]


def test_staff_assigned_in_the_firms_evening_get_access_that_evening(
    firm, admin_scope, engagement, provider
):
    # 19:05 in New York is 00:05 the next day in UTC: the assignment must start
    # on the firm's date, or the person waits until the firm's tomorrow.
    assert firm.time_zone == "America/New_York"
    user = f.member(provider, ["paralegal"], email="late@northstar.test")
    with time_machine.travel(
        datetime.datetime(2026, 11, 28, 0, 5, tzinfo=datetime.UTC), tick=False
    ):
        assignment = services.assignment_create(
            scope=admin_scope, engagement=engagement, user=user, functions=["documents"]
        )
        services.nda_sign(
            scope=admin_scope, engagement=engagement, signer=user, signed_name="L."
        )
        assert assignment.start_date == datetime.date(2026, 11, 27)
        assert resolve_scope(user, firm) is not None


def test_nda_cannot_be_recorded_for_someone_not_assigned(
    admin_scope, engagement, provider
):
    user = f.member(provider, ["assistant"], email="x@northstar.test")
    with pytest.raises(ServiceError):
        services.nda_sign(
            scope=admin_scope, engagement=engagement, signer=user, signed_name="X"
        )


def test_someone_outside_the_provider_cannot_be_assigned(
    admin_scope, engagement, outsider
):
    with pytest.raises(ServiceError) as error:
        services.assignment_create(
            scope=admin_scope,
            engagement=engagement,
            user=outsider,
            functions=["scheduling"],
        )
    assert error.value.field == "user"


def test_removing_an_assignment_ends_access(firm, admin_scope, engagement, assistant):
    assignment = engagement.assignments.get(user=assistant)
    services.assignment_end(scope=admin_scope, assignment=assignment)
    assert resolve_scope(assistant, firm) is None


def test_revoking_a_grant_hides_the_matter(
    firm, admin_scope, engagement, assistant, matter
):
    grant = engagement.grants.get(user=assistant)
    services.matter_grant_revoke(scope=admin_scope, grant=grant)
    assert not resolve_scope(assistant, firm).can_see_matter(matter)


def test_grant_of_another_firms_matter_is_refused(
    admin_scope, engagement, other_matter
):
    with pytest.raises(ServiceError):
        services.matter_grant(
            scope=admin_scope, engagement=engagement, matter=other_matter
        )
