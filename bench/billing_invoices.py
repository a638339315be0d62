"""Time building invoices for 1,000 matters, and rendering their PDFs (issue 17,
"Done means").

(a) The bulk builder (``billing.invoicing.invoices_build_for_period``: bulk
inserts, totals summed by the database) against the same invoices built
naively: one INSERT per line, one UPDATE per entry billed, the invoice summed
in Python. Each run sets up two fresh firms with the same data (each matter:
a client, eight reviewed time entries, two expenses; ten lines an invoice) in
the database DATABASE_URL names (the SQLite file under var/ when unset), one
for each way, so neither finds the other's work done.

(b) Rendering the PDFs: a sample of ``pdfs`` invoices rendered with
WeasyPrint, the time scaled to all of them (rendering is per invoice; nothing
is shared between two).

    .venv/bin/python bench/billing_invoices.py [--matters 1000] [--pdfs 50]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/firmdesk_bench \\
        .venv/bin/python bench/billing_invoices.py

Each run adds two firms named "Invoice bench …" (audit events cannot be
deleted, so neither can the firms): point DATABASE_URL at a scratch database.
``bench/billing.py`` imports ``figures`` and prints them with the others.
"""

import argparse
import datetime
import io
import os
import random
import shlex
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from firmdesk.access.scope import resolve_scope  # noqa: E402
from firmdesk.billing import invoicing  # noqa: E402
from firmdesk.billing.models import (  # noqa: E402
    Expense,
    Invoice,
    InvoiceLine,
    TimeEntry,
    Timekeeper,
)
from firmdesk.billing.money import ZERO, money  # noqa: E402
from firmdesk.billing.pdf import invoice_pdf  # noqa: E402
from firmdesk.billing.rates import billing_settings  # noqa: E402
from firmdesk.matters.models import Contact, Matter, MatterParty  # noqa: E402
from firmdesk.orgs.models import Membership, Organization, User  # noqa: E402

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)
ENTRIES, EXPENSES = 8, 2
NARRATIVES = [
    "Drafted motion to compel discovery responses",
    "Reviewed and revised settlement agreement; call with client on terms",
    "Prepared deposition outline for plant manager",
    "Research on statute of limitations for contract claims",
    "Conference with opposing counsel re scheduling order",
]
EXPENSE_ROWS = [
    ("E112", "Court filing fee", "1", "405.00"),
    ("E101", "Copies", "240", "0.15"),
]


def _firm(label: str, stamp: str, seq: int):
    firm = Organization.objects.create(
        kind=Organization.Kind.FIRM,
        name=f"Invoice bench {label} {stamp}",
        slug=f"invoice-bench-{label}-{stamp}-{seq}",
        jurisdiction="US-NY",
    )
    user = User.objects.create_user(
        f"partner-{label}-{stamp}-{seq}@bench.test",
        None,
        full_name="Avery Quinn Partner",
    )
    Membership.objects.create(user=user, organization=firm, roles=["attorney"])
    return firm, user


def set_up(label: str, matters: int, seed: int = 1):
    """A firm with ``matters`` matters of ready work; its attorney's Scope."""
    rng = random.Random(seed)
    stamp = time.strftime("%Y%m%d%H%M%S")
    firm, user = _firm(label, stamp, rng.randint(0, 10**6))
    settings = billing_settings(firm)
    settings.invoice_prefix = "BN-"
    settings.save()
    Timekeeper.unscoped.create(
        firm=firm, user=user, code="AQP", default_rate=Decimal("425.00")
    )
    rows = Matter.unscoped.bulk_create(
        Matter(firm=firm, number=f"B-{n:05d}", title=f"Bench matter {n}")
        for n in range(matters)
    )
    contacts = Contact.unscoped.bulk_create(
        Contact(firm=firm, kind="organization", name=f"Client {n} Inc.")
        for n in range(matters)
    )
    MatterParty.unscoped.bulk_create(
        MatterParty(firm=firm, matter=m, contact=c, role="client")
        for m, c in zip(rows, contacts, strict=True)
    )
    TimeEntry.unscoped.bulk_create(
        (
            TimeEntry(
                firm=firm,
                matter=m,
                timekeeper=user,
                date=START + datetime.timedelta(days=rng.randint(0, 30)),
                hours=Decimal(rng.randint(1, 40)) / 10,
                rate=Decimal("425.00"),
                adjustment=Decimal("-25.00") if rng.random() < 0.1 else ZERO,
                task_code="L120",
                activity_code="A103",
                narrative=rng.choice(NARRATIVES),
                status=TimeEntry.Status.REVIEWED,
            )
            for m in rows
            for _ in range(ENTRIES)
        ),
        batch_size=1000,
    )
    Expense.unscoped.bulk_create(
        (
            Expense(
                firm=firm,
                matter=m,
                incurred_by=user,
                date=START + datetime.timedelta(days=rng.randint(0, 30)),
                expense_code=code,
                description=text,
                quantity=Decimal(quantity),
                unit_cost=Decimal(cost),
                status=Expense.Status.REVIEWED,
            )
            for m in rows
            for code, text, quantity, cost in EXPENSE_ROWS[:EXPENSES]
        ),
        batch_size=1000,
    )
    return resolve_scope(user, firm, today=datetime.date(2026, 2, 1)), rows


