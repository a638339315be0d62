"""The demo's billing at Hale & Ortiz: its billing settings, timekeepers with
rates, matter rates, an e-billing client, and a spread of time, expenses,
invoices, payments and a provider bill to try every billing page on.

The set-up rows go through the set-up services (billing.setup) as the firm
admin and the responsible attorney would enter them, so they are audited like
the real thing. The rest (time, expenses, invoices, payments, the provider's
bill) is written directly with the models, because the services that will
write them are built alongside; their amounts come from the same rate rules
(billing.rates.terms_for) and line arithmetic (billing.money.line_amount) the
services use, so every invoice adds up.

What there is to see:

* submitted time the pre-bill review should flag: a block-billed entry, a
  vague one ("Attention to file"), one off the 0.1 h increment, and one
  without the UTBMS codes the litigation client requires;
* reviewed time and an expense with its receipt, ready to bill;
* invoices: one approved and waiting to go out, one sent 45 days overdue
  with a partial payment, and one paid in full;
* Northstar's bill for last month, one of whose lines claims more hours than
  the assistant logged.

Each row is found by a natural key (an entry by its timekeeper, matter, day
and narrative; an invoice by its number; the provider's bill by its number)
and made only when missing, so loading the demo again changes nothing. Dates
count from the day the demo was first loaded.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from firmdesk.access.scope import resolve_scope
from firmdesk.access.system import loader as rows_of
from firmdesk.billing import setup
from firmdesk.billing.models import (
    ClientBillingTerms,
    Expense,
    Invoice,
    InvoiceLine,
    MatterBilling,
    Payment,
    ProviderBill,
    ProviderBillLine,
    TimeEntry,
    Timekeeper,
)
from firmdesk.billing.money import ZERO, line_amount, money
from firmdesk.billing.rates import billing_settings, terms_for
from firmdesk.documents.services import document_upload
from firmdesk.engagements.models import Engagement
from firmdesk.matters.models import Contact, Matter, MatterParty
from firmdesk.orgs.models import Organization, User

D = Decimal
FIRM = "hale-ortiz"
PREFIX = "HO-"
FIRST_NUMBER = 1001
RECEIPT_TITLE = "Receipt: deposition transcript"


@dataclass(frozen=True)
class Entry:
    who: str  # mailbox of the demo person: "attorney", "paralegal"…
    days_ago: int
    hours: str
    narrative: str
    task_code: str = ""
    activity_code: str = ""
    minutes: int | None = None


@dataclass
class _Billing:
    loader: object  # the demo's _Loader: its people, firms and dates
    firm: Organization
    engagement: Engagement  # Northstar's, under which its staff log time
    created: int = 0

    def person(self, mailbox: str) -> User:
        org = "northstar" if mailbox in ("assistant", "paralegal") else FIRM
        return self.loader.person(f"{mailbox}@{org}.example")

    def day(self, days_ago: int) -> datetime.date:
        return self.loader.days_ago(days_ago)

    def ensure(self, model, lookup, values, *, summary, action, matter=None):
        before = self.loader.created
        row = self.loader.ensure(
            model,
            {"firm": self.firm, **lookup},
            values,
            org=self.firm,
            action=action,
            summary=summary,
            matter=matter,
        )
        self.created += self.loader.created - before
        self.loader.created = before
        return row

    def entry(self, matter: Matter, spec: Entry, status: str) -> TimeEntry:
        user = self.person(spec.who)
        outside = spec.who in ("assistant", "paralegal")
        engagement = self.engagement if outside else None
        terms = terms_for(
            firm=self.firm, user=user, matter=matter, engagement=engagement
        )
        return self.ensure(
            TimeEntry,
            {
                "timekeeper": user,
                "matter": matter,
                "date": self.day(spec.days_ago),
                "narrative": spec.narrative,
            },
            {
                "engagement": engagement,
                "hours": D(spec.hours),
                "minutes": spec.minutes,
                "rate": terms.rate,
                "cost_rate": terms.cost_rate,
                "billable": terms.billable,
                "outside_staff": terms.outside_staff,
                "task_code": spec.task_code,
                "activity_code": spec.activity_code,
                "status": status,
                "created_by": user,
            },
            action="time.recorded",
            matter=matter,
            summary=f"{spec.hours} h recorded on {matter.number}",
        )


def _client_of(matter: Matter) -> Contact | None:
    party = (
        MatterParty.objects.for_firm(matter.firm_id)
        .filter(matter=matter, role=MatterParty.Role.CLIENT)
        .select_related("contact")
        .order_by("pk")
        .first()
    )
    return party.contact if party else None


def billing_load(loader, matters: dict[str, list[Matter]]) -> int:
    """Add the demo's billing; return how many rows it had to create."""
    firm = loader.orgs[FIRM]
    engagement = (
        rows_of(Engagement)
        .filter(firm=firm, provider__slug="northstar")
        .exclude(status=Engagement.Status.ENDED)
        .get()
    )
    bill = _Billing(loader, firm, engagement)
    hm = matters[FIRM]
    _set_up(bill, hm)
    _time_to_review(bill, hm)
    _ready_to_bill(bill, hm)
    _invoices(bill, hm)
    _provider_bill(bill, hm)
    return bill.created


