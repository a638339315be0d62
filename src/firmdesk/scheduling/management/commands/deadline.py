"""``firmdesk deadline``: compute a deadline under FRCP 6 and show how."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from firmdesk.scheduling import deadlines
from firmdesk.scheduling.models import Court, declared_holidays


class Command(BaseCommand):
    help = (
        "Compute a deadline under FRCP 6(a) and 6(d) and print each step. "
        "Example: firmdesk deadline --from 2026-07-01 --days 21 --service mail"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="start",
            required=True,
            help="The trigger: YYYY-MM-DD, or YYYY-MM-DDTHH:MM (court time) with "
            "--hours.",
        )
        period = parser.add_mutually_exclusive_group(required=True)
        period.add_argument("--days", type=int, help="A period in days.")
        period.add_argument("--hours", type=int, help="A period in hours.")
        parser.add_argument(
            "--before", action="store_true", help="Count backward from the trigger."
        )
        parser.add_argument(
            "--court-days",
            action="store_true",
            help="Count only days the court is open (where a rule says so).",
        )
        parser.add_argument(
            "--service",
            default="personal",
            choices=sorted(deadlines.SERVICE_LABELS),
            help="How the trigger paper was served (default personal; mail, clerk "
            "and consent add 3 days under Rule 6(d)).",
        )
        parser.add_argument(
            "--jurisdiction",
            default="US",
            help="US (federal holidays only, the default) or US-XX to count that "
            "state's holidays too for forward periods.",
        )
        parser.add_argument(
            "--court", help="A court's code (e.g. nysd): its zone, state and closures."
        )
        parser.add_argument(
            "--no-observed",
            action="store_true",
            help="Do not treat the observed Friday/Monday of a weekend holiday as a "
            "holiday.",
        )
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args, **options):
        try:
            calendar = self._calendar(options)
            if options["hours"] is not None:
                if options["court_days"]:
                    raise CommandError(
                        "--court-days counts days; leave it out with --hours."
                    )
                start = self._moment(options["start"])
                result = deadlines.compute_hours(
                    start,
                    options["hours"],
                    before=options["before"],
                    service=options["service"],
                    calendar=calendar,
                )
            else:
                result = deadlines.compute_days(
                    self._date(options["start"]),
                    options["days"],
                    before=options["before"],
                    court_days=options["court_days"],
                    service=options["service"],
                    calendar=calendar,
                )
        except deadlines.DeadlineError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            payload = {"court": calendar.name, **result.as_dict()}
            self.stdout.write(json.dumps(payload, indent=2))
            return
        self.stdout.write(f"Due: {result.due_text}  ({calendar.name})")
        for number, step in enumerate(result.steps, 1):
            self.stdout.write(f"{number}. [FRCP {step.rule}] {step.text}")
            if step.result:
                self.stdout.write(f"   -> {step.result}")

    def _calendar(self, options):
        observed = not options["no_observed"]
        if options["court"]:
            court = Court.objects.filter(code=options["court"].lower()).first()
            if court is None and options["court"].isdigit():
                court = Court.objects.filter(pk=int(options["court"])).first()
            if court is None:
                codes = ", ".join(Court.objects.values_list("code", flat=True)[:40])
                raise CommandError(
                    f"No court {options['court']!r}. Known court codes: {codes}."
                )
            calendar = court.calendar()
            if not observed:
                calendar = deadlines.CourtCalendar(
                    **{**calendar.__dict__, "observed_holidays": False}
                )
            return calendar
        return deadlines.CourtCalendar(
            jurisdiction=options["jurisdiction"],
            observed_holidays=observed,
            declared=declared_holidays(),
        )

    @staticmethod
    def _date(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise CommandError(
                f"--from {text!r} is not a date; write it as YYYY-MM-DD."
            ) from None

    @staticmethod
    def _moment(text):
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise CommandError(
                f"--from {text!r} is not a date and time; write it as "
                "YYYY-MM-DDTHH:MM (the court's local time)."
            ) from None
        return value
