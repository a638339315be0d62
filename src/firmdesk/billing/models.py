"""Billing: time, expenses, pre-bill review, invoices, payments, receivables and
the provider's own bills to the firm.

Money is ``Decimal`` in cents (``billing.money``); hours are hundredths. Who may
see what: firm members see every row not on a matter they are screened from;
provider staff see their own time, and, when billing is one of their functions,
the billing rows of matters they may see. A provider's bill to the firm is for
the firm's people only.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from firmdesk.common.models import NeedToKnow, TenantModel

from .money import ZERO, line_amount, money

USER = settings.AUTH_USER_MODEL
BILLING = "billing"


def _money_field(**kwargs):
    return models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00"), **kwargs
    )


def _hours_field(**kwargs):
    return models.DecimalField(
        max_digits=7, decimal_places=2, default=Decimal("0.00"), **kwargs
    )


def _nothing() -> Q:
    return Q(pk__in=[])


def _billing_rows(scope, *, own: str | None = None) -> Q:
    """Rows on a matter (or on none): firm members see them unless screened
    from the matter; provider staff see their own (``own`` names the person
    field) and, with the billing function, those of matters they may see."""
    if scope.is_firm_member:
        if not scope.screened_matter_ids:
            return Q()
        return scope.matter_q("matter") | Q(matter__isnull=True)
    q = Q(**{own: scope.user}) if own else _nothing()
    if scope.has_function(BILLING):
        q |= Q(matter__isnull=False) & scope.matter_q("matter")
    if scope.screened_matter_ids:
        q &= ~Q(matter_id__in=scope.screened_matter_ids)
    return q


def _firm_people_only(scope) -> Q:
    return Q() if scope.is_firm_member else _nothing()


def _billing_staff(scope) -> Q:
    return Q() if scope.works_on(BILLING) else _nothing()


class BillingSettings(TenantModel):
    """How a firm bills: its increment, limits the pre-bill review checks,
    invoice numbering and style, and what outside staff time is billed at."""

    need_to_know = NeedToKnow.by_rule(
        _billing_staff,
        why="The firm's billing rules name no client; the firm's people and "
        "outside staff who do its billing see them.",
    )

    increment = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.10"),
        help_text="Hours are billed in steps of this size (0.1 is six minutes).",
    )
    max_hours_per_day = _hours_field(
        help_text="The pre-bill review flags a person's day above this."
    )
    vague_phrases = models.JSONField(
        default=list,
        blank=True,
        help_text="Narratives that say too little for a client to accept.",
    )
    law_firm_id = models.CharField(
        max_length=20,
        blank=True,
        help_text="The firm's federal taxpayer ID (LEDES LAW_FIRM_ID).",
    )
    invoice_prefix = models.CharField(max_length=10, blank=True)
    next_invoice_number = models.PositiveIntegerField(default=1)
    payment_terms_days = models.PositiveIntegerField(default=30)
    reminder_days = models.JSONField(
        default=list,
        blank=True,
        help_text="Days past due on which a reminder task is made.",
    )
    bill_outside_staff_time = models.BooleanField(
        default=False,
        help_text="Bill the time of the provider's staff to clients, shown on "
        "the invoice as work by outside staff.",
    )
    outside_staff_rate = _money_field(
        help_text="What an hour of outside staff time is billed at."
    )
    currency = models.CharField(max_length=3, default="USD")
    remit_to = models.TextField(blank=True, help_text="Where and how to pay.")
    invoice_footer = models.TextField(blank=True)
    accent_color = models.CharField(max_length=7, default="#1f3a5f")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["firm"], name="billing_settings_per_firm")
        ]

    def __str__(self):
        return f"Billing settings of {self.firm}"


class Timekeeper(TenantModel):
    """A person whose time the firm records: its lawyers and staff, and the
    provider's staff working for it (``outside_staff``)."""

    need_to_know = NeedToKnow.by_rule(
        _billing_staff,
        why="Who records time and at what rate names no client; the firm's "
        "people and its outside billing staff see the list.",
    )

    class Classification(models.TextChoices):
        # LEDES timekeeper classifications (LOC list, revised 2014).
        PARTNER = "PARTNR", "Partner"
        ASSOCIATE = "ASSOC", "Associate"
        OF_COUNSEL = "OFCNSL", "Of counsel"
        PARALEGAL = "PARLEG", "Paralegal"
        LEGAL_ASSISTANT = "LGLAST", "Legal assistant"
        OTHER = "OTHER", "Other timekeeper"

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(
        max_length=20, help_text="The timekeeper ID on invoices and LEDES files."
    )
    classification = models.CharField(
        max_length=6, choices=Classification.choices, default=Classification.OTHER
    )
    default_rate = _money_field(
        help_text="Billed per hour unless a matter says otherwise."
    )
    cost_rate = _money_field(help_text="What an hour of this person costs the firm.")
    outside_staff = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "user"], name="timekeeper_per_firm"
            ),
            models.UniqueConstraint(
                fields=["firm", "code"], name="timekeeper_code_per_firm"
            ),
        ]

    def __str__(self):
        return self.code


