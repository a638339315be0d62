"""The demo: two firms, the provider serving both, a former provider, and people in
every role, so each part of the access rule can be tried by signing in as someone.

Every row is found by its natural key (slug, e-mail, matter number, title; a
contact by a UUID derived from its place in the demo, see ``contacts``) and
created only when missing, so loading the demo again changes nothing. Names come
from Faker with a fixed seed; the keys never do, so a different Faker release can
change how people are called but never duplicates them.

Besides the matters its people work on, each firm gets its past (``contacts``):
a few hundred contacts, aliases and relationships, and earlier matters with
their parties, loaded as pre-existing and all in the conflict index.

Dates are relative to the day the demo is first loaded, so the pilot is under way,
tasks fall due this week and the former provider's engagement ended months ago.
"""

import datetime
import hashlib
from base64 import b32encode
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from firmdesk.access import mark as access_mark
from firmdesk.access.system import loader
from firmdesk.audit.services import audit_record
from firmdesk.conflicts.services import employer_name
from firmdesk.engagements.models import (
    Assignment,
    ConfidentialityAgreement,
    Engagement,
    MatterGrant,
    nda_text,
    nda_text_hash,
)
from firmdesk.insights import rollup
from firmdesk.matters.models import Contact, Matter, MatterParty
from firmdesk.orgs.models import (
    Function,
    Membership,
    Organization,
    Role,
    StaffProfile,
    TrainingRecord,
    User,
)
from firmdesk.work import services as work_services
from firmdesk.work.models import Playbook, PlaybookAcknowledgement, Review, Task
from firmdesk.work.starter import STARTER_PLAYBOOKS

from .contacts import CurrentMatter, Names, current_matters, demo_world, world_load
from .demo_api import api_load
from .demo_billing import billing_load
from .demo_documents import documents_load
from .demo_insights import insights_load
from .demo_intake import intake_load
from .demo_scheduling import calendar_load
from .demo_security import security_load, unused_recovery_code
from .seed_work import DEMO_PLAYBOOKS, DEMO_TASK_PLAYBOOKS

DEMO_PASSWORD = "demo-password-2026"
SUPERUSER_EMAIL = "admin@firmdesk.local"
FAKER_SEED = 2026
TOTP_DEVICE_NAME = "Demo authenticator"
PRE_EXISTING_NOTE = "Loaded with the demo; exempt from the conflict check."

FIRM = Organization.Kind.FIRM
PROVIDER = Organization.Kind.PROVIDER
F = Function


@dataclass(frozen=True)
class OrgSpec:
    slug: str
    name: str
    kind: str
    time_zone: str
    jurisdiction: str


ORGS = (
    OrgSpec("hale-ortiz", "Hale & Ortiz LLP", FIRM, "America/New_York", "US-NY"),
    OrgSpec("brandt-kimura", "Brandt & Kimura PC", FIRM, "America/Chicago", "US-IL"),
    OrgSpec(
        "northstar", "Northstar Legal Support", PROVIDER, "America/Chicago", "US-IL"
    ),
    OrgSpec("bygone-assist", "Bygone Assist", PROVIDER, "America/Denver", "US-CO"),
)


@dataclass(frozen=True)
class ProfileSpec:
    functions: tuple[str, ...]
    practice_areas: tuple[str, ...]
    languages: tuple[str, ...]
    time_zone: str
    hours: tuple[str, str]
    training: tuple[str, ...]


@dataclass(frozen=True)
class PersonSpec:
    mailbox: str
    org: str
    roles: tuple[str, ...]
    profile: ProfileSpec | None = None
    # A fixed name draws nothing from Faker, so people added later leave
    # everyone else's name as it was.
    name: str = ""

    @property
    def email(self) -> str:
        return f"{self.mailbox}@{self.org}.example"


CONFIDENTIALITY = "Confidentiality and privilege for legal support staff"
SECURITY = "Security awareness: phishing, passwords and devices"
HIPAA = "HIPAA privacy basics for medical records"
NYSCEF = "New York State Courts e-filing (NYSCEF)"
PHONES = "Legal reception: call screening without giving legal advice"

