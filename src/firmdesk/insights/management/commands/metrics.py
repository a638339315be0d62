"""``firmdesk metrics``: one month's figures of a firm or an engagement on
the command line (issue 18, item 8b), and ``--rebuild`` of the roll-up they
are read from. See docs/insights-dashboard.md."""

import json
import sys
import uuid

from django.core.management.base import BaseCommand, CommandError

from firmdesk.common.errors import ServiceError
from firmdesk.engagements.models import Engagement
from firmdesk.insights import metrics
from firmdesk.insights.figures import month_figures
from firmdesk.orgs.models import Organization

# Exit code for anything the person typed that cannot be used (argparse's own).
BAD_INPUT = 2
LABEL_WIDTH = 34
VALUE_WIDTH = 14


def _fail(message: str):
    return CommandError(message, returncode=BAD_INPUT)


class Command(BaseCommand):
    help = (
        "One month's figures, each with the numbers it is worked out from: "
        "`firmdesk metrics --firm SLUG [--engagement ID] --month YYYY-MM [--json]`. "
        "`firmdesk metrics --rebuild [--firm SLUG]` rebuilds the roll-up the "
        "figures are read from. See docs/insights-dashboard.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--firm", metavar="SLUG", help="The firm's slug.")
        parser.add_argument(
            "--engagement",
            metavar="ID",
            help="One engagement of the firm (its id, as in the page's address); "
            "without it, the whole firm.",
        )
        parser.add_argument(
            "--month", metavar="YYYY-MM", help="The month, such as 2026-05."
        )
        parser.add_argument("--json", action="store_true", help="Print JSON.")
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Rebuild the roll-up of the firm (of every firm without --firm).",
        )

    def handle(self, *args, **options):
        out = options.get("stdout") or sys.stdout
        firm = self._firm(options["firm"]) if options["firm"] else None
        if options["rebuild"]:
            return self._rebuild(firm, out)
        if firm is None:
            raise _fail("Name the firm: --firm SLUG.")
        if not options["month"]:
            raise _fail("Name the month: --month YYYY-MM, such as --month 2026-05.")
        try:
            month = metrics.parse_month(options["month"])
        except ServiceError as error:
            raise _fail(error.message) from None
        engagement = None
        if options["engagement"]:
            engagement = self._engagement(firm, options["engagement"])
        figures = month_figures(firm, month, engagement=engagement)
        record = metrics.metrics_record(
            figures, firm=firm, currency=metrics.currency_of(firm, engagement)
        )
        if options["json"]:
            out.write(json.dumps(record, indent=2) + "\n")
        else:
            out.write(as_text(record, firm_name=firm.name))

    def _firm(self, slug: str) -> Organization:
        firm = Organization.objects.filter(
            slug=slug, kind=Organization.Kind.FIRM
        ).first()
        if firm is None:
            raise _fail(f"No firm with the slug “{slug}”.")
        return firm

    def _engagement(self, firm, text: str) -> Engagement:
        try:
            public_id = uuid.UUID(text)
        except ValueError:
            raise _fail(
                f"“{text}” is not an engagement id. Copy it from the engagement's "
                "page address: /f/<firm>/engagements/<id>/."
            ) from None
        # One firm's rows, as any service acting for one firm reads them: an
        # engagement of another firm is not found.
        found = Engagement.objects.for_firm(firm).filter(public_id=public_id).first()
        if found is None:
            raise _fail(f"{firm.name} has no engagement with the id {public_id}.")
        return found

    def _rebuild(self, firm, out):
        from firmdesk.insights import rollup

        done = rollup.rebuild(firm=firm)
        what = firm.name if firm is not None else f"{done.firms} firms"
        out.write(
            f"Rebuilt the roll-up of {what}: {done.work_days} days of work and "
            f"{done.billable_days} days of billable time.\n"
        )


# --- Text ----------------------------------------------------------------------


def _value(value, unit: str = "", places: int | None = None) -> str:
    """A figure with its unit; percentages, averages and hours to one
    decimal (``places``), minutes as they are."""
    if value is None:
        return "No data"
    if isinstance(value, float):
        value = f"{value:.{places}f}" if places is not None else f"{value:g}"
    return f"{value} {unit}".strip()


def _many(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _line(label: str, value: str, detail: str = "") -> str:
    return f"{label:<{LABEL_WIDTH}}{value:<{VALUE_WIDTH}}{detail}".rstrip() + "\n"


def as_text(record: dict, *, firm_name: str) -> str:
    """The record as aligned lines in plain words."""
    engagement = record["engagement"]
    what = f"“{engagement['name']}”" if engagement else "whole firm"
    currency = record["currency"]
    hours = record["hours_recovered"]
    on_time = record["on_time"]
    rework = record["rework"]
    cost = record["cost"]
    leads = record["intake_response"]
    feedback = record["feedback"]
    labels = dict(metrics.REASONS)
    reasons = ", ".join(f"{labels[key]} {n}" for key, n in rework["reasons"].items())
    how = "estimated from the price" if cost["estimated"] else "from reconciled bills"
    lines = [
        f"{firm_name}, {what}: {record['month']} ({record['start']} to "
        f"{record['end']})\n",
        _line(
            "Billable hours recovered",
            _value(hours["hours"], "h", 1),
            f"the firm's {_many(hours['attorneys'], 'attorney')} billed "
            f"{_value(hours['attorney_billable_hours'], 'h', 1)} in "
            f"{_many(hours['working_days'], 'working day')}, against "
            f"{_value(hours['baseline_billable_hours'], 'h', 1)} at their "
            "time-audit pace",
        ),
        _line(
            "On-time completion",
            _value(on_time["percent"], "%", 1),
            f"{on_time['on_time']} of {on_time['with_due_time']} finished tasks "
            "with a due time",
        ),
        _line(
            "Rework rate",
            _value(rework["percent"], "%", 1),
            f"{rework['returned']} returned of {_many(rework['reviewed'], 'review')}"
            + (f" ({reasons})" if reasons else ""),
        ),
        _line(
            "Cost per task",
            _value(cost["outsourced_per_task"], currency),
            f"in-house {_value(cost['inhouse_per_task'], currency)}; "
            f"{cost['outsourced']} {currency} for "
            f"{_many(cost['tasks'], 'task')}, {how}",
        ),
        _line(
            "Cost per hour",
            _value(cost["outsourced_per_hour"], currency),
            f"in-house {_value(cost['inhouse_per_hour'], currency)}; "
            f"{cost['staff_hours']:g} h of outside staff time, "
            f"in-house {cost['inhouse']} {currency}",
        ),
        _line(
            "Intake response, median",
            _value(leads["median_minutes"], "min"),
            f"of {_many(leads['leads'], 'lead')} answered",
        ),
        _line("Intake response, 90th percentile", _value(leads["p90_minutes"], "min")),
        _line(
            "Client feedback",
            _value(feedback["average"], "of 5", 1),
            f"average of {_many(feedback['answers'], 'answer')}",
        ),
    ]
    return "".join(lines)
