"""Billing figures (issue 17, "Done means"), each beside the same work done
naively, as a ratio.

Here: exporting a 100,000-line LEDES 1998B file (target: under 5 s), the way
FirmDesk does it (the lines read in one query, one string joined once, then
the validator over the whole file) against the naive way (a query per line
and per lookup, the file grown by string concatenation; still Decimal, never
float). When bench/billing_invoices.py exists (another part of issue 17) its
``figures()`` — building invoices for 1,000 matters and rendering their PDFs —
join the same table.

    .venv/bin/python bench/billing.py [--lines 100000] [--per-invoice 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/firmdesk_bench \\
        .venv/bin/python bench/billing.py

Each run adds a firm named "Billing bench <time>" with its invoices to the
database DATABASE_URL names (the SQLite file under var/ when unset); audit
events cannot be deleted, so neither can the firm: point DATABASE_URL at a
scratch database.
"""

import argparse
import datetime
import importlib
import os
import random
import shlex
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from firmdesk.billing import ledes  # noqa: E402
from firmdesk.billing.models import (  # noqa: E402
    BillingSettings,
    ClientBillingTerms,
    Invoice,
    InvoiceLine,
    MatterBilling,
)
from firmdesk.billing.utbms import ACTIVITY_CODES, EXPENSE_CODES, TASK_CODES  # noqa: E402
from firmdesk.matters.models import Contact, Matter  # noqa: E402
from firmdesk.orgs.models import Organization  # noqa: E402

D = Decimal
NARRATIVES = [
    "Draft motion to dismiss and supporting memorandum",
    "Review discovery responses from defendant",
    "Telephone conference with client regarding settlement",
    "Prepare deposition outline for witness Müller",
    "Research case law on statute of limitations | tolling",
    "Revise [draft] brief per partner comments",
]
PEOPLE = [
    ("OO", "Owen Ortiz", "PARTNR", D("425.00")),
    ("GH", "Grace Hale", "PARTNR", D("450.00")),
    ("IL", "Ida Lane", "PARLEG", D("165.00")),
    ("PN", "Priya Nair", "LGLAST", D("95.00")),
]


def make_data(lines: int, per_invoice: int, console) -> tuple:
    """A fresh firm with ``lines`` invoice lines over invoices of
    ``per_invoice`` lines each (fees, expenses, an adjustment per invoice)."""
    rng = random.Random(17)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    firm = Organization.objects.create(
        kind=Organization.Kind.FIRM,
        name=f"Billing bench {stamp}",
        slug=f"billing-bench-{stamp}",
        jurisdiction="US-NY",
    )
    BillingSettings.objects.create(firm=firm, law_firm_id="12-3456789")
    client = Contact.objects.create(firm=firm, kind="organization", name="Acme Corp")
    ClientBillingTerms.objects.create(
        firm=firm, client=client, client_code="ACME01", ledes=True
    )
    tasks, activities = sorted(TASK_CODES), sorted(ACTIVITY_CODES)
    expenses = sorted(EXPENSE_CODES)
    invoices = []
    started = time.perf_counter()
    count = -(-lines // per_invoice)
    for n in range(count):
        matter = Matter.objects.create(
            firm=firm, number=f"BB-{n:05d}", title=f"Bench matter {n}"
        )
        MatterBilling.objects.create(
            firm=firm, matter=matter, client_matter_id=f"ACME-{n:05d}"
        )
        invoice = Invoice.objects.create(
            firm=firm,
            matter=matter,
            client=client,
            number=f"BB-{n:06d}",
            status=Invoice.Status.APPROVED,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 1, 31),
            issued_on=datetime.date(2026, 2, 2),
        )
        rows = []
        size = min(per_invoice, lines - n * per_invoice)
        for position in range(1, size + 1):
            day = datetime.date(2026, 1, rng.randint(1, 31))
            if position == size and size > 1:
                amount = D(-rng.randint(100, 50000)) / 100
                rows.append(
                    InvoiceLine(
                        firm=firm,
                        invoice=invoice,
                        position=position,
                        kind="IF",
                        date=day,
                        description="Courtesy discount",
                        adjustment=amount,
                        total=amount,
                    )
                )
            elif rng.random() < 0.15:
                quantity = D(rng.randint(1, 300))
                cost = D(rng.randint(5, 2500)) / 100
                rows.append(
                    InvoiceLine(
                        firm=firm,
                        invoice=invoice,
                        position=position,
                        kind="E",
                        date=day,
                        description="Copies and courier",
                        expense_code=rng.choice(expenses),
                        units=quantity,
                        unit_cost=cost,
                        total=(quantity * cost).quantize(D("0.01")),
                    )
                )
            else:
                code, name, classification, rate = rng.choice(PEOPLE)
                hours = D(rng.randint(1, 80)) / 10
                change = D(-rng.randint(0, 3) * 1000) / 100
                rows.append(
                    InvoiceLine(
                        firm=firm,
                        invoice=invoice,
                        position=position,
                        kind="F",
                        date=day,
                        description=rng.choice(NARRATIVES),
                        timekeeper_code=code,
                        timekeeper_name=name,
                        timekeeper_classification=classification,
                        task_code=rng.choice(tasks),
                        activity_code=rng.choice(activities),
                        units=hours,
                        unit_cost=rate,
                        adjustment=change,
                        total=(hours * rate).quantize(D("0.01")) + change,
                    )
                )
        InvoiceLine.objects.bulk_create(rows, batch_size=2000)
        invoices.append(invoice)
    console.print(
        f"Made {count:,} invoices with {lines:,} lines in "
        f"{time.perf_counter() - started:.1f} s."
    )
    return firm, invoices