PEOPLE = (
    PersonSpec("admin", "hale-ortiz", (Role.FIRM_ADMIN, Role.ATTORNEY)),
    PersonSpec("attorney", "hale-ortiz", (Role.ATTORNEY,)),
    PersonSpec("associate", "hale-ortiz", (Role.ATTORNEY,)),
    PersonSpec("staff", "hale-ortiz", (Role.FIRM_STAFF,)),
    PersonSpec("admin", "brandt-kimura", (Role.FIRM_ADMIN, Role.ATTORNEY)),
    PersonSpec("attorney", "brandt-kimura", (Role.ATTORNEY,)),
    PersonSpec("associate", "brandt-kimura", (Role.ATTORNEY,)),
    PersonSpec("staff", "brandt-kimura", (Role.FIRM_STAFF,)),
    PersonSpec("admin", "northstar", (Role.PROVIDER_ADMIN,)),
    PersonSpec(
        "assistant",
        "northstar",
        (Role.ASSISTANT,),
        ProfileSpec(
            (F.SCHEDULING, F.DOCUMENTS, F.CASE_MANAGEMENT, F.CRM),
            ("Litigation", "Personal injury", "Estate planning"),
            ("English", "Spanish"),
            "America/Chicago",
            ("08:00", "17:00"),
            (CONFIDENTIALITY, SECURITY),
        ),
    ),
    PersonSpec(
        "reception",
        "northstar",
        (Role.RECEPTIONIST,),
        ProfileSpec(
            (F.RECEPTION, F.SCHEDULING),
            ("Family law", "Personal injury"),
            ("English",),
            "America/New_York",
            ("08:00", "18:00"),
            (CONFIDENTIALITY, SECURITY, PHONES),
        ),
    ),
    PersonSpec(
        "intake",
        "northstar",
        (Role.INTAKE_SPECIALIST,),
        ProfileSpec(
            (F.INTAKE, F.CRM, F.SCHEDULING),
            ("Personal injury", "Immigration", "Employment"),
            ("English", "Spanish"),
            "America/Chicago",
            ("09:00", "17:30"),
            (CONFIDENTIALITY, SECURITY, HIPAA),
        ),
    ),
    PersonSpec(
        "paralegal",
        "northstar",
        (Role.PARALEGAL,),
        # Works the Manila day, so drafts are ready when New York opens.
        ProfileSpec(
            (F.DOCUMENTS, F.CASE_MANAGEMENT, F.RESEARCH, F.BILLING),
            ("Litigation", "Employment", "Real estate"),
            ("English", "Filipino"),
            "Asia/Manila",
            ("08:00", "17:00"),
            (CONFIDENTIALITY, SECURITY, HIPAA, NYSCEF),
        ),
    ),
    PersonSpec(
        "assistant",
        "bygone-assist",
        (Role.ASSISTANT,),
        ProfileSpec(
            (F.SCHEDULING, F.DOCUMENTS),
            ("Litigation",),
            ("English",),
            "America/Denver",
            ("08:00", "16:00"),
            (CONFIDENTIALITY,),
        ),
    ),
    # Signs Bygone's certificate of the return of Hale & Ortiz's data.
    PersonSpec("admin", "bygone-assist", (Role.PROVIDER_ADMIN,), name="Wendell Marsh"),
)

DISPUTE_PROCESS = (
    "Either side raises a problem in writing with the other's primary contact, "
    "who answers within two business days. If that does not settle it, the firm's "
    "managing attorney and the provider's operations lead meet within ten business "
    "days and decide together; fees for disputed work are held until they do."
)


@dataclass
class DemoLogin:
    email: str
    password: str
    roles: str
    organisation: str
    totp_secret: str = ""
    otpauth_uri: str = ""
    recovery_code: str = ""


