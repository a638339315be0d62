import json

from django.core.management.base import BaseCommand, CommandError

from firmdesk.audit.services import audit_verify
from firmdesk.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Audit trail tools. `firmdesk audit verify --firm SLUG` checks the hash chain."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify", help="Check that no event was altered or deleted."
        )
        verify.add_argument(
            "--firm", required=True, help="The firm's (or provider's) slug."
        )
        verify.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        org = Organization.objects.filter(slug=options["firm"]).first()
        if org is None:
            raise CommandError(f"No organisation with the slug “{options['firm']}”.")
        result = audit_verify(org=org)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "firm": org.slug,
                        "checked": result.checked,
                        "ok": result.ok,
                        "problems": result.problems,
                    }
                )
            )
        elif result.ok:
            self.stdout.write(
                f"{org.name}: {result.checked} audit events, chain intact."
            )
        else:
            for problem in result.problems:
                self.stderr.write(problem)
            self.stderr.write(
                f"{org.name}: the audit trail was tampered with "
                f"({len(result.problems)} problem(s) in {result.checked} events)."
            )
        if not result.ok:
            raise SystemExit(1)
