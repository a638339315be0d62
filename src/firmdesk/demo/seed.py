"""Bulk data for benchmarks: ``firmdesk seed --scale small|large``.

Unlike the demo, speed matters more than ceremony here: rows are built in Python
and written in batches by the seed writer (``seed_writer.insert``: PostgreSQL's
COPY, SQLite's executemany, not ``bulk_create``), without per-row validation or
audit events, and every seeded user shares one password hash, ``SEED_PASSWORD``
(hashing thousands of passwords with Argon2 would take longer than writing
everything else).

Each step is a seeder in ``SEEDERS``: a function taking the ``SeedContext``, which
carries the random generators, the database alias, and what earlier seeders made.
A later feature adds its data by appending a seeder (and, if later seeders need
what it made, a field on the context).
"""

import datetime
import gc
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from itertools import islice
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from faker import Faker
from rich.progress import Progress

from firmdesk.access import mark as access_mark
from firmdesk.access.system import loader
from firmdesk.billing.models import Expense, Invoice, InvoiceLine, Payment, TimeEntry
from firmdesk.conflicts.models import ConflictCheck, ConflictKey
from firmdesk.conflicts.services import IndexedContact, contacts_index_new
from firmdesk.engagements.models import (
    Assignment,
    ConfidentialityAgreement,
    Engagement,
    MatterGrant,
    nda_text,
    nda_text_hash,
)
from firmdesk.insights import rollup
from firmdesk.intake.models import Lead, LeadNote
from firmdesk.matters.models import (
    Contact,
    ContactAlias,
    ContactRelationship,
    Matter,
    MatterParty,
)
from firmdesk.orgs.models import (
    Function,
    Membership,
    Organization,
    Role,
    StaffProfile,
    TrainingRecord,
    User,
)
from firmdesk.scheduling.models import Event, EventAttendee, Reminder
from firmdesk.work.models import Comment, Flag, Review, SlaBreach, Task

from . import seed_database
from .contacts import (
    INSURERS,
    Names,
    Person,
    acronym,
    nickname_alias,
    org_email,
    person_email,
    phone,
)
from .seed_billing import seed_billing
from .seed_insights import seed_insights
from .seed_intake import seed_leads
from .seed_scheduling import seed_events
from .seed_work import seed_playbooks, seed_tasks
from .seed_writer import WRITE_BATCH, insert, insert_rows, new

SEED_PASSWORD = "seed-password-2026"


@dataclass(frozen=True)
class Scale:
    firms: int
    providers: int
    matters_per_firm: int
    staff_per_provider: int
    tasks_per_matter: int
    # Billing (issue 17): the large scale reaches 3,000,000 time entries.
    time_entries_per_matter: int = 12
    expenses_per_matter: int = 2
    invoices_per_matter: int = 2
    provider_bill_months: int = 2


SCALES = {
    "small": Scale(
        firms=5,
        providers=2,
        matters_per_firm=40,
        staff_per_provider=10,
        tasks_per_matter=5,
        time_entries_per_matter=12,
        expenses_per_matter=2,
        invoices_per_matter=2,
        provider_bill_months=2,
    ),
    # Issue 22: 200 firms, 10 providers with 2,000 staff, 200,000 matters,
    # 1,000,000 tasks, about 1,000,000 contacts and as many matter parties,
    # 3,000,000 time entries (2,200,000 on matters, the rest logged on tasks),
    # 500,000 events and 200,000 leads.
    "large": Scale(
        firms=200,
        providers=10,
        matters_per_firm=1000,
        staff_per_provider=200,
        tasks_per_matter=5,
        time_entries_per_matter=11,
        expenses_per_matter=2,
        invoices_per_matter=3,
        provider_bill_months=3,
    ),
}

F = Function
ZONES = [
    ("America/New_York", "US-NY"),
    ("America/New_York", "US-FL"),
    ("America/Chicago", "US-IL"),
    ("America/Chicago", "US-TX"),
    ("America/Denver", "US-CO"),
    ("America/Phoenix", "US-AZ"),
    ("America/Los_Angeles", "US-CA"),
    ("America/Los_Angeles", "US-WA"),
]
OFFSHORE_ZONES = [("Asia/Manila", "PH"), ("America/Bogota", "CO")]
AREA_CODES = ("212", "312", "415", "512", "602", "305", "720", "206", "646", "773")
VISA_LOCALES = ("es_MX", "en_IN", "vi_VN", "pl_PL", "pt_BR")

