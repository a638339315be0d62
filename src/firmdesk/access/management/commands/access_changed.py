from django.core.management.base import BaseCommand
from django.db import transaction

from firmdesk.access import mark


class Command(BaseCommand):
    help = (
        "Give the access mark a new token after memberships, staff profiles, "
        "absences, engagements, assignments, agreements or screens were written "
        "outside FirmDesk (SQL, another program): every person's access is "
        "worked out again on their next request (docs/access.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        using = options["database"]
        with transaction.atomic(using=using):
            mark.bump(using=using)
        self.stdout.write("Access mark changed: access is worked out afresh.")
