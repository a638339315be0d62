"""The roll-up stays equal to a count from the raw rows, whatever the firm does
(issue 18, "Done means").

Hypothesis draws a series of changes made through the real services: work
delegated to two outside teams and in-house, started, handed in, returned
for a reason, approved, completed, cancelled, its due time moved, its
service level breached; time logged on tasks, typed, edited, moved and
deleted, by attorneys, in-house staff and outside staff; leads taken and
called back; feedback asked for and answered; provider bills entered and
reconciled. The clock moves on between changes, by minutes or by days, in a
firm 13 hours ahead of UTC, so work late in the evening and just after
midnight lands on the firm's day, not UTC's. After the series every
``WorkDay`` and ``BillableDay`` must equal what ``rollup.compute`` counts from
the raw rows (a row of zeros and no row read alike).
"""

import contextlib
import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmdesk.access.scope import resolve_scope
from firmdesk.billing import provider_bills
from firmdesk.billing import time_entries as billing
from firmdesk.billing.models import ProviderBill, TimeEntry
from firmdesk.common.errors import ServiceError
from firmdesk.insights import rollup
from firmdesk.intake import services as intake
from firmdesk.intake.models import FeedbackRequest, Lead
from firmdesk.orgs.models import Organization, StaffProfile, TrainingRecord
from firmdesk.work import services as work
from firmdesk.work import tasks as work_jobs
from firmdesk.work.models import Review, Task
from tests import factories as f

from .test_rollup import AKL

START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=AKL)  # a Monday morning
REASONS = Review.Reason.values
ACTIONS = (
    "delegate",
    "delegate",
    "delegate",
    "advance",
    "advance",
    "advance",
    "advance",
    "advance",
    "advance",
    "redue",
    "breach",
    "log",
    "record",
    "record",
    "edit_entry",
    "delete_entry",
    "lead",
    "contact",
    "ask_feedback",
    "answer",
    "bill",
    "reconcile",
)


def _trained(user):
    TrainingRecord.objects.create(
        profile=StaffProfile.objects.get(user=user),
        title="Confidentiality and data handling",
        completed_on=datetime.date(2026, 1, 5),
    )


@pytest.fixture
def world(firm, engagement, matter, assistant, attorney, firm_staff):
    """A firm in Auckland with two outside teams and its own people."""
    firm.time_zone = "Pacific/Auckland"
    firm.save()
    engagement.turnaround_hours = {"scheduling": 4}
    engagement.save()
    _trained(assistant)
    harbor = f.OrganizationFactory(
        kind=Organization.Kind.PROVIDER, name="Harbor Assist", slug="harbor"
    )
    second = f.engagement(firm, harbor, name="Harbor for Hale")
    other_assistant = f.member(
        harbor, ["assistant"], email="kai@harbor.test", full_name="Kai Moana"
    )
    f.assign(second, other_assistant)
    f.grant(second, matter, other_assistant)
    _trained(other_assistant)
    return {
        "firm": Organization.objects.get(pk=firm.pk),
        "matter": matter,
        "teams": [
            (engagement, assistant),
            (second, other_assistant),
            (None, firm_staff),
        ],
        "people": [attorney, assistant, firm_staff],
        "attorney": attorney,
    }