STAFF_ROLES = {
    Role.ASSISTANT: (F.SCHEDULING, F.DOCUMENTS, F.CASE_MANAGEMENT, F.CRM),
    Role.PARALEGAL: (F.DOCUMENTS, F.CASE_MANAGEMENT, F.RESEARCH, F.BILLING),
    Role.RECEPTIONIST: (F.RECEPTION, F.SCHEDULING),
    Role.INTAKE_SPECIALIST: (F.INTAKE, F.CRM, F.SCHEDULING),
}
STAFF_ROLE_WEIGHTS = {
    Role.ASSISTANT: 40,
    Role.PARALEGAL: 25,
    Role.RECEPTIONIST: 15,
    Role.INTAKE_SPECIALIST: 20,
}
PRACTICE_AREAS = (
    "Litigation",
    "Personal injury",
    "Family law",
    "Estate planning",
    "Real estate",
    "Employment",
    "Immigration",
)
LANGUAGES = ("Spanish", "Filipino", "Portuguese", "French", "Mandarin")
TRAINING = (
    "Confidentiality and privilege for legal support staff",
    "Security awareness: phishing, passwords and devices",
    "HIPAA privacy basics for medical records",
)
MATTER_STATUS_WEIGHTS = {
    Matter.Status.OPEN: 70,
    Matter.Status.PENDING: 10,
    Matter.Status.CLOSED: 15,
    Matter.Status.PRE_EXISTING: 5,
}
MATTER_KINDS = (
    "person v. company",
    "company v. company",
    "injury",
    "estate",
    "marriage",
    "lease",
    "employment",
    "visa",
)
PRE_EXISTING_NOTE = "Seeded; exempt from the conflict check."
# Assistants per provider who work for several of its firms (_floaters).
FLOATERS = 8
# Notes of the further people a matter names (_ContactPlan.people_around).
AROUND = (
    "Family member",
    "Treating physician",
    "Guarantor",
    "Former employer",
    "Landlord",
    "Beneficiary",
)
ALIAS = ContactAlias.Kind
LINK = ContactRelationship.Kind
# Practice areas whose matters have opposing counsel, witnesses and experts.
CONTESTED = ("Litigation", "Personal injury", "Family law", "Employment")
DISPUTE_PROCESS = (
    "Raised in writing with the other side's primary contact; unresolved after "
    "ten business days, the managing attorney and the provider's lead decide."
)


