"""PostgreSQL's plan and timing of the once-a-minute sweeps that mend lost
enqueues (notification e-mails, lead announcements, visitors' confirmations):
each sweep is run once, its statements captured and run again under
``EXPLAIN (ANALYZE, BUFFERS)``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fd_large \\
        .venv/bin/python bench/sweep_plans.py
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.queues import command_line, say  # noqa: E402
from firmdesk.intake.tasks import confirmations_due, leads_to_announce  # noqa: E402
from firmdesk.notify.tasks import notification_emails_due  # noqa: E402

SWEEPS = {
    "notification e-mails": notification_emails_due,
    "lead announcements": leads_to_announce,
    "visitors' confirmations": confirmations_due,
}


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("PostgreSQL only: set DATABASE_URL.")
    # .iterator() reads through a server-side cursor, which the capture
    # below does not see: plain cursors send the same SELECT.
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    now = timezone.now()
    for label, sweep in SWEEPS.items():
        with CaptureQueriesContext(connection) as captured:
            found = sum(1 for _ in sweep(now))
        say(f"## {label}: {found} found")
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            say(f"    {sql}")
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                for (line,) in cursor.fetchall():
                    say(f"    {line}")
        say("")
    say(f"command: {command_line('bench/sweep_plans.py')}")


if __name__ == "__main__":
    main()