class MatterBilling(TenantModel):
    """A matter's billing terms: its rate for everyone, and the client's own
    matter key for e-billing."""

    need_to_know = NeedToKnow.through_matter("matter")

    matter = models.OneToOneField(
        "matters.Matter", on_delete=models.CASCADE, related_name="billing"
    )
    rate = _money_field(
        null=True, blank=True, help_text="Hourly rate for everyone on this matter."
    )
    client_matter_id = models.CharField(max_length=40, blank=True)
    billable = models.BooleanField(default=True)


class MatterRate(TenantModel):
    """One timekeeper's rate on one matter: wins over the matter's rate and the
    timekeeper's own."""

    need_to_know = NeedToKnow.through_matter("matter")

    matter = models.ForeignKey(
        "matters.Matter", on_delete=models.CASCADE, related_name="rates"
    )
    timekeeper = models.ForeignKey(
        Timekeeper, on_delete=models.CASCADE, related_name="matter_rates"
    )
    rate = _money_field()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "timekeeper"], name="one_rate_per_matter_timekeeper"
            )
        ]


class ClientBillingTerms(TenantModel):
    """What one client asks of the firm's bills."""

    need_to_know = NeedToKnow.through("client")

    client = models.OneToOneField(
        "matters.Contact", on_delete=models.CASCADE, related_name="billing_terms"
    )
    client_code = models.CharField(
        max_length=20, blank=True, help_text="The client's ID on LEDES files."
    )
    requires_utbms = models.BooleanField(
        default=False,
        help_text="Every fee needs task and activity codes, every "
        "expense an expense code.",
    )
    ledes = models.BooleanField(
        default=False, help_text="The client e-bills (LEDES 1998B)."
    )
    adjustments_negative_only = models.BooleanField(default=False)
    billing_email = models.EmailField(blank=True)
    note = models.TextField(blank=True)


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    REVIEWED = "reviewed", "Reviewed"
    BILLED = "billed", "Billed"


class Source(models.TextChoices):
    MANUAL = "manual", "Entered"
    TIMER = "timer", "Timer"
    TASK = "task", "Logged on a task"
    IMPORT = "import", "Imported"


class TimeEntry(TenantModel):
    """Time a person spent: billed hours at a rate, with UTBMS codes."""

    def scope_filter(scope) -> Q:
        return _billing_rows(scope, own="timekeeper")

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="Firm members see time not on a matter they are screened from; "
        "provider staff their own time and, when they do billing, the time "
        "of matters they may see.",
    )

    Status = Status
    Source = Source

    timekeeper = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(
        "matters.Matter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="time_entries",
    )
    task = models.ForeignKey(
        "work.Task",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="time_entries",
    )
    engagement = models.ForeignKey(
        "engagements.Engagement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Set for time of the provider's staff.",
    )
    date = models.DateField()
    minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Minutes actually worked, when known."
    )
    hours = _hours_field(help_text="Hours billed.")
    rate = _money_field()
    cost_rate = _money_field(help_text="What an hour costs the firm (outside staff).")
    task_code = models.CharField(max_length=8, blank=True)
    activity_code = models.CharField(max_length=8, blank=True)
    narrative = models.TextField(blank=True)
    billable = models.BooleanField(default=True)
    outside_staff = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    adjustment = _money_field(help_text="Written down (negative) or up.")
    written_off = models.BooleanField(default=False)
    timer_started_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(
        max_length=8, choices=Source.choices, default=Source.MANUAL
    )
    import_ref = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["timekeeper"],
                condition=Q(timer_started_at__isnull=False),
                name="one_running_timer_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["firm", "status", "date"]),
            models.Index(fields=["firm", "matter", "date"]),
            models.Index(fields=["firm", "timekeeper", "date"]),
        ]

    def __str__(self):
        return f"{self.hours} h on {self.date}"

    @property
    def amount(self) -> Decimal:
        """What the client is billed for this entry."""
        if self.written_off or not self.billable:
            return ZERO
        return line_amount(self.hours, self.rate, self.adjustment)

    @property
    def cost(self) -> Decimal:
        """What the firm pays for it (outside staff: their hours at the cost rate)."""
        return money(self.hours * self.cost_rate)