class Run:
    """One series of changes, made one at a time at the moving clock."""

    def __init__(self, world):
        self.firm = world["firm"]
        self.matter = world["matter"]
        self.teams = world["teams"]
        self.people = world["people"]
        self.attorney = world["attorney"]
        self.now = START
        self.tasks: list[int] = []
        self.entries: list[int] = []
        self.leads: list[int] = []
        self.requests: list[int] = []
        self.bills: list[int] = []
        self.made = 0

    def scope(self, user):
        return resolve_scope(user, self.firm)

    def today(self) -> datetime.date:
        return self.now.astimezone(AKL).date()

    @staticmethod
    def pick(rows: list[int], n: int) -> int | None:
        return rows[n % len(rows)] if rows else None

    def task(self, n: int) -> Task | None:
        pk = self.pick(self.tasks, n)
        return None if pk is None else Task.objects.for_firm(self.firm).get(pk=pk)

    def do(self, action: str, n: int, choice: int) -> None:
        getattr(self, action)(n, choice)

    # --- Work ------------------------------------------------------------------

    def delegate(self, n, choice):
        engagement, assignee = self.teams[choice % 3]
        due_hours = (None, 2, 9, 40)[choice // 3 % 4]
        self.made += 1
        task = work.task_create(
            scope=self.scope(self.attorney),
            title=f"Calendar hearing {self.made}",
            function="scheduling",
            matter=self.matter if choice % 2 else None,
            engagement=engagement,
            in_house=engagement is None,
            no_playbook=True,
            due_at=self.now + datetime.timedelta(hours=due_hours)
            if due_hours
            else None,
            review_required=choice % 5 != 0,
            assignee=assignee,
        )
        self.tasks.append(task.pk)

    def advance(self, n, choice):
        """Move a task one step along its way: started, handed in, returned
        for a reason or approved, completed; now and then cancelled."""
        task = self.task(n)
        if task is None:
            return
        S = Task.Status
        if task.status in (S.OPEN, S.IN_PROGRESS, S.RETURNED) and choice % 9 == 0:
            work.task_cancel(
                scope=self.scope(self.attorney),
                task=task,
                revision=task.revision,
                reason="The hearing was vacated.",
            )
        elif task.status in (S.OPEN, S.RETURNED) and choice % 2:
            work.task_start(
                scope=self.scope(task.assignee), task=task, revision=task.revision
            )
        elif task.status in (S.OPEN, S.IN_PROGRESS, S.RETURNED):
            work.task_submit(
                scope=self.scope(task.assignee), task=task, revision=task.revision
            )
        elif task.status == S.SUBMITTED:
            work.task_review(
                scope=self.scope(self.attorney),
                task=task,
                revision=task.revision,
                approve=choice % 3 != 0,
                reason=REASONS[choice % len(REASONS)],
                comment="Use the court's own date format.",
            )
        elif task.status == S.APPROVED:
            work.task_complete(
                scope=self.scope(self.attorney), task=task, revision=task.revision
            )

    def redue(self, n, choice):
        task = self.task(n)
        if task is not None:
            work.task_edit(
                scope=self.scope(self.attorney),
                task=task,
                revision=task.revision,
                due_at=self.now + datetime.timedelta(hours=choice % 30 + 1),
            )

    def breach(self, n, choice):
        task = self.task(n)
        if task is not None and task.due_at is not None:
            with time_machine.travel(task.due_at + datetime.timedelta(minutes=1)):
                work_jobs.sla_breach.call(task.pk, task.due_at.isoformat())

    # --- Time ------------------------------------------------------------------

    def log(self, n, choice):
        task = self.task(n)
        if task is not None and task.assignee is not None:
            billing.time_log_on_task(
                scope=self.scope(task.assignee),
                task=task,
                revision=task.revision,
                minutes=choice * 7 % 240 + 5,
                date=self.today(),
            )

    def record(self, n, choice):
        person = self.people[choice % 3]
        entry = billing.time_entry_create(
            scope=self.scope(person),
            fields=billing.EntryFields(
                date=self.today() - datetime.timedelta(days=n % 3),
                hours=Decimal(choice % 8 + 1) / 4,
                matter=self.matter,
                billable=choice % 4 != 0,
            ),
        )
        self.entries.append(entry.pk)

    def _entry(self, n) -> TimeEntry | None:
        pk = self.pick(self.entries, n)
        return None if pk is None else TimeEntry.objects.for_firm(self.firm).get(pk=pk)

    def edit_entry(self, n, choice):
        entry = self._entry(n)
        if entry is not None:
            billing.time_entry_update(
                scope=self.scope(entry.timekeeper),
                entry=entry,
                fields=billing.EntryFields(
                    date=entry.date + datetime.timedelta(days=choice % 5 - 2),
                    hours=Decimal(choice % 12 + 1) / 4,
                    matter=entry.matter,
                    billable=choice % 3 != 0,
                ),
            )

    def delete_entry(self, n, choice):
        entry = self._entry(n)
        if entry is not None:
            billing.time_entry_delete(scope=self.scope(entry.timekeeper), entry=entry)
            self.entries.remove(entry.pk)

    # --- Intake ----------------------------------------------------------------

    def lead(self, n, choice):
        self.made += 1
        lead = intake.lead_create(
            scope=self.scope(self.attorney),
            actor=self.attorney,
            source="phone",
            submission=intake.Submission(
                name=f"Caller {self.made}", phone="+1 212 555 0100"
            ),
        )
        self.leads.append(lead.pk)

    def _lead(self, n) -> Lead | None:
        pk = self.pick(self.leads, n)
        return None if pk is None else Lead.objects.for_firm(self.firm).get(pk=pk)

    def contact(self, n, choice):
        lead = self._lead(n)
        if lead is not None:
            intake.lead_log_contact(
                scope=self.scope(self.attorney),
                lead=lead,
                actor=self.attorney,
                kind=("call", "email", "note")[choice % 3],
                text="Called back about the deposition.",
            )

    def ask_feedback(self, n, choice):
        lead = self._lead(n) if choice % 3 else None
        request = intake.feedback_request(
            firm=self.firm,
            kind=("consultation", "matter_opened")[choice % 2],
            email="client@example.com",
            lead=lead,
        )
        if request is not None:
            self.requests.append(request.pk)

    def answer(self, n, choice):
        pk = self.pick(self.requests, n)
        if pk is not None:
            intake.feedback_answer(
                request=FeedbackRequest.objects.for_firm(self.firm).get(pk=pk),
                rating=choice % 5 + 1,
                comment="",
            )

    # --- Provider bills --------------------------------------------------------

    def bill(self, n, choice):
        engagement, assistant = self.teams[choice % 2]
        end = self.today() - datetime.timedelta(days=n % 3)
        total = Decimal(choice * 37 % 900 + 50)
        self.made += 1
        bill = provider_bills.provider_bill_create(
            scope=self.scope(self.attorney),
            bill=provider_bills.BillIn(
                engagement=engagement,
                number=f"B-{self.made}",
                period_start=end - datetime.timedelta(days=6),
                period_end=end,
                received_on=None,
                total=total,
            ),
            lines=[
                provider_bills.LineIn(
                    staff=assistant.email,
                    description="Calendaring",
                    hours=Decimal(2),
                    unit_price=total / 2,
                )
            ],
        )
        self.bills.append(bill.pk)

    def reconcile(self, n, choice):
        pk = self.pick(self.bills, n)
        if pk is not None:
            provider_bills.provider_bill_reconcile(
                scope=self.scope(self.attorney),
                bill=ProviderBill.objects.for_firm(self.firm).get(pk=pk),
            )


steps = st.lists(
    st.tuples(
        # Minutes since the previous change: now, later today, days later.
        st.one_of(st.integers(0, 180), st.integers(180, 3 * 24 * 60)),
        st.sampled_from(ACTIONS),
        st.integers(0, 40),
        st.integers(0, 60),
    ),
    min_size=10,
    max_size=40,
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(series=steps)
def test_the_roll_up_equals_a_count_from_the_raw_rows(world, series):
    with transaction.atomic():
        run = Run(world)
        for minutes, action, n, choice in series:
            run.now += datetime.timedelta(minutes=minutes)
            # A refused change (ServiceError) changes nothing, as for a
            # person who tried it.
            with (
                time_machine.travel(run.now, tick=False),
                contextlib.suppress(ServiceError),
            ):
                run.do(action, n, choice)
        firm = run.firm
        assert rollup.stored(firm) == (
            rollup.compute(firm),
            rollup.compute_billable(firm),
        )
        transaction.set_rollback(True)
