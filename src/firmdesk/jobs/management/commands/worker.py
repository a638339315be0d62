import logging
import signal
from argparse import ArgumentTypeError
from types import FrameType

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import autodiscover_modules
from django_tasks import (
    DEFAULT_TASK_BACKEND_ALIAS,
    DEFAULT_TASK_QUEUE_NAME,
    task_backends,
)

from firmdesk.jobs.rq_worker import run_rq_worker, uses_rq
from firmdesk.jobs.schedule import Schedule, default_schedule
from firmdesk.jobs.worker import Worker

logger = logging.getLogger("firmdesk.jobs.worker")

_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ArgumentTypeError("must be 1 or more")
    return number


class Command(BaseCommand):
    help = (
        "Run background jobs, with the schedule, retries and recovery of jobs "
        "whose worker died. SIGTERM or Ctrl-C stops it after the job in hand; "
        "a second one stops it at once (the job is then run again elsewhere)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run the schedule and every job ready now, then exit.",
        )
        parser.add_argument(
            "--max-jobs",
            type=_positive_int,
            metavar="N",
            help="Exit after running N jobs.",
        )
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="Only run jobs; leave the schedule to the other workers.",
        )
        parser.add_argument(
            "--queue",
            action="append",
            dest="queues",
            metavar="NAME",
            help=(
                f"A queue to work; repeat for several, '*' for all "
                f"(default: {DEFAULT_TASK_QUEUE_NAME})."
            ),
        )

    def handle(self, *args, once, max_jobs, queues, no_schedule, verbosity, **options):
        if verbosity == 0:
            logging.getLogger("firmdesk.jobs").setLevel(logging.WARNING)
        elif verbosity > 1:
            logging.getLogger("firmdesk.jobs").setLevel(logging.DEBUG)
        # Scheduled work registers itself when the apps' tasks modules are imported.
        autodiscover_modules("tasks")
        queues = queues or [DEFAULT_TASK_QUEUE_NAME]
        schedule = Schedule() if no_schedule else default_schedule
        if uses_rq(task_backends[DEFAULT_TASK_BACKEND_ALIAS]):
            if "*" in queues:
                queues = list(settings.RQ_QUEUES)
            # rq stops on SIGTERM or Ctrl-C after the job in hand, at once on
            # a second, like the database worker.
            run_rq_worker(
                queues=queues, schedule=schedule, burst=once, max_jobs=max_jobs
            )
            return
        try:
            worker = Worker(queues=queues, schedule=schedule)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc

        def on_signal(signum: int, frame: FrameType | None) -> None:
            name = signal.Signals(signum).name
            if worker.stopping:
                logger.warning("%s again: stopping now, abandoning the job", name)
                raise SystemExit(1)
            logger.info("%s: stopping after the job in hand", name)
            worker.stop()

        previous = {sig: signal.signal(sig, on_signal) for sig in _STOP_SIGNALS}
        try:
            worker.run(once=once, max_jobs=max_jobs)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