@dataclass
class SeedContext:
    alias: str
    scale: Scale
    rng: random.Random
    fake: Faker
    prefix: str
    progress: Progress
    today: datetime.date = field(default_factory=timezone.localdate)
    now: datetime.datetime = field(default_factory=timezone.now)
    counts: Counter = field(default_factory=Counter)
    password_hash: str = ""
    # What the seeders made, for the seeders after them.
    firms: list[Organization] = field(default_factory=list)
    providers: list[Organization] = field(default_factory=list)
    attorneys: dict[int, list[int]] = field(default_factory=dict)
    firm_staff: dict[int, list[int]] = field(default_factory=dict)
    provider_admins: dict[int, int] = field(default_factory=dict)
    staff: dict[int, list[tuple[int, tuple[str, ...]]]] = field(default_factory=dict)
    # Per firm: (engagement id, user id, functions) of staff it gives access to.
    live_assignments: dict[int, list[tuple[int, int, list[str]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    granting_engagements: list[Engagement] = field(default_factory=list)
    engagements: dict[int, Engagement] = field(default_factory=dict)
    # Per firm and function: the playbook versions, oldest first.
    playbook_versions: dict[int, dict[str, list]] = field(default_factory=dict)
    matters: list[tuple[int, int]] = field(default_factory=list)
    # Per matter, in the order of ``matters``: who its title names.
    casts: list["MatterCast"] = field(default_factory=list)
    seed: int = 1
    _names: dict[str, list[str]] = field(default_factory=dict)

    def bulk(
        self,
        model,
        objects: Iterable,
        *,
        label: str,
        total: int,
        keep: Callable[[Any], Any] = lambda obj: obj.pk,
    ) -> list:
        """Write ``objects`` in batches; return ``keep(obj)`` for each, in order.

        Objects may come from a generator, so a quarter of a million tasks never
        sit in memory at once; only what ``keep`` returns does.
        """
        bar = self.progress.add_task(label, total=total)
        kept: list = []
        batch: list = []
        for obj in objects:
            batch.append(obj)
            if len(batch) == WRITE_BATCH:
                kept.extend(keep(o) for o in insert(self.alias, model, batch))
                self.progress.advance(bar, len(batch))
                batch = []
        if batch:
            kept.extend(keep(o) for o in insert(self.alias, model, batch))
            self.progress.advance(bar, len(batch))
        self.counts[label] += len(kept)
        return kept

    def bulk_rows(
        self,
        model,
        columns: tuple[str, ...],
        rows: Iterable[tuple],
        *,
        label: str,
        total: int,
    ) -> list[int]:
        """Write ``rows``, tuples of ``columns`` (``seed_writer.insert_rows``),
        in batches; return their new keys, in order. For the largest tables:
        no model instance per row."""
        bar = self.progress.add_task(label, total=total)
        keys: list[int] = []
        rows = iter(rows)
        while batch := list(islice(rows, WRITE_BATCH)):
            first = insert_rows(self.alias, model, columns, batch)
            if first is not None:
                keys.extend(range(first, first + len(batch)))
            self.counts[label] += len(batch)
            self.progress.advance(bar, len(batch))
        return keys

    def name_pool(self, kind: str) -> list[str]:
        """Faker is slow per call; draw each kind of name once and recombine."""
        if kind not in self._names:
            make = getattr(self.fake, kind)
            self._names[kind] = [make() for _ in range(400)]
        return self._names[kind]

    def pick(self, kind: str) -> str:
        return self.rng.choice(self.name_pool(kind))

    @cached_property
    def names(self) -> Names:
        """People and companies from several locales, for contacts."""
        return Names(self.seed, size=300)

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)


def _mailbox(first: str, last: str, n: int) -> str:
    return re.sub(r"[^a-z.]", "", f"{first}.{last}".lower()) + str(n)


def _user(ctx: SeedContext, org: Organization, n: int, time_zone: str) -> User:
    first, last = ctx.pick("first_name"), ctx.pick("last_name")
    return new(
        User,
        email=f"{_mailbox(first, last, n)}@{org.slug}.example",
        full_name=f"{first} {last}",
        time_zone=time_zone,
        password=ctx.password_hash,
    )


def seed_organisations(ctx: SeedContext) -> None:
    rng = ctx.rng
    firms = []
    for i in range(1, ctx.scale.firms + 1):
        zone, jurisdiction = rng.choice(ZONES)
        first, last = ctx.pick("first_name"), ctx.pick("last_name")
        partner = ctx.pick("last_name")
        name = rng.choice(
            (
                f"{last} & {partner} LLP",
                f"{last} {partner} PC",
                f"Law Office of {first} {last}",
            )
        )
        firms.append(
            new(
                Organization,
                kind=Organization.Kind.FIRM,
                name=name,
                slug=f"{ctx.prefix}firm-{i:04d}",
                time_zone=zone,
                jurisdiction=jurisdiction,
                require_client_consent=rng.random() < 0.1,
            )
        )
    providers = []
    for i in range(1, ctx.scale.providers + 1):
        zone, jurisdiction = rng.choice(ZONES + OFFSHORE_ZONES)
        providers.append(
            new(
                Organization,
                kind=Organization.Kind.PROVIDER,
                name=f"{ctx.pick('last_name')} Legal Support",
                slug=f"{ctx.prefix}provider-{i:03d}",
                time_zone=zone,
                jurisdiction=jurisdiction,
            )
        )
    ctx.firms = ctx.bulk(
        Organization, firms, label="firms", total=len(firms), keep=lambda o: o
    )
    ctx.providers = ctx.bulk(
        Organization,
        providers,
        label="providers",
        total=len(providers),
        keep=lambda o: o,
    )


def seed_people(ctx: SeedContext) -> None:
    """Firm admins, attorneys and in-house staff; provider admins and staff with
    their profiles and training records."""
    rng = ctx.rng
    # (user, organisation, roles, staff functions or None)
    people: list[tuple[User, Organization, list[str], tuple[str, ...] | None]] = []
    for firm in ctx.firms:
        roles = [[Role.FIRM_ADMIN, Role.ATTORNEY]]
        roles += [[Role.ATTORNEY]] * rng.randint(2, 5)
        roles += [[Role.FIRM_STAFF]] * rng.randint(1, 2)
        for n, member_roles in enumerate(roles):
            people.append(
                (_user(ctx, firm, n, firm.time_zone), firm, member_roles, None)
            )
    for provider in ctx.providers:
        people.append(
            (
                _user(ctx, provider, 0, provider.time_zone),
                provider,
                [Role.PROVIDER_ADMIN],
                None,
            )
        )
        staff_roles = rng.choices(
            list(STAFF_ROLE_WEIGHTS),
            list(STAFF_ROLE_WEIGHTS.values()),
            k=ctx.scale.staff_per_provider,
        )
        for n, role in enumerate(staff_roles, start=1):
            user = _user(ctx, provider, n, provider.time_zone)
            people.append((user, provider, [role], STAFF_ROLES[role]))

    users = ctx.bulk(
        User, (p[0] for p in people), label="users", total=len(people), keep=lambda u: u
    )
    ctx.bulk(
        Membership,
        (
            new(Membership, user=user, organization=org, roles=roles)
            for user, (_, org, roles, _) in zip(users, people, strict=True)
        ),
        label="memberships",
        total=len(people),
    )

    attorneys, firm_staff = defaultdict(list), defaultdict(list)
    staff = defaultdict(list)
    profiles = []
    for user, (_, org, roles, functions) in zip(users, people, strict=True):
        if Role.ATTORNEY in roles:
            attorneys[org.pk].append(user.pk)
        elif Role.FIRM_STAFF in roles:
            firm_staff[org.pk].append(user.pk)
        elif Role.PROVIDER_ADMIN in roles:
            ctx.provider_admins[org.pk] = user.pk
        if functions is None:
            continue
        staff[org.pk].append((user.pk, functions))
        profiles.append(
            new(
                StaffProfile,
                user=user,
                organization=org,
                functions=list(functions),
                practice_areas=rng.sample(PRACTICE_AREAS, 2),
                languages=["English", *rng.sample(LANGUAGES, rng.randint(0, 1))],
                time_zone=org.time_zone,
                background_check_date=ctx.days_ago(rng.randint(30, 900)),
                background_check_result=StaffProfile.CheckResult.CLEAR,
                prior_employers=[
                    {
                        "employer": ctx.pick("company"),
                        "role": "Legal secretary",
                        "from": 2015,
                        "to": 2019 + rng.randint(0, 4),
                    }
                ],
            )
        )
    ctx.attorneys, ctx.firm_staff, ctx.staff = attorneys, firm_staff, staff

    profile_ids = ctx.bulk(
        StaffProfile, profiles, label="staff profiles", total=len(profiles)
    )

    def training() -> Iterator[TrainingRecord]:
        for profile_id in profile_ids:
            for title in TRAINING[:2]:
                completed = ctx.days_ago(rng.randint(10, 300))
                yield new(
                    TrainingRecord,
                    profile_id=profile_id,
                    title=title,
                    completed_on=completed,
                    expires_on=completed + datetime.timedelta(days=365),
                )

    ctx.bulk(
        TrainingRecord,
        training(),
        label="training records",
        total=2 * len(profile_ids),
    )


def _engagement(ctx, firm, provider, status, start: datetime.date) -> Engagement:
    rng = ctx.rng
    extras = [f for f in F.values if f not in (F.SCHEDULING, F.DOCUMENTS)]
    functions = [F.SCHEDULING, F.DOCUMENTS, *rng.sample(extras, rng.randint(1, 4))]
    engagement = new(
        Engagement,
        firm=firm,
        provider=provider,
        name=f"{provider.name} for {firm.name}",
        status=status,
        functions=functions,
        base_functions=functions[:2],
        all_matters=rng.random() < 0.25,
        start_date=start,
        first_response_minutes=rng.choice((15, 30, 60, 120)),
        turnaround_hours={f: rng.choice((2, 4, 8, 16, 24)) for f in functions},
        pricing_model=rng.choice(Engagement.Pricing.values),
        price=Decimal(rng.randint(18, 45)),
        inhouse_hourly_cost=Decimal(rng.randint(38, 65)),
        firm_primary_contact_id=ctx.attorneys[firm.pk][0],
        provider_primary_contact_id=ctx.provider_admins[provider.pk],
        dispute_process=DISPUTE_PROCESS,
    )
    if status == Engagement.Status.PILOT:
        engagement.pilot_start = start
        engagement.pilot_evaluation = start + datetime.timedelta(
            days=rng.randint(60, 90)
        )
        # A pilot names its function and targets (Engagement.clean); fixed
        # values, so the random draws of the rest of the seed stay the same.
        engagement.pilot_function = F.SCHEDULING
        engagement.pilot_targets = {
            "on_time_percent": 90,
            "rework_percent": 10,
            "lead_response_median_minutes": engagement.first_response_minutes,
        }
    if status == Engagement.Status.ENDED:
        engagement.end_date = start + datetime.timedelta(days=rng.randint(90, 400))
        engagement.ended_at = datetime.datetime.combine(
            engagement.end_date, datetime.time(17), tzinfo=firm.tz
        )
        engagement.ended_reason = "Replaced after the annual review."
    return engagement


def _floaters(pool: list[tuple[int, tuple[str, ...]]]) -> list:
    """A provider's first eight assistants: each firm's team takes one to three
    of them, so at the large scale (twenty firms a provider) each serves about
    five firms, some up to eight or more, as the busiest assistants do."""
    assistants = STAFF_ROLES[Role.ASSISTANT]
    return [member for member in pool if member[1] == assistants][:FLOATERS]


def seed_engagements(ctx: SeedContext) -> None:
    """Each firm engages one provider (a fifth of them on a pilot); every fifth
    firm also has an ended engagement with another provider."""
    rng = ctx.rng
    n_providers = len(ctx.providers)
    engagements = []
    for i, firm in enumerate(ctx.firms):
        pilot = rng.random() < 0.2
        status = Engagement.Status.PILOT if pilot else Engagement.Status.ACTIVE
        start = ctx.days_ago(rng.randint(10, 40) if pilot else rng.randint(60, 700))
        engagements.append(
            _engagement(ctx, firm, ctx.providers[i % n_providers], status, start)
        )
        if i % 5 == 4 and n_providers > 1:
            former = ctx.providers[(i + 1) % n_providers]
            engagements.append(
                _engagement(
                    ctx, firm, former, Engagement.Status.ENDED, ctx.days_ago(1200)
                )
            )
    engagements = ctx.bulk(
        Engagement,
        engagements,
        label="engagements",
        total=len(engagements),
        keep=lambda e: e,
    )
    ctx.engagements.update((e.pk, e) for e in engagements)

    assignments = []
    for engagement in engagements:
        pool = ctx.staff[engagement.provider_id]
        floaters = _floaters(pool)
        rest = [member for member in pool if member not in floaters]
        chosen = rng.sample(floaters, min(len(floaters), rng.randint(1, 3)))
        chosen += rng.sample(rest, min(len(rest), rng.randint(3, 9)))
        for user_id, staff_functions in chosen:
            functions = [f for f in staff_functions if f in engagement.functions]
            if not functions:
                continue
            assignments.append(
                new(
                    Assignment,
                    firm_id=engagement.firm_id,
                    engagement=engagement,
                    user_id=user_id,
                    functions=functions,
                    start_date=engagement.start_date,
                    end_date=engagement.end_date,
                )
            )
            if engagement.status != Engagement.Status.ENDED:
                ctx.live_assignments[engagement.firm_id].append(
                    (engagement.pk, user_id, functions)
                )
        if engagement.status != Engagement.Status.ENDED and not engagement.all_matters:
            ctx.granting_engagements.append(engagement)
    ctx.bulk(Assignment, assignments, label="assignments", total=len(assignments))

    text_hash = nda_text_hash(nda_text())
    names = dict(
        User.objects.using(ctx.alias)
        .filter(pk__in={a.user_id for a in assignments})
        .values_list("pk", "full_name")
    )
    ctx.bulk(
        ConfidentialityAgreement,
        (
            new(
                ConfidentialityAgreement,
                firm_id=a.firm_id,
                engagement=a.engagement,
                signer_id=a.user_id,
                signed_at=datetime.datetime.combine(
                    a.start_date, datetime.time(10), tzinfo=datetime.UTC
                ),
                text_sha256=text_hash,
                signed_name=names[a.user_id],
            )
            for a in assignments
        ),
        label="confidentiality agreements",
        total=len(assignments),
    )


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


@dataclass(frozen=True)
class MatterCast:
    """A matter's practice area and the parties its title names (a person, or
    a company's name)."""

    area: str
    client: Person | str
    adverse: Person | str | None = None
    # (party, note): the decedent of an estate, the employer petitioning a visa
    related: tuple[Person | str, str] | None = None


def _matter_cast(ctx: SeedContext) -> tuple[str, MatterCast]:
    """The title and cast of a new matter."""
    rng, names = ctx.rng, ctx.names
    kind = rng.choice(MATTER_KINDS)
    person, company = names.person(rng), names.company(rng)
    if kind == "person v. company":
        return f"{person.last} v. {company}", MatterCast("Litigation", person, company)
    if kind == "company v. company":
        other = names.company(rng)
        return f"{company} v. {other}", MatterCast("Litigation", company, other)
    if kind == "injury":
        other = names.person(rng)
        title = f"{person.last} v. {other.last}"
        return title, MatterCast("Personal injury", person, other)
    if kind == "estate":
        decedent = names.person(rng, locale=person.locale, last=person.last)
        related = (decedent, "Decedent")
        title = f"Estate of {decedent.name}"
        return title, MatterCast("Estate planning", person, None, related)
    if kind == "marriage":
        spouse = names.person(
            rng, female=not person.female, locale=person.locale, last=person.last
        )
        title = f"In re Marriage of {person.last}"
        return title, MatterCast("Family law", person, spouse)
    if kind == "lease":
        title = f"{company}: lease of {names.street(rng)}"
        return title, MatterCast("Real estate", company, names.company(rng))
    if kind == "employment":
        return f"{person.name} v. {company}", MatterCast("Employment", person, company)
    person = names.person(rng, locale=rng.choice(VISA_LOCALES))
    related = (company, "Employer")
    title = f"{person.name}: visa petition"
    return title, MatterCast("Immigration", person, None, related)


def seed_matters(ctx: SeedContext) -> None:
    rng = ctx.rng
    year = ctx.today.year

    def matters() -> Iterator[Matter]:
        for firm in ctx.firms:
            for n in range(1, ctx.scale.matters_per_firm + 1):
                title, cast = _matter_cast(ctx)
                ctx.casts.append(cast)
                status = _weighted(rng, MATTER_STATUS_WEIGHTS)
                age = rng.randint(1, 1500)
                yield new(
                    Matter,
                    firm=firm,
                    number=f"{year}-{n:05d}",
                    title=title,
                    practice_area=cast.area,
                    status=status,
                    opened_on=ctx.days_ago(age),
                    closed_on=(
                        ctx.days_ago(rng.randint(0, age - 1))
                        if status == Matter.Status.CLOSED
                        else None
                    ),
                    responsible_attorney_id=rng.choice(ctx.attorneys[firm.pk]),
                    client_consent_on=(
                        ctx.days_ago(rng.randint(1, 700))
                        if rng.random() < 0.8
                        else None
                    ),
                    note=(
                        PRE_EXISTING_NOTE
                        if status == Matter.Status.PRE_EXISTING
                        else ""
                    ),
                )

    ctx.matters = ctx.bulk(
        Matter,
        matters(),
        label="matters",
        total=len(ctx.firms) * ctx.scale.matters_per_firm,
        keep=lambda m: (m.pk, m.firm_id),
    )


def seed_grants(ctx: SeedContext) -> None:
    """Need-to-know for engagements that do not open every matter: a fifth of the
    firm's matters to the whole team, and a dozen more to each staff member."""
    rng = ctx.rng
    matters_by_firm = defaultdict(list)
    for matter_id, firm_id in ctx.matters:
        matters_by_firm[firm_id].append(matter_id)
    grants: list[MatterGrant] = []
    for engagement in ctx.granting_engagements:
        firm_matters = matters_by_firm[engagement.firm_id]
        for matter_id in rng.sample(firm_matters, len(firm_matters) // 5):
            grants.append(
                new(
                    MatterGrant,
                    firm_id=engagement.firm_id,
                    engagement=engagement,
                    matter_id=matter_id,
                )
            )
        for engagement_id, user_id, _ in ctx.live_assignments[engagement.firm_id]:
            if engagement_id != engagement.pk:
                continue
            for matter_id in rng.sample(firm_matters, min(12, len(firm_matters))):
                grants.append(
                    new(
                        MatterGrant,
                        firm_id=engagement.firm_id,
                        engagement=engagement,
                        matter_id=matter_id,
                        user_id=user_id,
                    )
                )
    ctx.bulk(MatterGrant, grants, label="matter grants", total=len(grants))


class _ContactPlan:
    """Every seeded firm's contacts, aliases, relationships and parties, as
    rows that refer to contacts by their position in ``contacts``.

    Contacts are planned firm by firm, so each firm's are one run of
    positions (``spans``), which is what the conflict index is built from.
    """

    def __init__(self, ctx: SeedContext):
        self.rng = ctx.rng
        self.names = ctx.names
        # (firm id, kind, name, emails, phones, is prospective)
        self.contacts: list[tuple[int, str, str, list, list, bool]] = []
        self.aliases: list[tuple[int, str, str]] = []  # (contact, name, kind)
        self.links: list[tuple[int, str, int]] = []  # (from, kind, to)
        # (firm id, matter id, contact, role, note)
        self.parties: list[tuple[int, int, int, str, str]] = []
        self.spans: dict[int, range] = {}
        self.firm_id = 0
        self.pools: dict[str, list[int]] = {}
        self.attorneys: dict[int, int] = {}  # law firm → its attorney

    def firm(self, firm_id: int, matters: list[tuple[int, MatterCast]]) -> None:
        start = len(self.contacts)
        self.firm_id, self.pools = firm_id, {}
        for matter_id, cast in matters:
            self.matter(matter_id, cast)
        for _ in range(max(1, len(matters) // 10)):
            party = (
                self.names.person(self.rng)
                if self.rng.random() < 0.8
                else self.names.company(self.rng)
            )
            self.add(party, prospective=True)
        self.spans[firm_id] = range(start, len(self.contacts))

    def add(self, party: Person | str, *, prospective: bool = False) -> int:
        rng, index = self.rng, len(self.contacts)
        emails, phones = [], []
        if isinstance(party, Person):
            kind, name = Contact.Kind.PERSON, party.name
            if party.female and rng.random() < 0.15:
                maiden = self.names.surname(rng, party.locale)
                self.aliases.append((index, f"{party.first} {maiden}", ALIAS.MAIDEN))
            nickname = nickname_alias(party)
            if nickname and rng.random() < 0.3:
                self.aliases.append((index, nickname, ALIAS.AKA))
            if rng.random() < 0.5:
                emails.append(person_email(party, rng))
        else:
            kind, name = Contact.Kind.ORGANIZATION, party
            short = acronym(name)
            if short and rng.random() < 0.2:
                self.aliases.append((index, short, ALIAS.ACRONYM))
            if rng.random() < 0.03:
                predecessor = self.names.company(rng)
                self.aliases.append((index, predecessor, ALIAS.PREDECESSOR))
            if rng.random() < 0.5:
                emails.append(org_email(name))
        if rng.random() < 0.4:
            phones.append(phone(rng, AREA_CODES))
        self.contacts.append((self.firm_id, kind, name, emails, phones, prospective))
        return index

    def pooled(self, pool: str, size: int, make: Callable[[int], int]) -> int:
        """A contact of the firm's pool, made by ``make(n)`` until it has ``size``:
        the same few insurers, experts and law firms turn up again and again."""
        members = self.pools.setdefault(pool, [])
        if len(members) < size:
            members.append(make(len(members)))
            return members[-1]
        return self.rng.choice(members)

    def party(self, matter_id: int, contact: int, role: str, note: str = "") -> None:
        self.parties.append((self.firm_id, matter_id, contact, role, note))

    def counsel(self, n: int) -> int:
        law_firm = self.add(self.names.law_firm(self.rng))
        attorney = self.add(self.names.person(self.rng, locale="en_US"))
        self.links.append((law_firm, LINK.EMPLOYER, attorney))
        self.attorneys[law_firm] = attorney
        return law_firm

    def matter(self, matter_id: int, cast: MatterCast) -> None:
        rng, names, R, area = self.rng, self.names, MatterParty.Role, cast.area
        client = self.add(cast.client)
        self.party(matter_id, client, R.CLIENT)
        if not isinstance(cast.client, Person) and rng.random() < 0.2:
            officer = self.add(names.person(rng))
            self.links.append((officer, LINK.OFFICER, client))
        adverse = None
        if cast.adverse is not None:
            adverse = self.add(cast.adverse)
            self.party(matter_id, adverse, R.ADVERSE)
            adverse_org = not isinstance(cast.adverse, Person)
            if area == "Family law":
                self.links.append((adverse, LINK.SPOUSE, client))
            elif area == "Employment":
                self.links.append((adverse, LINK.EMPLOYER, client))
            if adverse_org and rng.random() < 0.15:
                parent = self.pooled(
                    "parent", 10, lambda n: self.add(names.holding(rng, cast.adverse))
                )
                self.links.append((parent, LINK.PARENT, adverse))
        if cast.related is not None:
            party, note = cast.related
            related = self.add(party)
            self.party(matter_id, related, R.RELATED, note)
            kind = LINK.FAMILY if isinstance(party, Person) else LINK.EMPLOYER
            self.links.append((related, kind, client))
        if area == "Personal injury" and adverse is not None:
            insurer = self.pooled("insurer", 6, lambda n: self.add(INSURERS[n]))
            self.links.append((insurer, LINK.INSURER, adverse))
            self.party(matter_id, insurer, R.RELATED, "Liability insurer")
        self.people_around(matter_id, client)
        if area not in CONTESTED:
            return
        if rng.random() < 0.8:
            law_firm = self.pooled("counsel", 15, self.counsel)
            self.party(matter_id, law_firm, R.OPPOSING_COUNSEL)
            self.party(matter_id, self.attorneys[law_firm], R.OPPOSING_COUNSEL)
        if rng.random() < 0.3:
            witness = self.add(names.person(rng))
            self.party(matter_id, witness, R.WITNESS)
            if adverse is not None and rng.random() < 0.5:
                self.links.append((adverse, LINK.EMPLOYER, witness))
        if rng.random() < 0.15:
            expert = self.pooled(
                "expert", 6, lambda n: self.add(names.person(rng, locale="en_US"))
            )
            self.party(matter_id, expert, R.EXPERT)

    def people_around(self, matter_id: int, client: int) -> None:
        """The people a matter's file names besides its main parties: one or
        two more parties (a family member, a physician, a guarantor…) and
        mostly a relative of the client named only in the conflict index."""
        rng, names = self.rng, self.names
        for _ in range(rng.randint(1, 2)):
            other = self.add(names.person(rng))
            self.party(matter_id, other, MatterParty.Role.RELATED, rng.choice(AROUND))
        if rng.random() < 0.95:
            relative = self.add(names.person(rng))
            self.links.append((relative, LINK.FAMILY, client))


def seed_contacts(ctx: SeedContext) -> None:
    """Contacts for every matter (the parties its title names, opposing
    counsel, witnesses, experts, insurers, parent companies and officers),
    with aliases and relationships, a few prospective clients per firm, and
    the conflict index of them all.

    The index is written by the engine's indexer for new contacts
    (``contacts_index_new``) from the names planned here, so its keys are the
    ones ``contact_save`` would write without reading the contacts back; it
    writes through the default database, the one ``seed`` fills.
    """
    matters_by_firm = defaultdict(list)
    for (matter_id, firm_id), cast in zip(ctx.matters, ctx.casts, strict=True):
        matters_by_firm[firm_id].append((matter_id, cast))
    plan = _ContactPlan(ctx)
    for firm in ctx.firms:
        plan.firm(firm.pk, matters_by_firm[firm.pk])

    pks = ctx.bulk(
        Contact,
        (
            new(
                Contact,
                firm_id=firm_id,
                kind=kind,
                name=name,
                emails=emails,
                phones=phones,
                is_prospective=prospective,
            )
            for firm_id, kind, name, emails, phones, prospective in plan.contacts
        ),
        label="contacts",
        total=len(plan.contacts),
    )
    firm_of = [row[0] for row in plan.contacts]
    ctx.bulk(
        ContactAlias,
        (
            new(
                ContactAlias,
                firm_id=firm_of[i],
                contact_id=pks[i],
                name=name,
                kind=kind,
            )
            for i, name, kind in plan.aliases
        ),
        label="contact aliases",
        total=len(plan.aliases),
        keep=lambda obj: None,
    )
    ctx.bulk(
        ContactRelationship,
        (
            new(
                ContactRelationship,
                firm_id=firm_of[a],
                from_contact_id=pks[a],
                kind=kind,
                to_contact_id=pks[b],
            )
            for a, kind, b in plan.links
        ),
        label="contact relationships",
        total=len(plan.links),
        keep=lambda obj: None,
    )
    ctx.bulk(
        MatterParty,
        (
            new(
                MatterParty,
                firm_id=firm_id,
                matter_id=matter_id,
                contact_id=pks[i],
                role=role,
                note=note,
            )
            for firm_id, matter_id, i, role, note in plan.parties
        ),
        label="matter parties",
        total=len(plan.parties),
        keep=lambda obj: None,
    )

    alias_names = defaultdict(list)
    for i, name, _ in plan.aliases:
        alias_names[i].append(name)
    bar = ctx.progress.add_task("conflict index (contacts)", total=len(pks))
    for firm in ctx.firms:
        span = plan.spans[firm.pk]
        ctx.counts["conflict index keys"] += contacts_index_new(
            firm_id=firm.pk,
            contacts=(
                IndexedContact(
                    pk=pks[i],
                    kind=plan.contacts[i][1],
                    names=[plan.contacts[i][2], *alias_names[i]],
                    emails=plan.contacts[i][3],
                    phones=plan.contacts[i][4],
                )
                for i in span
            ),
        )
        ctx.progress.advance(bar, len(span))


def seed_rollup(ctx: SeedContext) -> None:
    """Every seeded firm's insights roll-up, counted from the rows the seeders
    wrote in bulk (``bulk_create`` sends no signal to keep it current)."""
    bar = ctx.progress.add_task("insights roll-up", total=len(ctx.firms))
    for firm in ctx.firms:
        done = rollup.rebuild(firm, using=ctx.alias)
        ctx.counts["work days"] += done.work_days
        ctx.counts["billable days"] += done.billable_days
        ctx.progress.advance(bar)


def seed_logins(ctx: SeedContext) -> dict:
    """Who a benchmark logs in as: the admin (an attorney too) of the first
    firm and one of its matters, and the assistant who serves the most firms,
    with their firms' slugs. Every seeded user's password is SEED_PASSWORD."""
    firm = ctx.firms[0]
    slugs = {f.pk: f.slug for f in ctx.firms}
    served: dict[int, set[int]] = defaultdict(set)
    for firm_id, assignments in ctx.live_assignments.items():
        for _, user_id, functions in assignments:
            if Function.SCHEDULING in functions:
                served[user_id].add(firm_id)
    assistant = max(sorted(served), key=lambda user_id: len(served[user_id]))
    emails = dict(
        User.objects.using(ctx.alias)
        .filter(pk__in=[ctx.attorneys[firm.pk][0], assistant])
        .values_list("pk", "email")
    )
    matter_id = next(pk for pk, firm_id in ctx.matters if firm_id == firm.pk)
    matter = loader(Matter).using(ctx.alias).get(pk=matter_id)
    return {
        "password": SEED_PASSWORD,
        "firm_admin": {
            "email": emails[ctx.attorneys[firm.pk][0]],
            "roles": [Role.FIRM_ADMIN, Role.ATTORNEY],
            "firm": firm.slug,
            "matter_id": matter.pk,
            "matter_public_id": str(matter.public_id),
            "matter_url": f"/f/{firm.slug}/matters/{matter.public_id}/",
        },
        "assistant": {
            "email": emails[assistant],
            "firms": sorted(slugs[f] for f in served[assistant]),
        },
    }


SEEDERS: list[Callable[[SeedContext], None]] = [
    seed_organisations,
    seed_people,
    seed_engagements,
    seed_matters,
    seed_grants,
    seed_playbooks,
    seed_tasks,
    seed_contacts,
    seed_events,
    seed_leads,
    seed_billing,
    seed_insights,
    seed_rollup,
]


# The largest tables, whose secondary indexes and foreign keys PostgreSQL
# builds once after their rows are written (seed_database) rather than row by
# row. No seeder reads them through those indexes before FIRST_INDEXED_READER
# (the insights roll-up counts each firm's rows), which runs after the build.
INDEXED_LATER = (
    Task,
    Review,
    Comment,
    Flag,
    SlaBreach,
    Event,
    EventAttendee,
    Reminder,
    ConflictCheck,
    ConflictKey,
    Lead,
    LeadNote,
    TimeEntry,
    Expense,
    Invoice,
    InvoiceLine,
    Payment,
)
FIRST_INDEXED_READER = seed_rollup


class AlreadySeeded(Exception):
    pass


@dataclass
class SeedResult:
    counts: Counter
    seconds: float
    # Per seeder, in the order they ran: seconds taken and seconds of this
    # process's CPU (on a busy machine the first waits for the second).
    timings: dict[str, tuple[float, float]] = field(default_factory=dict)
    # Who to log in as (seed_logins).
    logins: dict = field(default_factory=dict)


@contextmanager
def _garbage_collector_for_a_large_heap():
    """Python's full garbage collections walk every object the process holds,
    and the seed holds millions for its whole run (the planned matters,
    contacts and their keys): on 8 firms the full collections took a fifth of
    the seed's CPU, and their cost grows with the heap. What one seeder leaves
    for the next is set aside (``gc.freeze``) before the next starts, so the
    collector walks only what is new. Nothing stays set aside when the seed
    ends, whether or not it succeeded."""
    try:
        yield
    finally:
        gc.unfreeze()


def _set_aside_what_is_kept() -> None:
    gc.collect()
    gc.freeze()


def seed_run(
    *,
    scale: Scale,
    seed: int,
    alias: str = DEFAULT_DB_ALIAS,
    progress: Progress,
) -> SeedResult:
    """Run every seeder in one transaction: a failure leaves nothing behind.

    Slugs carry the seed number, so data seeded with different seeds can share
    a database; the same seed twice would collide, and is refused.
    """
    prefix = f"s{seed}-"
    if Organization.objects.using(alias).filter(slug__startswith=prefix).exists():
        raise AlreadySeeded(
            f"This database already holds data seeded with --seed {seed}. "
            "Use another --seed, or a fresh database."
        )
    fake = Faker("en_US")
    fake.seed_instance(seed)
    ctx = SeedContext(
        alias=alias,
        scale=scale,
        rng=random.Random(seed),
        fake=fake,
        prefix=prefix,
        progress=progress,
        password_hash=make_password(SEED_PASSWORD),
        seed=seed,
    )
    started = time.monotonic()
    timings: dict[str, tuple[float, float]] = {}
    connection = connections[alias]
    with (
        _garbage_collector_for_a_large_heap(),
        seed_database.bulk_load(connection),
        transaction.atomic(using=alias),
    ):
        deferred = seed_database.drop(connection, INDEXED_LATER)
        for seeder in SEEDERS:
            _set_aside_what_is_kept()
            if seeder is FIRST_INDEXED_READER:
                began, cpu = time.monotonic(), time.process_time()
                seed_database.rebuild(connection, deferred)
                timings["indexes and foreign keys"] = (
                    time.monotonic() - began,
                    time.process_time() - cpu,
                )
            began, cpu = time.monotonic(), time.process_time()
            seeder(ctx)
            timings[seeder.__name__] = (
                time.monotonic() - began,
                time.process_time() - cpu,
            )
        logins = seed_logins(ctx)
        # The seed writes memberships, assignments and agreements straight into
        # their tables, which the access mark's receivers never hear of.
        access_mark.bump(using=alias)
        began, cpu = time.monotonic(), time.process_time()
        seed_database.analyze(connection)
        timings["planner statistics"] = (
            time.monotonic() - began,
            time.process_time() - cpu,
        )
    began, cpu = time.monotonic(), time.process_time()
    seed_database.vacuum(connection)
    timings["visibility map"] = (time.monotonic() - began, time.process_time() - cpu)
    return SeedResult(
        counts=ctx.counts,
        seconds=time.monotonic() - started,
        timings=timings,
        logins=logins,
    )


def scale_with(name: str, *, firms: int | None) -> Scale:
    scale = SCALES[name]
    return scale if firms is None else replace(scale, firms=firms)