# --- Set-up, through the services ------------------------------------------

RATES = {
    # mailbox: (classification, default rate, cost rate)
    "admin": ("PARTNR", "475", "180"),
    "attorney": ("PARTNR", "425", "160"),
    "associate": ("ASSOC", "285", "95"),
    "staff": ("LGLAST", "125", "48"),
}


def _set_up(bill: _Billing, hm: list[Matter]) -> None:
    admin = bill.person("admin")
    scope = resolve_scope(admin, bill.firm)
    current = billing_settings(bill.firm)
    if not current.law_firm_id:
        setup.settings_update(
            scope=scope,
            data=setup.SettingsData(
                increment=D("0.10"),
                max_hours_per_day=D("10"),
                vague_phrases=list(current.vague_phrases),
                law_firm_id="13-4567890",
                invoice_prefix=PREFIX,
                next_invoice_number=FIRST_NUMBER,
                payment_terms_days=30,
                reminder_days=[7, 30, 60],
                bill_outside_staff_time=True,
                outside_staff_rate=D("95.00"),
                currency="USD",
                remit_to="Hale & Ortiz LLP\n350 Fifth Avenue, Suite 4100\n"
                "New York, NY 10118\nWire: First Empire Bank, ABA 021000089, "
                "account 4410 2297 31",
                invoice_footer="Payment is due within 30 days. Thank you for "
                "trusting Hale & Ortiz with your matter.",
                accent_color="#1f3a5f",
            ),
        )
        bill.created += 1
    made = setup.timekeepers_add_missing(scope=scope)
    bill.created += len(made)
    for keeper in made:
        mailbox = keeper.user.email.split("@")[0]
        if mailbox not in RATES:
            continue
        classification, rate, cost = RATES[mailbox]
        setup.timekeeper_update(
            scope=scope,
            timekeeper=keeper,
            code=keeper.code,
            classification=classification,
            default_rate=D(rate),
            cost_rate=D(cost),
            active=True,
        )
    attorney = resolve_scope(bill.person("attorney"), bill.firm)
    # The litigation client e-bills: a flat matter key, a lower rate for the
    # associate, and UTBMS codes on everything.
    if not MatterBilling.objects.for_firm(bill.firm).filter(matter=hm[0]).exists():
        setup.matter_terms_save(
            scope=attorney,
            matter=hm[0],
            rate=None,
            client_matter_id="LIT-2026-0412",
            billable=True,
        )
        associate = Timekeeper.objects.for_firm(bill.firm).get(
            user=bill.person("associate")
        )
        setup.matter_rate_set(
            scope=attorney, matter=hm[0], timekeeper=associate, rate=D("250")
        )
        bill.created += 2
    # The estate is billed at one agreed rate for everyone.
    if not MatterBilling.objects.for_firm(bill.firm).filter(matter=hm[1]).exists():
        setup.matter_terms_save(
            scope=attorney,
            matter=hm[1],
            rate=D("300"),
            client_matter_id="",
            billable=True,
        )
        bill.created += 1
    client = _client_of(hm[0])
    if (
        client is not None
        and not ClientBillingTerms.objects.for_firm(bill.firm)
        .filter(client=client)
        .exists()
    ):
        setup.client_terms_save(
            scope=attorney,
            client=client,
            client_code="HO-CL-0412",
            ledes=True,
            requires_utbms=True,
            adjustments_negative_only=True,
            billing_email="ap.invoices@example.com",
            note="Invoices go through the client's e-billing portal by the 5th "
            "of the month; every fee needs task and activity codes.",
        )
        bill.created += 1


# --- Time and expenses ------------------------------------------------------

TO_REVIEW = (
    Entry(
        "attorney",
        3,
        "3.5",
        "Reviewed the motion to dismiss; call with the client on strategy; "
        "drafted the outline of the opposition; e-mails with opposing counsel",
        "L240",
        "A104",
    ),
    Entry("associate", 3, "0.4", "Attention to file", "L120", "A104"),
    Entry(
        "associate",
        2,
        "1.33",
        "Drafted the notice of the plant manager's 30(b)(6) deposition",
        "L330",
        "A103",
        minutes=80,
    ),
    Entry("staff", 2, "0.8", "Organised the deposition exhibits for the attorney"),
)