class Expense(TenantModel):
    def scope_filter(scope) -> Q:
        return _billing_rows(scope, own="incurred_by")

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="As time entries: firm members unless screened; provider staff "
        "their own and, when they do billing, those of matters they may see.",
    )

    Status = Status
    Source = Source

    matter = models.ForeignKey(
        "matters.Matter", on_delete=models.PROTECT, related_name="expenses"
    )
    task = models.ForeignKey(
        "work.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    incurred_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    expense_code = models.CharField(max_length=8, blank=True)
    description = models.TextField()
    quantity = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("1")
    )
    unit_cost = _money_field()
    adjustment = _money_field()
    billable = models.BooleanField(default=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    written_off = models.BooleanField(default=False)
    receipt = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        max_length=8, choices=Source.choices, default=Source.MANUAL
    )
    import_ref = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-created_at"]
        indexes = [
            models.Index(fields=["firm", "status", "date"]),
            models.Index(fields=["firm", "matter", "date"]),
        ]

    @property
    def amount(self) -> Decimal:
        if self.written_off or not self.billable:
            return ZERO
        return line_amount(self.quantity, self.unit_cost, self.adjustment)


class EntryChange(TenantModel):
    """One step of the pre-bill review on a time entry or an expense: who did
    what, with the values before and after."""

    def scope_filter(scope) -> Q:
        return Q(time_entry__in=TimeEntry.objects.in_scope(scope).values("pk")) | Q(
            expense__in=Expense.objects.in_scope(scope).values("pk")
        )

    need_to_know = NeedToKnow.by_rule(
        scope_filter, why="Seen by whoever sees the entry or expense it changed."
    )

    class Action(models.TextChoices):
        APPROVED = "approved", "Approved"
        EDITED = "edited", "Edited"
        WRITTEN_DOWN = "written_down", "Written down"
        WRITTEN_OFF = "written_off", "Written off"
        RETURNED = "returned", "Sent back to the timekeeper"
        EXPLAINED = "explained", "Flag explained"

    time_entry = models.ForeignKey(
        TimeEntry,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="changes",
    )
    expense = models.ForeignKey(
        Expense, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    action = models.CharField(max_length=14, choices=Action.choices)
    by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]


class Invoice(TenantModel):
    need_to_know = NeedToKnow.by_rule(
        lambda scope: _billing_rows(scope) if scope.works_on(BILLING) else _nothing(),
        why="Firm members see invoices not on a matter they are screened from; "
        "provider staff who do billing those of matters they may see.",
    )

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        SENT = "sent", "Sent"
        PARTLY_PAID = "partly_paid", "Partly paid"
        PAID = "paid", "Paid"
        VOID = "void", "Void"

    matter = models.ForeignKey(
        "matters.Matter", on_delete=models.PROTECT, related_name="invoices"
    )
    client = models.ForeignKey(
        "matters.Contact", null=True, on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(max_length=20)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    period_start = models.DateField()
    period_end = models.DateField()
    issued_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    currency = models.CharField(max_length=3, default="USD")
    total = _money_field(help_text="The sum of the lines, kept when they change.")
    paid = _money_field(help_text="Payments and credits so far.")
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "number"], name="invoice_number_per_firm"
            )
        ]
        indexes = [
            models.Index(fields=["firm", "status", "due_on"]),
            # The invoice list and the API's, newest first (paged by created_at, id).
            models.Index(
                fields=["firm", "created_at", "id"], name="billing_invoice_created"
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def balance(self) -> Decimal:
        return self.total - self.paid


class InvoiceLine(TenantModel):
    """One line of an invoice, in LEDES 1998B terms: a fee (F), an expense (E),
    or an invoice-level adjustment of fees (IF) or expenses (IE)."""

    need_to_know = NeedToKnow.through("invoice")

    class Kind(models.TextChoices):
        FEE = "F", "Fee"
        EXPENSE = "E", "Expense"
        FEE_ADJUSTMENT = "IF", "Adjustment to fees"
        EXPENSE_ADJUSTMENT = "IE", "Adjustment to expenses"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=2, choices=Kind.choices)
    date = models.DateField()
    time_entry = models.ForeignKey(
        TimeEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    expense = models.ForeignKey(
        Expense, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    timekeeper_code = models.CharField(max_length=20, blank=True)
    timekeeper_name = models.CharField(max_length=120, blank=True)
    timekeeper_classification = models.CharField(max_length=6, blank=True)
    outside_staff = models.BooleanField(default=False)
    task_code = models.CharField(max_length=8, blank=True)
    activity_code = models.CharField(max_length=8, blank=True)
    expense_code = models.CharField(max_length=8, blank=True)
    description = models.TextField()
    units = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    unit_cost = _money_field()
    adjustment = _money_field()
    total = _money_field()
    percent = models.DecimalField(
        max_digits=7,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="An invoice-level adjustment given as a percentage of the fee "
        "(IF) or expense (IE) lines: worked out again when those lines change.",
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "position"], name="invoice_line_position"
            )
        ]


class Payment(TenantModel):
    """Money received on an invoice, or a credit given against it."""

    need_to_know = NeedToKnow.through("invoice")

    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"
        CREDIT = "credit", "Credit"

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PAYMENT)
    received_on = models.DateField()
    amount = _money_field()
    method = models.CharField(max_length=40, blank=True)
    reference = models.CharField(max_length=80, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["received_on", "created_at"]


class CollectionNote(TenantModel):
    """What was done to collect an unpaid invoice, and what comes next."""

    need_to_know = NeedToKnow.through("invoice")

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="collection_notes"
    )
    author = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    next_step_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class PaymentReminder(TenantModel):
    """A follow-up made for an invoice at one step of the firm's schedule
    (days past due); one per step, so the job can run again safely."""

    need_to_know = NeedToKnow.through("invoice")

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="reminders"
    )
    days_past_due = models.PositiveIntegerField()
    task = models.ForeignKey(
        "work.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    letter = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "days_past_due"], name="one_reminder_per_step"
            )
        ]


