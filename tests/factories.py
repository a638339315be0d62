"""Test data builders. Every feature's tests use these through conftest.py."""

import datetime

import factory
from django.utils import timezone

from firmdesk.engagements.models import (
    Assignment,
    ConfidentialityAgreement,
    Engagement,
    MatterGrant,
    nda_text,
    nda_text_hash,
)
from firmdesk.matters.models import Matter
from firmdesk.orgs.models import Membership, Organization, StaffProfile, User
from firmdesk.work.models import Playbook, PlaybookVersion, Task

PASSWORD = "correct horse battery"


def sign_in(client, user):
    """Sign ``user`` in on ``client`` with two-factor passed, as a real session
    of provider staff is. ``force_login`` because django-axes breaks ``login()``;
    the confirmed device in the session is what TwoFactorMiddleware checks."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Test authenticator", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    kind = Organization.Kind.FIRM
    name = factory.Sequence(lambda n: f"Firm {n} LLP")
    slug = factory.Sequence(lambda n: f"firm-{n}")
    time_zone = "America/New_York"
    jurisdiction = "US-NY"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password(PASSWORD)


def member(org, roles, **user_fields):
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, organization=org, roles=list(roles))
    if not org.is_firm:
        StaffProfile.objects.create(
            user=user, organization=org, functions=["scheduling", "documents"]
        )
    return user


class TenantFactory(factory.django.DjangoModelFactory):
    """Tenant models guard ``objects``; test data is written through ``unscoped``."""

    class Meta:
        abstract = True

    @classmethod
    def _get_manager(cls, model_class):
        return model_class.unscoped


class MatterFactory(TenantFactory):
    class Meta:
        model = Matter

    firm = factory.SubFactory(OrganizationFactory)
    # Four digits from 1000: tests name their own matters M-2026-001 to -900,
    # and a generated number equal to one of them in the same firm broke the
    # firm's unique matter number (seen once, depending on test order).
    number = factory.Sequence(lambda n: f"M-2026-{n + 1000:04d}")
    title = factory.Sequence(lambda n: f"Matter {n}")
    practice_area = "Litigation"


def engagement(firm, provider, *, status=Engagement.Status.ACTIVE, **fields):
    defaults = {
        "name": f"{provider.name} for {firm.name}",
        "functions": ["scheduling", "documents", "intake"],
        "base_functions": ["scheduling", "documents"],
        "start_date": datetime.date(2020, 1, 1),
    }
    defaults.update(fields)
    return Engagement.unscoped.create(
        firm=firm, provider=provider, status=status, **defaults
    )


def assign(eng, user, *, functions=("scheduling", "documents"), sign_nda=True):
    Assignment.unscoped.create(
        firm=eng.firm,
        engagement=eng,
        user=user,
        functions=list(functions),
        start_date=datetime.date(2020, 1, 1),
    )
    if sign_nda:
        ConfidentialityAgreement.unscoped.create(
            firm=eng.firm,
            engagement=eng,
            signer=user,
            signed_at=timezone.now(),
            text_sha256=nda_text_hash(nda_text()),
            signed_name=user.full_name,
        )


def grant(eng, matter, user=None):
    return MatterGrant.unscoped.create(
        firm=eng.firm, engagement=eng, matter=matter, user=user
    )


def playbook_version(firm, function="scheduling", *, definition_of_done=()):
    """A playbook with one published version whose definition of done is
    ``definition_of_done``."""
    playbook = Playbook.unscoped.create(firm=firm, function=function)
    version = PlaybookVersion.unscoped.create(
        firm=firm,
        playbook=playbook,
        number=1,
        title="Calendar a court date",
        steps="1. Read the order.",
        definition_of_done=list(definition_of_done),
    )
    playbook.current_version = version
    playbook.save(update_fields=["current_version"])
    return version


def task(
    firm, *, matter=None, assignee=None, function="scheduling", checklist=(), **fields
):
    """A task; ``checklist`` (item texts) gives it a playbook version with that
    definition of done."""
    if checklist:
        fields["playbook_version"] = playbook_version(
            firm, function, definition_of_done=checklist
        )
    return Task.unscoped.create(
        firm=firm,
        matter=matter,
        assignee=assignee,
        function=function,
        title=fields.pop("title", "Calendar the hearing"),
        **fields,
    )
