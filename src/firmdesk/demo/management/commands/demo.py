from django.core.management.base import BaseCommand

from firmdesk.demo.console import console_for, print_api_tries, print_logins
from firmdesk.demo.services import demo_load, demo_logins


class Command(BaseCommand):
    help = (
        "Load the demo firms, provider, people, engagements, matters and tasks, "
        "then print the sign-ins. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--quiet", action="store_true", help="Print nothing but errors."
        )
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where FirmDesk serves, for the API example printed.",
        )

    def handle(self, *args, **options):
        created = demo_load()
        if options["quiet"]:
            return
        console = console_for(options)
        if created:
            console.print(f"Demo loaded ({created} records created).")
        else:
            console.print("The demo was already loaded; nothing changed.")
        print_logins(console, demo_logins())
        print_api_tries(console, options["base_url"])