@dataclass
class _Loader:
    """Builds the demo row by row, counting what it had to create."""

    fake: Faker
    today: datetime.date
    created: int = 0
    orgs: dict[str, Organization] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)
    current: dict[str, list[CurrentMatter]] = field(default_factory=dict)

    def ensure(self, model, lookup: dict, values: dict, *, org, action, summary, **kw):
        """The row matching ``lookup``; created from ``values`` and audited if new.

        ``org`` is the organisation whose audit chain records the creation; None
        for an organisation, which records its own.
        """
        obj = loader(model).filter(**lookup).first()
        if obj is not None:
            return obj
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        self.created += 1
        audit_record(
            org=obj if org is None else org,
            actor=None,
            action=action,
            obj=obj,
            summary=summary,
            detail={"source": "demo"},
            **kw,
        )
        return obj

    def at(self, org: Organization, day: datetime.date, hour: int) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour), tzinfo=org.tz)

    def days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def person(self, email: str) -> User:
        return self.people[email]

    # -- organisations and people ---------------------------------------------

    def load_orgs(self) -> None:
        for spec in ORGS:
            org = self.ensure(
                Organization,
                {"slug": spec.slug},
                {
                    "name": spec.name,
                    "kind": spec.kind,
                    "time_zone": spec.time_zone,
                    "jurisdiction": spec.jurisdiction,
                },
                org=None,
                action="org.created",
                summary=f"{spec.name} created",
            )
            self.orgs[spec.slug] = org

    def load_people(self) -> None:
        for spec in PEOPLE:
            # Drawn before the lookup so every run consumes Faker identically.
            if spec.name:
                first, last = spec.name.split(" ", 1)
            else:
                first, last = self.fake.first_name(), self.fake.last_name()
            org = self.orgs[spec.org]
            user = User.objects.filter(email=spec.email).first()
            if user is None:
                user = User(
                    email=spec.email,
                    full_name=f"{first} {last}",
                    time_zone=spec.profile.time_zone if spec.profile else org.time_zone,
                )
                user.set_password(DEMO_PASSWORD)
                user.full_clean()
                user.save()
                self.created += 1
            self.people[spec.email] = user
            labels = ", ".join(Role(r).label for r in spec.roles)
            self.ensure(
                Membership,
                {"user": user, "organization": org},
                {"roles": list(spec.roles)},
                org=org,
                action="member.added",
                summary=f"{user} joined as {labels}",
            )
            if spec.profile is not None:
                self.load_profile(user, org, spec.profile)
            if org.kind == PROVIDER:
                self.load_totp_device(user, org)

    def load_profile(self, user: User, org: Organization, spec: ProfileSpec) -> None:
        prior_employers = [
            {
                "employer": self.fake.company(),
                "role": role,
                "from": year,
                "to": year + self.fake.random_int(2, 4),
            }
            for role, year in (("Legal secretary", 2014), ("Office manager", 2019))
        ]
        profile = self.ensure(
            StaffProfile,
            {"user": user},
            {
                "organization": org,
                "functions": list(spec.functions),
                "practice_areas": list(spec.practice_areas),
                "languages": list(spec.languages),
                "time_zone": spec.time_zone,
                "weekly_hours": {str(d): list(spec.hours) for d in range(5)},
                "background_check_date": self.days_ago(400),
                "background_check_result": StaffProfile.CheckResult.CLEAR,
                "prior_employers": prior_employers,
            },
            org=org,
            action="staff.profile_created",
            summary=f"Staff profile for {user}: background check clear",
        )
        for n, title in enumerate(spec.training):
            completed = self.days_ago(60 + 30 * n)
            self.ensure(
                TrainingRecord,
                {"profile": profile, "title": title},
                {
                    "completed_on": completed,
                    "expires_on": completed + datetime.timedelta(days=365),
                },
                org=org,
                action="staff.training_recorded",
                summary=f"{user} completed “{title}”",
            )

    def load_totp_device(self, user: User, org: Organization) -> None:
        self.ensure(
            TOTPDevice,
            {"user": user, "name": TOTP_DEVICE_NAME},
            {"key": demo_totp_key(user.email), "confirmed": True},
            org=org,
            action="two_factor.device_added",
            summary=f"Authenticator app set up for {user}",
        )

    def load_superuser(self) -> None:
        # No organisation, hence no audit chain to write to: the superuser is the
        # operator's account for the Django admin, not a participant in any firm.
        if not User.objects.filter(email=SUPERUSER_EMAIL).exists():
            User.objects.create_superuser(
                SUPERUSER_EMAIL, DEMO_PASSWORD, full_name="FirmDesk Operator"
            )
            self.created += 1

    # -- engagements -------------------------------------------------------------

    def load_engagement(
        self, firm_slug: str, provider_slug: str, status: str, **values
    ) -> Engagement:
        firm, provider = self.orgs[firm_slug], self.orgs[provider_slug]
        return self.ensure(
            Engagement,
            {"firm": firm, "provider": provider, "name": f"{provider} for {firm}"},
            {
                "status": status,
                "dispute_process": DISPUTE_PROCESS,
                "firm_primary_contact": self.person(f"admin@{firm_slug}.example"),
                "firm_backup_contact": self.person(f"attorney@{firm_slug}.example"),
                **values,
            },
            org=firm,
            action="engagement.created",
            summary=f"Engaged {provider} for {', '.join(values['functions'])}",
        )

    def load_engagements(self) -> dict[str, Engagement]:
        northstar_admin = self.person("admin@northstar.example")
        northstar_backup = self.person("paralegal@northstar.example")
        ended_on = self.days_ago(150)
        ended = self.load_engagement(
            "hale-ortiz",
            "bygone-assist",
            Engagement.Status.ENDED,
            functions=[F.SCHEDULING, F.DOCUMENTS],
            base_functions=[F.SCHEDULING, F.DOCUMENTS],
            start_date=self.days_ago(730),
            end_date=ended_on,
            ended_at=self.at(self.orgs["hale-ortiz"], ended_on, 17),
            ended_reason=(
                "Court filings missed the agreed turnaround three months running."
            ),
            first_response_minutes=120,
            turnaround_hours={F.SCHEDULING: 8, F.DOCUMENTS: 24},
            pricing_model=Engagement.Pricing.MONTHLY,
            price=Decimal("1800.00"),
            inhouse_hourly_cost=Decimal("46.00"),
        )
        active = self.load_engagement(
            "hale-ortiz",
            "northstar",
            Engagement.Status.ACTIVE,
            functions=[
                F.SCHEDULING,
                F.DOCUMENTS,
                F.CASE_MANAGEMENT,
                F.INTAKE,
                F.RECEPTION,
                F.CRM,
                F.BILLING,
            ],
            base_functions=[F.SCHEDULING, F.DOCUMENTS, F.CASE_MANAGEMENT, F.RECEPTION],
            start_date=self.days_ago(140),
            first_response_minutes=30,
            turnaround_hours={
                F.SCHEDULING: 4,
                F.DOCUMENTS: 16,
                F.CASE_MANAGEMENT: 8,
                F.INTAKE: 1,
                F.RECEPTION: 1,
                F.CRM: 8,
                F.BILLING: 24,
            },
            after_hours_cover=(
                "Calls 7 am to 9 pm Eastern are answered live; after that they go "
                "to voicemail and are returned by 9 am."
            ),
            after_hours_staff=self.person("reception@northstar.example"),
            pricing_model=Engagement.Pricing.HOURLY,
            price=Decimal("28.00"),
            inhouse_hourly_cost=Decimal("46.00"),
            provider_primary_contact=northstar_admin,
            provider_backup_contact=northstar_backup,
        )
        pilot_start = self.days_ago(21)
        pilot = self.load_engagement(
            "brandt-kimura",
            "northstar",
            Engagement.Status.PILOT,
            functions=[F.SCHEDULING, F.DOCUMENTS, F.INTAKE],
            base_functions=[F.SCHEDULING, F.DOCUMENTS],
            start_date=pilot_start,
            pilot_start=pilot_start,
            pilot_evaluation=pilot_start + datetime.timedelta(days=75),
            pilot_function=F.SCHEDULING,
            pilot_targets={
                "on_time_percent": 90,
                "rework_percent": 10,
                "cost_per_task": 25,
                "lead_response_median_minutes": 60,
            },
            first_response_minutes=60,
            turnaround_hours={F.SCHEDULING: 4, F.DOCUMENTS: 24, F.INTAKE: 2},
            pricing_model=Engagement.Pricing.PER_TASK,
            price=Decimal("22.00"),
            inhouse_hourly_cost=Decimal("41.00"),
            provider_primary_contact=northstar_admin,
            provider_backup_contact=northstar_backup,
        )
        return {"active": active, "pilot": pilot, "ended": ended}

    def load_assignment(self, engagement: Engagement, email: str, functions) -> None:
        user = self.person(email)
        firm = engagement.firm
        assignment = self.ensure(
            Assignment,
            {"engagement": engagement, "user": user},
            {
                "firm": firm,
                "functions": list(functions),
                "start_date": engagement.start_date,
                "end_date": engagement.end_date,
            },
            org=firm,
            action="assignment.saved",
            summary=f"Assigned {user} to {', '.join(functions)}",
        )
        self.ensure(
            ConfidentialityAgreement,
            {"engagement": engagement, "signer": user},
            {
                "firm": firm,
                "signed_at": self.at(firm, assignment.start_date, 10),
                "text_sha256": nda_text_hash(nda_text()),
                "signed_name": user.full_name,
                "recorded_by": engagement.firm_primary_contact,
            },
            org=firm,
            action="nda.signed",
            summary=f"Confidentiality agreement signed by {user}",
        )

    def load_assignments(self, engagements: dict[str, Engagement]) -> None:
        active, pilot = engagements["active"], engagements["pilot"]
        self.load_assignment(
            active,
            "assistant@northstar.example",
            [F.SCHEDULING, F.DOCUMENTS, F.CASE_MANAGEMENT],
        )
        self.load_assignment(
            active, "reception@northstar.example", [F.RECEPTION, F.SCHEDULING]
        )
        self.load_assignment(active, "intake@northstar.example", [F.INTAKE, F.CRM])
        self.load_assignment(
            active,
            "paralegal@northstar.example",
            [F.DOCUMENTS, F.CASE_MANAGEMENT, F.BILLING],
        )
        self.load_assignment(
            pilot, "assistant@northstar.example", [F.SCHEDULING, F.DOCUMENTS]
        )
        self.load_assignment(pilot, "intake@northstar.example", [F.INTAKE])
        self.load_assignment(
            engagements["ended"],
            "assistant@bygone-assist.example",
            [F.SCHEDULING, F.DOCUMENTS],
        )

    # -- matters, grants and tasks -----------------------------------------------

    def attorneys(self, firm_slug: str) -> list[User]:
        return [
            self.person(f"admin@{firm_slug}.example"),
            self.person(f"attorney@{firm_slug}.example"),
            self.person(f"associate@{firm_slug}.example"),
        ]

    def load_matters(self, firm_slug: str) -> list[Matter]:
        firm = self.orgs[firm_slug]
        attorneys = self.attorneys(firm_slug)
        specs = current_matters(firm_slug, self.fake)
        self.current[firm_slug] = specs
        matters = []
        for n, spec in enumerate(specs, start=1):
            area, title = spec.area, spec.title
            number = f"{self.today.year}-{n:04d}"
            matters.append(
                self.ensure(
                    Matter,
                    {"firm": firm, "number": number},
                    {
                        "title": title,
                        "practice_area": area,
                        "status": Matter.Status.PRE_EXISTING,
                        "responsible_attorney": attorneys[n % len(attorneys)],
                        "opened_on": self.days_ago(100 + 45 * n),
                        "client_consent_on": self.days_ago(90 - n),
                        "note": PRE_EXISTING_NOTE,
                    },
                    org=firm,
                    action="matter.created",
                    summary=f"Matter {number} {title} loaded",
                )
            )
        return matters

    def load_grant(self, engagement: Engagement, matter: Matter, email=None) -> None:
        user = self.person(email) if email else None
        self.ensure(
            MatterGrant,
            {"engagement": engagement, "matter": matter, "user": user},
            {"firm": engagement.firm, "granted_by": engagement.firm_primary_contact},
            org=engagement.firm,
            action="matter.granted",
            matter=matter,
            summary=f"Opened {matter.number} to {user or 'the whole team'}",
        )

    def business_day(self, firm: Organization, offset: int) -> datetime.date:
        """``offset`` business days from today in the firm's calendar (0: today,
        or the next business day), so nothing falls due on a weekend."""
        step = datetime.timedelta(days=1 if offset >= 0 else -1)
        day = self.today
        while not firm.is_business_day(day):
            day += step
        for _ in range(abs(offset)):
            day += step
            while not firm.is_business_day(day):
                day += step
        return day

    def load_playbooks(self, engagements: dict[str, Engagement]) -> None:
        """The starter procedures in both firms, acknowledged by the staff of the
        live engagements, so new demo tasks route to someone at once."""
        for slug in ("hale-ortiz", "brandt-kimura"):
            for library in (STARTER_PLAYBOOKS, DEMO_PLAYBOOKS):
                self.created += work_services.playbooks_install_starter(
                    firm=self.orgs[slug], library=library
                )
        for key in ("active", "pilot"):
            engagement = engagements[key]
            firm_id = engagement.firm_id
            for assignment in Assignment.objects.for_firm(firm_id).filter(
                engagement=engagement
            ):
                for playbook in Playbook.objects.for_firm(firm_id).filter(
                    function__in=assignment.functions,
                    current_version__isnull=False,
                ):
                    self.ensure(
                        PlaybookAcknowledgement,
                        {
                            "version_id": playbook.current_version_id,
                            "user": assignment.user,
                        },
                        {"firm": engagement.firm, "playbook": playbook},
                        org=engagement.firm,
                        action="playbook.acknowledged",
                        summary=f"{assignment.user} acknowledged a playbook",
                    )

    def load_task(
        self,
        firm: Organization,
        title: str,
        function: str,
        *,
        due_in: int,
        engagement: Engagement | None = None,
        returned: str = "",
        **values,
    ) -> Task:
        due = self.at(firm, self.business_day(firm, due_in), 17)
        # Each demo task follows the procedure for its own work.
        version = (
            Playbook.objects.for_firm(firm)
            .select_related("current_version")
            .get(key=DEMO_TASK_PLAYBOOKS[title], function=function)
            .current_version
        )
        items = version.definition_of_done if version else []
        status = values.get("status", Task.Status.OPEN)
        finished = status in (Task.Status.SUBMITTED, Task.Status.DONE)
        routed = self.at(firm, self.business_day(firm, min(due_in, 0) - 1), 10)
        values.setdefault("routed_at", routed if values.get("assignee") else None)
        if status != Task.Status.OPEN and values.get("assignee"):
            responded = routed + datetime.timedelta(minutes=25)
            values.setdefault("first_response_at", responded)
        if status == Task.Status.SUBMITTED:
            values.setdefault("submitted_at", due - datetime.timedelta(hours=20))
        if status == Task.Status.DONE:
            values.setdefault("completed_at", due - datetime.timedelta(hours=3))
        task = self.ensure(
            Task,
            {"firm": firm, "title": title},
            {
                "function": function,
                "due_at": due,
                "due_source": Task.DueSource.SERVICE_LEVEL,
                "engagement": engagement,
                "playbook_version": version,
                "review_required": version.needs_review if version else True,
                "output_leaves_firm": version.output_leaves_firm if version else False,
                "checklist_ticked": list(range(len(items))) if finished else [],
                "rework_count": 1 if returned else 0,
                **values,
            },
            org=firm,
            action="task.created",
            matter=values.get("matter"),
            summary=f"Delegated “{title}”",
        )
        if returned:
            self.ensure(
                Review,
                {"task": task},
                {
                    "firm": firm,
                    "reviewer": values.get("requester"),
                    "decision": Review.Decision.RETURNED,
                    "reason": Review.Reason.FORMATTING,
                    "comment": returned,
                },
                org=firm,
                action="task.returned",
                matter=values.get("matter"),
                summary=f"Returned “{title}”",
            )
        return task

    def load_work(self, engagements: dict[str, Engagement]) -> dict[str, list[Matter]]:
        hale, brandt = self.orgs["hale-ortiz"], self.orgs["brandt-kimura"]
        hm = self.load_matters("hale-ortiz")
        bm = self.load_matters("brandt-kimura")
        active, pilot = engagements["active"], engagements["pilot"]

        # Need-to-know: the assistant sees Hale matters 1, 2 and 4 (4 is open to
        # the whole team), the paralegal 1, 3 and 4; nobody outside sees 5.
        self.load_grant(active, hm[0], "assistant@northstar.example")
        self.load_grant(active, hm[1], "assistant@northstar.example")
        self.load_grant(active, hm[0], "paralegal@northstar.example")
        self.load_grant(active, hm[2], "paralegal@northstar.example")
        self.load_grant(active, hm[3])
        self.load_grant(engagements["ended"], hm[0], "assistant@bygone-assist.example")
        self.load_grant(pilot, bm[0], "assistant@northstar.example")
        self.load_grant(pilot, bm[1], "intake@northstar.example")

        self.load_playbooks(engagements)
        hale_attorney = self.person("attorney@hale-ortiz.example")
        brandt_attorney = self.person("attorney@brandt-kimura.example")
        assistant = self.person("assistant@northstar.example")
        paralegal = self.person("paralegal@northstar.example")
        reception = self.person("reception@northstar.example")
        intake = self.person("intake@northstar.example")
        status = Task.Status

        self.load_task(
            hale,
            "Calendar the plant manager's deposition",
            F.SCHEDULING,
            engagement=active,
            matter=hm[0],
            assignee=assistant,
            requester=hale_attorney,
            due_in=2,
        )
        self.load_task(
            hale,
            "Draft the letter to the estate's beneficiaries",
            F.DOCUMENTS,
            engagement=active,
            matter=hm[1],
            assignee=assistant,
            requester=hale_attorney,
            status=status.SUBMITTED,
            due_in=1,
        )
        # Matter 5 is not granted to the assistant: they see this task and
        # nothing else of the matter (task-only access).
        self.load_task(
            hale,
            "Move the mediation session to a date both sides can make",
            F.SCHEDULING,
            engagement=active,
            matter=hm[4],
            assignee=assistant,
            requester=hale_attorney,
            due_in=3,
        )
        self.load_task(
            hale,
            "Assemble the exhibits for the summary judgment motion",
            F.DOCUMENTS,
            engagement=active,
            matter=hm[2],
            assignee=paralegal,
            requester=hale_attorney,
            status=status.IN_PROGRESS,
            due_in=5,
        )
        self.load_task(
            hale,
            "Return yesterday's voicemail from a prospective client",
            F.RECEPTION,
            engagement=active,
            assignee=reception,
            requester=self.person("admin@hale-ortiz.example"),
            due_in=0,
        )
        self.load_task(
            hale,
            "Enter the landlord's new contact details",
            F.CRM,
            engagement=active,
            matter=hm[3],
            assignee=intake,
            requester=hale_attorney,
            status=status.DONE,
            due_in=-2,
        )
        self.load_task(
            hale,
            "Order the certified copy of the deed",
            F.CASE_MANAGEMENT,
            matter=hm[3],
            assignee=self.person("staff@hale-ortiz.example"),
            requester=hale_attorney,
            due_in=4,
        )
        self.load_task(
            brandt,
            "Book a conference room for the settlement conference",
            F.SCHEDULING,
            engagement=pilot,
            matter=bm[0],
            assignee=assistant,
            requester=brandt_attorney,
            due_in=2,
        )
        # Task-only access again, in the other firm: matter 3 is not granted.
        self.load_task(
            brandt,
            "Format the witness list for filing",
            F.DOCUMENTS,
            engagement=pilot,
            matter=bm[2],
            assignee=assistant,
            requester=brandt_attorney,
            status=status.RETURNED,
            returned="Put the witnesses in the order of the pretrial order, "
            "and use the court's caption.",
            due_in=1,
        )
        self.load_task(
            brandt,
            "Follow up on Tuesday's web inquiry about a work visa",
            F.INTAKE,
            engagement=pilot,
            assignee=intake,
            requester=brandt_attorney,
            due_in=1,
        )
        return {"hale-ortiz": hm, "brandt-kimura": bm}

    # -- contacts and the firms' past matters ----------------------------------

    def load_contacts(self, matters: dict[str, list[Matter]]) -> None:
        names = Names(FAKER_SEED)
        for firm_slug, firm_matters in matters.items():
            current = [
                (m.number, spec)
                for m, spec in zip(firm_matters, self.current[firm_slug], strict=True)
            ]
            world = demo_world(firm_slug, self.today, names, current)
            counts = world_load(
                firm=self.orgs[firm_slug],
                world=world,
                attorneys=self.attorneys(firm_slug),
                note=PRE_EXISTING_NOTE,
            )
            self.created += sum(counts.values())

    # The demo paralegal once worked for a company that is now an adverse party
    # of Hale & Ortiz, so the prior-employer check on the engagement page has
    # something to show.
    PRIOR_EMPLOYER_OF = ("paralegal@northstar.example", "hale-ortiz")

    def load_prior_employer_link(self) -> None:
        email, firm_slug = self.PRIOR_EMPLOYER_OF
        profile = loader(StaffProfile).filter(user__email=email).first()
        firm = self.orgs.get(firm_slug)
        if profile is None or firm is None:
            return
        party = (
            loader(MatterParty)
            .filter(
                firm=firm,
                role=MatterParty.Role.ADVERSE,
                contact__kind=Contact.Kind.ORGANIZATION,
            )
            .select_related("contact")
            .order_by("matter__number", "contact__name")
            .first()
        )
        if party is None:
            return
        name = party.contact.name
        history = list(profile.prior_employers or [])
        if any(employer_name(item) == name for item in history):
            return
        history.append(
            {"employer": name, "role": "Records clerk", "from": 2011, "to": 2013}
        )
        profile.prior_employers = history
        profile.save(update_fields=["prior_employers"])
        self.created += 1
        audit_record(
            org=profile.organization,
            actor=None,
            action="staff.profile_changed",
            obj=profile,
            summary=f"Prior employer {name} added to {profile.user}'s profile",
            detail={"source": "demo"},
        )


