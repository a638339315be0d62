import json

from django.core.management.base import BaseCommand, CommandError

from firmdesk.audit.services import audit_verify, seal_reads
from firmdesk.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Audit trail tools. `firmdesk audit verify --firm SLUG` (or `--all`) seals "
        "the reads still waiting for a seal, then checks the hash chain and names "
        "every event that was altered or deleted. `firmdesk audit seal` only seals."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify", help="Check that no event was altered or deleted."
        )
        which = verify.add_mutually_exclusive_group(required=True)
        which.add_argument("--firm", help="The firm's (or provider's) slug.")
        which.add_argument(
            "--all", action="store_true", help="Every firm and provider, one by one."
        )
        verify.add_argument("--json", action="store_true")
        verify.add_argument(
            "--no-seal",
            action="store_true",
            help="Check only: leave the reads not sealed yet as they are.",
        )
        seal = sub.add_parser(
            "seal", help="Take every read not sealed yet into its firm's chain."
        )
        which = seal.add_mutually_exclusive_group(required=True)
        which.add_argument("--firm", help="The firm's (or provider's) slug.")
        which.add_argument("--all", action="store_true", help="Every organisation.")

    def handle(self, *args, **options):
        if options["all"]:
            orgs = list(Organization.objects.order_by("slug"))
        else:
            orgs = list(Organization.objects.filter(slug=options["firm"]))
            if not orgs:
                raise CommandError(
                    f"No organisation with the slug “{options['firm']}”."
                )
        if options["action"] == "seal":
            for org in orgs:
                sealed = sum(seal.detail["reads"] for seal in seal_reads(org=org))
                self.stdout.write(f"{org.name} ({org.slug}): {sealed} read(s) sealed.")
            return
        if not options["no_seal"]:
            for org in orgs:
                seal_reads(org=org)
        results = [(org, audit_verify(org=org)) for org in orgs]
        if options["json"]:
            self.stdout.write(json.dumps(self._as_json(results, options["all"])))
        else:
            for org, result in results:
                self._report(org, result)
        if not all(result.ok for _, result in results):
            raise SystemExit(1)

    def _report(self, org, result):
        if result.ok:
            self.stdout.write(
                f"{org.name} ({org.slug}): {result.checked} audit events, chain intact."
                + self._unsealed(result)
            )
            return
        for problem in result.problems:
            self.stderr.write(f"{org.slug}: {problem}")
        self.stderr.write(
            f"{org.name} ({org.slug}): the audit trail was tampered with "
            f"({len(result.findings)} problem(s) in {result.checked} events)."
        )

    @staticmethod
    def _unsealed(result) -> str:
        if not result.unsealed:
            return ""
        return (
            f" {result.unsealed} recent read(s) not sealed yet: each matches its "
            "own hash; the next seal takes them into the chain."
        )

    @staticmethod
    def _as_json(results, every: bool):
        rows = [
            {
                "firm": org.slug,
                "checked": result.checked,
                "ok": result.ok,
                "unsealed_reads": result.unsealed,
                "problems": result.problems,
                "findings": [finding.as_dict() for finding in result.findings],
            }
            for org, result in results
        ]
        if every:
            return {"ok": all(row["ok"] for row in rows), "organisations": rows}
        return rows[0]
