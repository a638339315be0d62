import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from firmdesk.billing.ledes import ledes_export, validate
from firmdesk.billing.models import Invoice
from firmdesk.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "LEDES 1998B e-billing files. "
        "`firmdesk ledes export --firm SLUG INVOICE_NUMBER [...] [-o FILE]` writes "
        "the invoices as one file after checking it; "
        "`firmdesk ledes check FILE [--json]` lists every problem by line and "
        "field (exit 1 when there are any). See docs/billing-ledes.md."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export", help="Write invoices as LEDES 1998B, checked first."
        )
        export.add_argument("--firm", required=True, help="The firm's slug.")
        export.add_argument("numbers", nargs="+", metavar="INVOICE_NUMBER")
        export.add_argument(
            "-o", "--output", metavar="FILE", help="Write here instead of the screen."
        )
        check = sub.add_parser("check", help="Check a LEDES 1998B file.")
        check.add_argument("file", help="The file to check.")
        check.add_argument(
            "--negative-adjustments-only",
            action="store_true",
            help="The client accepts only discounts: report any positive adjustment.",
        )
        check.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args, **options):
        out = options.get("stdout") or sys.stdout
        err = options.get("stderr") or sys.stderr
        if options["action"] == "check":
            return self.run_check(options, out)
        return self.run_export(options, out, err)

    def run_check(self, options, out):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        problems = validate(
            data.decode("utf-8", errors="replace"),
            negative_adjustments_only=options["negative_adjustments_only"],
        )
        if options["json"]:
            out.write(
                json.dumps(
                    {"file": str(path), "problems": [p.to_dict() for p in problems]},
                    indent=2,
                )
                + "\n"
            )
        elif problems:
            for problem in problems:
                out.write(f"{problem}\n")
            out.write(f"{len(problems):,} problem(s) in {path}.\n")
        else:
            out.write(f"{path}: no problems found.\n")
        if problems:
            sys.exit(1)

    def run_export(self, options, out, err):
        firm = Organization.objects.filter(
            slug=options["firm"], kind=Organization.Kind.FIRM
        ).first()
        if firm is None:
            raise CommandError(f"No firm with the slug “{options['firm']}”.")
        numbers = list(dict.fromkeys(options["numbers"]))
        found = {
            invoice.number: invoice
            # One firm's rows, as any service acting for one firm reads them.
            for invoice in Invoice.objects.for_firm(firm)
            .filter(number__in=numbers)
            .select_related("firm", "matter", "client")
        }
        missing = [n for n in numbers if n not in found]
        if missing:
            raise CommandError(
                f"{firm.name} has no invoice numbered {', '.join(missing)}."
            )
        result = ledes_export(
            firm=firm,
            invoices=[found[n] for n in numbers],
            actor=None,
            where="the command line",
        )
        if result.refused:
            raise CommandError(result.refused)
        if result.problems:
            for problem in result.problems:
                err.write(f"{problem}\n")
            raise CommandError(
                f"Not written: the file would have {len(result.problems):,} "
                "problem(s), listed above. Correct the invoice and export again."
            )
        if options["output"]:
            path = Path(options["output"])
            try:
                with path.open("w", encoding="ascii", newline="") as stream:
                    stream.write(result.text)
            except OSError as exc:
                raise CommandError(f"Cannot write {path}: {exc.strerror}.") from None
            err.write(f"Wrote {result.lines:,} line item(s) to {path}.\n")
        else:
            out.write(result.text)