def demo_totp_key(email: str) -> str:
    """A fixed 20-byte TOTP key per demo user, in the hex form django-otp stores.

    Derived from the e-mail so the secret printed for an authenticator app stays
    the same every time the demo is loaded. Anyone can derive it: demo only.
    """
    return hashlib.blake2b(
        email.encode(), digest_size=20, person=b"firmdesk-demo"
    ).hexdigest()


def demo_load() -> int:
    """Load the demo into the database; return how many rows it had to create."""
    fake = Faker("en_US")
    # Seeding the instance, not the Faker class, leaves the shared random state
    # that factory_boy and other callers use untouched.
    fake.seed_instance(FAKER_SEED)
    loader = _Loader(fake=fake, today=timezone.localdate())
    with transaction.atomic():
        loader.load_orgs()
        # Dates and matter numbers count from the day the demo was first
        # loaded, so loading it again in a later year finds the same matters.
        loader.today = min(
            timezone.localdate(org.created_at) for org in loader.orgs.values()
        )
        loader.load_people()
        loader.load_superuser()
        engagements = loader.load_engagements()
        loader.load_assignments(engagements)
        matters = loader.load_work(engagements)
        loader.load_contacts(matters)
        loader.load_prior_employer_link()
        loader.created += calendar_load(loader, matters)
        loader.created += intake_load(loader, matters)
        loader.created += billing_load(loader, matters)
        loader.created += insights_load(loader, matters)
        loader.created += documents_load(loader, matters)
        loader.created += security_load(loader, matters)
        loader.created += api_load(loader)
        # Some demo history is back-dated with update(), which the insights
        # roll-up does not hear of: count each firm's days again.
        for org in loader.orgs.values():
            if org.is_firm:
                rollup.rebuild(org)
        # Back-dated with update() too: access is worked out afresh.
        access_mark.bump()
    return loader.created


def demo_logins() -> list[DemoLogin]:
    """The demo's sign-ins that exist in this database, in the order of PEOPLE."""
    emails = [p.email for p in PEOPLE] + [SUPERUSER_EMAIL]
    users = {
        u.email: u
        for u in User.objects.filter(email__in=emails).prefetch_related(
            "memberships__organization"
        )
    }
    devices = {
        d.user_id: d
        for d in TOTPDevice.objects.filter(
            user__in=list(users.values()), name=TOTP_DEVICE_NAME, confirmed=True
        ).select_related("user")
    }
    logins = []
    for email in emails:
        user = users.get(email)
        if user is None:
            continue
        memberships = [m for m in user.memberships.all() if m.is_active]
        login = DemoLogin(
            email=email,
            password=DEMO_PASSWORD,
            roles=", ".join(label for m in memberships for label in m.role_labels()),
            organisation=", ".join(m.organization.name for m in memberships),
        )
        if user.is_superuser:
            login.roles = "Django admin (superuser)"
        device = devices.get(user.pk)
        if device is not None:
            login.totp_secret = b32encode(device.bin_key).decode()
            login.otpauth_uri = device.config_url
            login.recovery_code = unused_recovery_code(user)
        logins.append(login)
    return logins