def fast_export(firm, invoices) -> tuple[float, float, str]:
    """FirmDesk's way: (seconds to read and write the file, seconds with the
    validator too, the file)."""
    rows = list(
        Invoice.objects.for_firm(firm)
        .filter(pk__in=[i.pk for i in invoices])
        .select_related("firm", "matter", "client")
        .order_by("number")
    )
    started = time.perf_counter()
    batch = ledes.invoice_ledes(rows)
    text = ledes.export_text(batch.invoices)
    written = time.perf_counter() - started
    problems = ledes.validate(text)
    checked = time.perf_counter() - started
    if problems:
        raise SystemExit(f"The bench file did not validate: {problems[:5]}")
    return written, checked, text


def naive_export(firm, invoices) -> tuple[float, str]:
    """The naive way: the invoice's settings, client terms and matter billing
    looked up, then a query per line, fields formatted one by one, the
    invoice summed in Python and the file grown by concatenation. Decimal,
    never float."""
    started = time.perf_counter()
    out = ledes.FIRST_LINE + "\r\n" + ledes.HEADER + "\r\n"
    for invoice in invoices:
        settings = BillingSettings.objects.for_firm(firm).get()
        matter = Matter.objects.for_firm(firm).get(pk=invoice.matter_id)
        terms = ClientBillingTerms.objects.for_firm(firm).get(
            client_id=invoice.client_id
        )
        billing = MatterBilling.objects.for_firm(firm).get(matter=matter)
        line_ids = list(
            InvoiceLine.objects.for_firm(firm)
            .filter(invoice_id=invoice.pk)
            .order_by("position")
            .values_list("pk", flat=True)
        )
        lines = [InvoiceLine.objects.for_firm(firm).get(pk=pk) for pk in line_ids]
        total = D("0.00")
        for line in lines:
            total += line.total
        for number, line in enumerate(lines, start=1):
            adjusting = line.kind in ledes.ADJUSTMENT_TYPES
            values = [
                invoice.issued_on.strftime("%Y%m%d"),
                invoice.number,
                terms.client_code,
                matter.number,
                f"{total:.2f}",
                invoice.period_start.strftime("%Y%m%d"),
                invoice.period_end.strftime("%Y%m%d"),
                ledes.clean(invoice.description),
                str(number),
                line.kind,
                "" if adjusting else f"{line.units:.2f}",
                f"{line.adjustment:.2f}",
                f"{line.total:.2f}",
                line.date.strftime("%Y%m%d"),
                line.task_code,
                line.expense_code,
                line.activity_code,
                line.timekeeper_code,
                ledes.clean(line.description),
                settings.law_firm_id,
                "" if adjusting else f"{line.unit_cost:.2f}",
                ledes.last_first(line.timekeeper_name),
                line.timekeeper_classification,
                billing.client_matter_id,
            ]
            row = ""
            for index, value in enumerate(values):
                row = row + ("|" if index else "") + value
            out = out + row + "[]\r\n"
    return time.perf_counter() - started, out