READY = (
    Entry("attorney", 9, "1.5", "Met the executor to go through the inventory"),
    Entry("associate", 8, "2.2", "Drafted the letter to the estate's beneficiaries"),
    Entry("paralegal", 7, "1.0", "Assembled the asset schedule from the bank records"),
)


def _time_to_review(bill: _Billing, hm: list[Matter]) -> None:
    for spec in TO_REVIEW:
        bill.entry(hm[0], spec, TimeEntry.Status.SUBMITTED)


def _ready_to_bill(bill: _Billing, hm: list[Matter]) -> None:
    for spec in READY:
        bill.entry(hm[1], spec, TimeEntry.Status.REVIEWED)
    attorney = bill.person("attorney")
    receipt = (
        rows_of(Expense)
        .filter(firm=bill.firm, matter=hm[0], description__startswith="Court reporter")
        .first()
    )
    if receipt is not None:
        return
    document = document_upload(
        firm=bill.firm,
        actor=attorney,
        matter=hm[0],
        title=RECEIPT_TITLE,
        uploaded_file=SimpleUploadedFile(
            "transcript-receipt.txt",
            b"Metro Court Reporting LLC\nInvoice 88213\n"
            b"Transcript of the deposition of the plant manager, 212 pages\n"
            b"Amount due: $742.00\nPaid by card ending 4410\n",
            content_type="text/plain",
        ),
    )
    bill.ensure(
        Expense,
        {"matter": hm[0], "description": "Court reporter: deposition transcript"},
        {
            "incurred_by": attorney,
            "date": bill.day(6),
            "expense_code": "E115",
            "quantity": D("1"),
            "unit_cost": D("742.00"),
            "status": Expense.Status.REVIEWED,
            "receipt": document,
            "created_by": attorney,
        },
        action="expense.recorded",
        matter=hm[0],
        summary=f"Expense of $742.00 recorded on {hm[0].number}",
    )


# --- Invoices ----------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceSpec:
    number: int
    matter: int
    status: str
    issued_days_ago: int | None
    entries: tuple[Entry, ...]
    discount: str = "0"
    paid: str = "0"


INVOICES = (
    InvoiceSpec(
        FIRST_NUMBER,
        1,
        Invoice.Status.PAID,
        100,
        (
            Entry("attorney", 130, "2.0", "Reviewed the will and the codicil"),
            Entry("associate", 128, "3.1", "Prepared the petition for probate"),
        ),
        paid="all",
    ),
    InvoiceSpec(
        FIRST_NUMBER + 1,
        0,
        Invoice.Status.PARTLY_PAID,
        75,
        (
            Entry(
                "attorney",
                100,
                "2.4",
                "Analysed the complaint and the client's documents",
                "L120",
                "A104",
            ),
            Entry(
                "associate",
                98,
                "4.0",
                "Researched the pleading standard for the breach claim",
                "L120",
                "A102",
            ),
            Entry(
                "paralegal",
                97,
                "1.5",
                "Indexed the client's production for the answer",
                "L140",
                "A104",
            ),
        ),
        discount="150.00",
        paid="1500.00",
    ),
    InvoiceSpec(
        FIRST_NUMBER + 2,
        3,
        Invoice.Status.APPROVED,
        None,
        (
            Entry("attorney", 40, "1.2", "Reviewed the landlord's lease amendment"),
            Entry("associate", 38, "0.9", "Marked up the amendment for the client"),
        ),
    ),
)