def build_naively(scope, matters) -> list[Invoice]:
    """The same invoices, row by row: what the bulk builder is measured
    against. Same rows read, same lines; one INSERT per line, one UPDATE per
    entry, the total summed in Python and saved."""
    firm = scope.firm
    built = []
    with transaction.atomic():
        settings = invoicing.lock_settings(firm)
        keepers = {k.user_id: k for k in Timekeeper.objects.for_firm(firm)}
        clients = invoicing.matter_clients(firm, [m.pk for m in matters])
        for matter in matters:
            times = list(
                invoicing.ready_time(
                    TimeEntry.objects.in_scope(scope).filter(matter=matter),
                    period_start=START,
                    period_end=END,
                )
                .order_by("date", "created_at", "pk")
                .values(*invoicing.TIME_FIELDS)
            )
            costs = list(
                invoicing.ready_expenses(
                    Expense.objects.in_scope(scope).filter(matter=matter),
                    period_start=START,
                    period_end=END,
                )
                .order_by("date", "created_at", "pk")
                .values(*invoicing.EXPENSE_FIELDS)
            )
            if not times and not costs:
                continue
            (number,) = invoicing.take_numbers(firm, 1)
            invoice = Invoice.objects.create(
                firm=firm,
                matter=matter,
                client_id=clients.get(matter.pk),
                number=number,
                period_start=START,
                period_end=END,
                currency=settings.currency,
                created_by=scope.user,
            )
            total = ZERO
            lines = [invoicing.fee_line(firm, row, keepers) for row in times] + [
                invoicing.expense_line(firm, row) for row in costs
            ]
            for position, line in enumerate(lines, 1):
                line.invoice = invoice
                line.position = position
                line.save()
                total += line.total
            for row in times:
                TimeEntry.objects.for_firm(firm).filter(pk=row["pk"]).update(
                    status=TimeEntry.Status.BILLED
                )
            for row in costs:
                Expense.objects.for_firm(firm).filter(pk=row["pk"]).update(
                    status=Expense.Status.BILLED
                )
            invoice.total = money(total)
            invoice.save(update_fields=["total"])
            built.append(invoice)
    return built


def _check(invoices, matters: int) -> None:
    assert len(invoices) == matters, (len(invoices), matters)
    for invoice in invoices[:: max(1, matters // 20)]:
        lines = InvoiceLine.objects.for_firm(invoice.firm).filter(invoice=invoice)
        assert lines.count() == ENTRIES + EXPENSES
        assert invoice.total == sum(line.total for line in lines), invoice.number


PAGE_BUDGET = 0.3  # seconds a page (../shared/PITFALLS.md, "PDFs and documents")


def figures(*, matters: int = 1000, pdfs: int = 50) -> list:
    """``(name, seconds, naive_seconds_or_None, note)`` for each figure."""
    call_command("migrate", verbosity=0, interactive=False)
    bulk_scope, bulk_matters = set_up("bulk", matters)
    naive_scope, naive_matters = set_up("naive", matters)

    started = time.perf_counter()
    built = invoicing.invoices_build_for_period(
        scope=bulk_scope, period_start=START, period_end=END, matters=bulk_matters
    )
    bulk_seconds = time.perf_counter() - started
    _check(built, matters)

    started = time.perf_counter()
    naive = build_naively(naive_scope, naive_matters)
    naive_seconds = time.perf_counter() - started
    _check(naive, matters)

    sample = built[:pdfs]
    invoice_pdf(sample[0])  # fonts and the stylesheet loaded once, as a server would
    started = time.perf_counter()
    pdfs_made = [invoice_pdf(invoice) for invoice in sample]
    pdf_seconds = time.perf_counter() - started
    pages = sum(len(PdfReader(io.BytesIO(pdf)).pages) for pdf in pdfs_made)
    per_pdf = pdf_seconds / len(sample)
    lines = matters * (ENTRIES + EXPENSES)
    return [
        (
            f"Build invoices for {matters:,} matters ({lines:,} lines)",
            bulk_seconds,
            naive_seconds,
            "bulk inserts and database sums vs one INSERT per line and the "
            "total summed in Python",
        ),
        (
            f"Render the PDFs of {matters:,} invoices (sample of {len(sample)}, "
            "scaled)",
            per_pdf * matters,
            # No naive way differs here (one WeasyPrint run per invoice is the
            # work itself), so the baseline is the budget PITFALLS.md sets for
            # WeasyPrint on this machine: 0.3 s a page.
            PAGE_BUDGET * pages / len(sample) * matters,
            f"{per_pdf * 1000:.0f} ms an invoice of {ENTRIES + EXPENSES} lines, "
            f"{pages / len(sample):.1f} page(s); baseline: the budget of "
            f"{PAGE_BUDGET:.1f} s a page, not a naive run",
        ),
    ]


def _command() -> str:
    env = (
        f"DATABASE_URL={shlex.quote(os.environ['DATABASE_URL'])} "
        if os.environ.get("DATABASE_URL")
        else ""
    )
    args = " ".join(map(shlex.quote, sys.argv[1:]))
    return f"{env}.venv/bin/python bench/billing_invoices.py {args}".rstrip()


def print_figures(rows) -> None:
    for name, seconds, naive, note in rows:
        line = f"{name}: {seconds:.2f} s"
        if naive is not None:
            line += f" (naive {naive:.2f} s, {naive / seconds:.1f}× faster)"
        print(f"{line} — {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--matters", type=int, default=1000)
    parser.add_argument("--pdfs", type=int, default=50)
    args = parser.parse_args()
    rows = figures(matters=args.matters, pdfs=args.pdfs)
    print(f"On {connection.vendor} ({connection.settings_dict['NAME']}):")
    print_figures(rows)
    print(f"Command: {_command()}")


if __name__ == "__main__":
    main()