def naive_sample(invoices, lines_wanted: int) -> list:
    """The first invoices holding at least ``lines_wanted`` lines: the naive
    way takes minutes for 100,000 lines, so it runs on a sample and is scaled
    to the whole file (linearly, which flatters it: its concatenation grows
    faster than the file)."""
    sample, counted = [], 0
    for invoice in invoices:
        sample.append(invoice)
        counted += (
            InvoiceLine.objects.for_firm(invoice.firm).filter(invoice=invoice).count()
        )
        if counted >= lines_wanted:
            break
    return sample


def other_figures(console) -> list[tuple]:
    """``figures()`` of bench/billing_invoices.py, when that module exists."""
    if not (ROOT / "bench" / "billing_invoices.py").exists():
        console.print("bench/billing_invoices.py is not here yet: its figures wait.")
        return []
    module = importlib.import_module("billing_invoices")
    return list(module.figures())


def _ratio(seconds, naive):
    if naive is None or not seconds:
        return "—"
    return f"{naive / seconds:,.1f}×"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--per-invoice", type=int, default=1000)
    parser.add_argument(
        "--naive-lines",
        type=int,
        default=5000,
        help="Lines the naive way runs on, scaled to the whole file (0: skip it).",
    )
    parser.add_argument(
        "--ledes-only",
        action="store_true",
        help="Leave out bench/billing_invoices.py's figures.",
    )
    args = parser.parse_args()
    console = Console(stderr=True)
    call_command("migrate", verbosity=0, interactive=False)

    firm, invoices = make_data(args.lines, args.per_invoice, console)
    written, checked, text = fast_export(firm, invoices)
    lines = text.count("\r\n") - 2
    naive, naive_note = None, ""
    if args.naive_lines:
        sample = naive_sample(invoices, args.naive_lines)
        console.print(f"Timing the naive export on {len(sample)} invoice(s)…")
        seconds, naive_text = naive_export(firm, sample)
        sampled = naive_text.count("\r\n") - 2
        if not text.startswith(naive_text):
            raise SystemExit("The naive export wrote a different file.")
        naive = seconds * lines / sampled
        naive_note = f"; naive timed on {sampled:,} lines ({seconds:.1f} s), scaled"
    figures = [
        (
            f"LEDES 1998B export, {lines:,} lines (read + write)",
            written,
            naive,
            f"target under 5 s; {len(text) / 1e6:.1f} MB{naive_note}",
        ),
        (
            f"LEDES 1998B export, {lines:,} lines, with the validator",
            checked,
            naive,
            "what the download and the CLI do before giving out a file",
        ),
    ]
    if not args.ledes_only:
        figures += other_figures(console)

    db = connection.settings_dict
    where = (
        db["NAME"] if connection.vendor == "sqlite" else f"{db['NAME']} on {db['HOST']}"
    )
    table = Table(
        title=f"Billing on {connection.vendor} ({where})", title_justify="left"
    )
    table.add_column("Figure")
    table.add_column("FirmDesk", justify="right")
    table.add_column("Baseline", justify="right")
    table.add_column("Baseline ÷ FirmDesk", justify="right")
    table.add_column("Note")
    for name, seconds, baseline, note in figures:
        table.add_row(
            name,
            f"{seconds:.2f} s",
            "—" if baseline is None else f"{baseline:.2f} s",
            _ratio(seconds, baseline),
            note or "",
        )
    Console(width=200).print(table)
    env = " ".join(
        f"{var}={shlex.quote(os.environ[var])}"
        for var in ("DATABASE_URL",)
        if os.environ.get(var)
    )
    command = " ".join(
        part
        for part in (
            env,
            ".venv/bin/python bench/billing.py",
            " ".join(shlex.quote(a) for a in sys.argv[1:]),
        )
        if part
    )
    print(f"Command: {command}")


if __name__ == "__main__":
    main()