def _month_before(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = day.replace(day=1) - datetime.timedelta(days=1)
    return last.replace(day=1), last


def _invoices(bill: _Billing, hm: list[Matter]) -> None:
    attorney = bill.person("attorney")
    for spec in INVOICES:
        number = f"{PREFIX}{spec.number}"
        if rows_of(Invoice).filter(firm=bill.firm, number=number).exists():
            continue
        matter = hm[spec.matter]
        entries = [bill.entry(matter, e, TimeEntry.Status.BILLED) for e in spec.entries]
        dates = [e.date for e in entries]
        issued = bill.day(spec.issued_days_ago) if spec.issued_days_ago else None
        keepers = {
            k.user_id: k
            for k in Timekeeper.objects.for_firm(bill.firm).select_related("user")
        }
        lines = []
        for position, entry in enumerate(entries, start=1):
            keeper = keepers[entry.timekeeper_id]
            lines.append(
                InvoiceLine(
                    firm=bill.firm,
                    position=position,
                    kind=InvoiceLine.Kind.FEE,
                    date=entry.date,
                    time_entry=entry,
                    timekeeper_code=keeper.code,
                    timekeeper_name=keeper.user.full_name,
                    timekeeper_classification=keeper.classification,
                    outside_staff=entry.outside_staff,
                    task_code=entry.task_code,
                    activity_code=entry.activity_code,
                    description=entry.narrative,
                    units=entry.hours,
                    unit_cost=entry.rate,
                    adjustment=entry.adjustment,
                    total=entry.amount,
                )
            )
        if D(spec.discount):
            lines.append(
                InvoiceLine(
                    firm=bill.firm,
                    position=len(lines) + 1,
                    kind=InvoiceLine.Kind.FEE_ADJUSTMENT,
                    date=max(dates),
                    description="Courtesy discount agreed with the client",
                    adjustment=-D(spec.discount),
                    total=line_amount(ZERO, ZERO, -D(spec.discount)),
                )
            )
        total = sum((line.total for line in lines), ZERO)
        paid = total if spec.paid == "all" else money(spec.paid)
        approved_at = datetime.datetime.combine(
            issued or bill.day(2), datetime.time(10), tzinfo=bill.firm.tz
        )
        invoice = bill.ensure(
            Invoice,
            {"number": number},
            {
                "matter": matter,
                "client": _client_of(matter),
                "status": spec.status,
                "period_start": min(dates).replace(day=1),
                "period_end": max(dates),
                "issued_on": issued,
                "due_on": issued + datetime.timedelta(days=30) if issued else None,
                "currency": "USD",
                "total": total,
                "paid": paid,
                "created_by": bill.person("paralegal"),
                "approved_by": attorney,
                "approved_at": approved_at,
                "sent_at": approved_at if issued else None,
            },
            action="invoice.created",
            matter=matter,
            summary=f"Invoice {number} for {matter.number}: {total}",
        )
        for line in lines:
            line.invoice = invoice
        InvoiceLine.objects.bulk_create(lines)
        bill.created += len(lines)
        if paid:
            bill.ensure(
                Payment,
                {"invoice": invoice},
                {
                    "received_on": issued + datetime.timedelta(days=21),
                    "amount": paid,
                    "method": "Wire transfer",
                    "reference": f"WIRE-{spec.number}",
                    "recorded_by": bill.person("staff"),
                },
                action="payment.recorded",
                matter=matter,
                summary=f"Payment of {paid} on {number}",
            )
    settings = billing_settings(bill.firm)
    following = FIRST_NUMBER + len(INVOICES)
    if settings.next_invoice_number < following:
        settings.next_invoice_number = following
        settings.save(update_fields=["next_invoice_number"])


# --- The provider's bill for last month -------------------------------------


def _provider_bill(bill: _Billing, hm: list[Matter]) -> None:
    engagement = bill.engagement
    start, end = _month_before(bill.loader.today)
    number = f"NS-{start:%Y%m}"
    if rows_of(ProviderBill).filter(firm=bill.firm, number=number).exists():
        return
    # What Northstar's staff logged last month, matter by matter.
    logged = (
        (0, "assistant", "2.5", "Calendared the deposition and sent the notices"),
        (1, "assistant", "2.5", "Drafted the letter to the beneficiaries"),
        (2, "paralegal", "2.0", "Assembled the summary judgment exhibits"),
    )
    for n, (matter, who, hours, text) in enumerate(logged):
        day = start + datetime.timedelta(days=3 + 7 * n)
        days_ago = (bill.loader.today - day).days
        bill.entry(hm[matter], Entry(who, days_ago, hours, text), "reviewed")
    price = money(engagement.price)
    # The assistant logged 5.0 h; Northstar bills 6.0 h: the line that differs.
    lines = (
        ("assistant", D("6.0"), "Scheduling and document support"),
        ("paralegal", D("2.0"), "Case management: exhibits"),
    )
    amounts = [line_amount(hours, price) for _, hours, _ in lines]
    provider_bill = bill.ensure(
        ProviderBill,
        {"engagement": engagement, "number": number},
        {
            "period_start": start,
            "period_end": end,
            "received_on": end + datetime.timedelta(days=3),
            "total": sum(amounts, ZERO),
            "created_by": bill.person("admin"),
            "note": "Northstar's monthly invoice, hourly at the engagement price.",
        },
        action="provider_bill.entered",
        summary=f"Northstar bill {number} entered",
    )
    rows = []
    for position, ((who, hours, text), amount) in enumerate(
        zip(lines, amounts, strict=True), start=1
    ):
        staff = bill.person(who)
        rows.append(
            ProviderBillLine(
                firm=bill.firm,
                bill=provider_bill,
                position=position,
                date=end,
                staff=staff,
                staff_name=staff.full_name,
                description=text,
                hours=hours,
                quantity=hours,
                unit_price=price,
                amount=amount,
            )
        )
    ProviderBillLine.objects.bulk_create(rows)
    bill.created += len(rows)
