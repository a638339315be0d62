"""Who the soak's clients are: the people of the seeded firms, signed in.

Runs in the soak's own process against its database (Django configured by
``bench/soak.py``), through the app's services: every attorney and outside
assistant gets a session (as after signing in with their second factor) and an
API token per firm, each firm a webhook endpoint pointing at the soak's local
receiver, and every public intake form is listed for the visitors.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from firmdesk.access.scope import resolve_scope
from firmdesk.engagements.models import Engagement
from firmdesk.intake.models import IntakeForm
from firmdesk.integrations.tokens import token_create
from firmdesk.integrations.webhooks import endpoint_create
from firmdesk.matters.models import Matter
from firmdesk.orgs.models import Membership, Organization

# The events the receiver hears: those the soak's writes cause.
WEBHOOK_EVENTS = ["task.submitted", "task.approved", "task.returned", "lead.created"]


@dataclass
class Person:
    """A signed-in user: session cookie, and an API token for each firm."""

    email: str
    public_id: str
    cookie: str
    tokens: dict[str, str] = field(default_factory=dict)


@dataclass
class FirmPlan:
    slug: str
    attorneys: list[Person]
    # (assistant's public id, function, engagement public id) each may be given.
    delegates: list[tuple[str, str, str]]
    matters: list[str]
    intake_forms: list[str]


@dataclass
class Plan:
    firms: dict[str, FirmPlan]
    assistants: list[Person]


def signed_in(user) -> str:
    client = Client()
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Soak authenticator", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def _person(user, people: dict) -> Person:
    if user.pk not in people:
        people[user.pk] = Person(user.email, str(user.public_id), signed_in(user))
    return people[user.pk]


def _token(person: Person, user, firm) -> None:
    if firm.slug not in person.tokens:
        person.tokens[firm.slug] = token_create(
            user=user, firm=firm, name="Soak test client"
        ).secret


def build_plan(*, receiver_url: str, seed: int) -> Plan:
    rng = random.Random(seed)
    people: dict[int, Person] = {}
    firms: dict[str, FirmPlan] = {}
    assistants: dict[int, Person] = {}
    for firm in Organization.objects.filter(kind="firm").order_by("slug"):
        members = Membership.objects.filter(
            organization=firm, is_active=True, user__is_active=True
        ).select_related("user")
        attorneys, admin = [], None
        for membership in members:
            if "attorney" not in membership.roles:
                continue
            attorneys.append(membership.user)
            if admin is None and "firm_admin" in membership.roles:
                admin = membership.user
        if admin is None or not attorneys:
            continue
        admin_scope = resolve_scope(admin, firm)
        endpoint_create(
            scope=admin_scope,
            url=f"{receiver_url}/hook/{firm.slug}",
            description="Soak test receiver",
            events=WEBHOOK_EVENTS,
        )
        delegates = []
        for engagement in Engagement.objects.for_firm(firm).exclude(
            status=Engagement.Status.ENDED
        ):
            for assignment in engagement.assignments.select_related("user"):
                user = assignment.user
                scope = resolve_scope(user, firm)
                shared = [f for f in assignment.functions if f in engagement.functions]
                if scope is None or not shared:
                    continue
                person = _person(user, people)
                _token(person, user, firm)
                assistants[user.pk] = person
                delegates.append(
                    (person.public_id, rng.choice(shared), str(engagement.public_id))
                )
        if not delegates:
            continue
        signed = []
        for user in attorneys:
            person = _person(user, people)
            _token(person, user, firm)
            signed.append(person)
        open_matters = Matter.objects.for_firm(firm).filter(status="open")
        if firm.require_client_consent:
            # Outside staff may work only on these.
            open_matters = open_matters.filter(client_consent_on__isnull=False)
        matters = [
            str(m) for m in open_matters.values_list("public_id", flat=True)[:40]
        ]
        forms = [
            f.slug
            for f in IntakeForm.objects.for_firm(firm).filter(is_active=True)
            if f.practice_area
        ] or [f.slug for f in IntakeForm.objects.for_firm(firm).filter(is_active=True)]
        firms[firm.slug] = FirmPlan(firm.slug, signed, delegates, matters, forms)
    if not firms:
        raise SystemExit(
            "The seeded database has no firm with an attorney and a live "
            "engagement: the soak needs `firmdesk seed --scale small`."
        )
    return Plan(firms, list(assistants.values()))


def people_by_firm(plan: Plan) -> dict[str, list[str]]:
    """Assistant public ids per firm, for the verdict's summary."""
    found = defaultdict(list)
    for slug, firm in plan.firms.items():
        found[slug] = [d[0] for d in firm.delegates]
    return found