class ProviderBill(TenantModel):
    """The provider's invoice to the firm for a month of work."""

    need_to_know = NeedToKnow.by_rule(
        _firm_people_only,
        why="What the firm pays its provider is the firm's business; outside "
        "staff do not see it.",
    )

    class Status(models.TextChoices):
        ENTERED = "entered", "Entered"
        RECONCILED = "reconciled", "Reconciled"
        DISPUTED = "disputed", "Disputed"
        SETTLED = "settled", "Settled"

    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(max_length=40)
    period_start = models.DateField()
    period_end = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    total = _money_field()
    reconciled_total = _money_field(
        help_text="What the firm accepts it owes after reconciliation and disputes."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ENTERED
    )
    document = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "engagement", "number"], name="provider_bill_number"
            )
        ]


def _bill_line_rule(scope) -> Q:
    if not scope.is_firm_member:
        return _nothing()
    if not scope.screened_matter_ids:
        return Q()
    return Q(task__isnull=True) | ~Q(task__matter_id__in=scope.screened_matter_ids)


class ProviderBillLine(TenantModel):
    need_to_know = NeedToKnow.by_rule(
        _bill_line_rule,
        why="The firm's people see its provider's bills, except the lines of "
        "work on a matter they are screened from (the task names the matter).",
    )

    class Match(models.TextChoices):
        PENDING = "", "Not reconciled yet"
        MATCHED = "matched", "Matches the work logged"
        DIFFERS = "differs", "Differs from the work logged"
        UNMATCHED = "unmatched", "No work logged for it"
        NOT_BILLED = "not_billed", "Work logged but not on the bill"

    class Dispute(models.TextChoices):
        NONE = "", "No dispute"
        OPEN = "open", "Disputed"
        RESOLVED = "resolved", "Dispute resolved"

    bill = models.ForeignKey(
        ProviderBill, on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveIntegerField()
    date = models.DateField(null=True, blank=True)
    staff = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    staff_name = models.CharField(max_length=120, blank=True)
    task = models.ForeignKey(
        "work.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField(blank=True)
    hours = _hours_field()
    quantity = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0")
    )
    unit_price = _money_field()
    amount = _money_field()
    expected_amount = _money_field(
        null=True,
        blank=True,
        help_text="What the work logged and the engagement's "
        "prices say this line should be.",
    )
    match = models.CharField(
        max_length=10, choices=Match.choices, default="", blank=True
    )
    dispute = models.CharField(
        max_length=8, choices=Dispute.choices, default="", blank=True
    )
    dispute_reason = models.TextField(blank=True)
    dispute_outcome = models.TextField(blank=True)
    agreed_amount = _money_field(null=True, blank=True)

    class Meta:
        ordering = ["position"]

    @property
    def difference(self) -> Decimal | None:
        if self.expected_amount is None:
            return None
        return self.amount - self.expected_amount
