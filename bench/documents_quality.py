"""What the quality checks cost at submission (issue 19, item 4;
docs/documents-quality.md): a one-page letter and a long document, checked
on a matter of a firm with many other matters whose parties' names are
looked for.

    .venv/bin/python bench/documents_quality.py
    .venv/bin/python bench/documents_quality.py --matters 20000 --paragraphs 600
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/firmdesk_bench \\
        .venv/bin/python bench/documents_quality.py

Everything runs in one transaction that is rolled back, and the files are
stored under a temporary folder, so the database DATABASE_URL names (the
SQLite file under var/ when unset) is left as it was.
"""

import argparse
import datetime
import io
import os
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from docx import Document as WordDocument  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from firmdesk.access.scope import resolve_scope  # noqa: E402
from firmdesk.documents.quality import findings  # noqa: E402
from firmdesk.documents.services import document_upload  # noqa: E402
from firmdesk.matters.models import Contact, Matter, MatterParty  # noqa: E402
from firmdesk.orgs.models import Membership, Organization, User  # noqa: E402

TODAY = datetime.date(2026, 12, 6)
PARAGRAPH = (
    "The parties agree that the sum owed shall be paid in full together with "
    "interest at the statutory rate, and that nothing in this letter waives any "
    "right or remedy of our client, all of which are expressly reserved. "
)


def word(paragraphs: int) -> bytes:
    document = WordDocument()
    document.add_paragraph("Re: Maria Lopez v. Acme Holdings, LLC")
    for _ in range(paragraphs):
        document.add_paragraph(PARAGRAPH * 2)
    for line in (
        "Please pay no later than January 15, 2027.",
        "Sincerely,",
        "Owen Ortiz",
    ):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_firm(matters: int):
    stamp = time.strftime("%Y%m%d%H%M%S")
    firm = Organization.objects.create(
        name=f"Quality bench {stamp}", slug=f"qb-{stamp}"
    )
    attorney = User.objects.create(
        email=f"qb-{stamp}@bench.test", full_name="Owen Ortiz"
    )
    Membership.objects.create(user=attorney, organization=firm, roles=["attorney"])
    matter = Matter.unscoped.create(
        firm=firm, number="Q-0", title="Lopez v. Acme", responsible_attorney=attorney
    )
    client = Contact.unscoped.create(firm=firm, name="Maria Lopez")
    MatterParty.unscoped.create(firm=firm, matter=matter, contact=client, role="client")
    others = Matter.unscoped.bulk_create(
        [
            Matter(firm=firm, number=f"Q-{n + 1}", title=f"Other {n}")
            for n in range(matters)
        ]
    )
    contacts = Contact.unscoped.bulk_create(
        [Contact(firm=firm, name=f"Person{n} Surname{n}") for n in range(2 * matters)]
    )
    MatterParty.unscoped.bulk_create(
        [
            MatterParty(
                firm=firm,
                matter=others[n // 2],
                contact=contact,
                role="client" if n % 2 == 0 else "adverse",
            )
            for n, contact in enumerate(contacts)
        ]
    )
    return firm, attorney, matter


def measure(version, scope, runs: int = 5) -> tuple[float, int, list[str]]:
    findings(version, today=TODAY, scope=scope)  # names folded once, as in a server
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            found = findings(version, today=TODAY, scope=scope)
            times.append(time.perf_counter() - began)
    return (
        statistics.median(times),
        len(queries.captured_queries),
        [f.code for f in found],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--matters", type=int, default=5000)
    parser.add_argument("--paragraphs", type=int, default=150)
    args = parser.parse_args()
    console = Console(stderr=True)
    call_command("migrate", verbosity=0, interactive=False)
    table = Table(
        title=f"Quality checks on {connection.vendor}, {args.matters:,} other "
        f"matters ({2 * args.matters:,} party names)",
        title_justify="left",
    )
    for column in ("Document", "Size", "Time", "Queries", "Findings"):
        table.add_column(column, justify="left" if column == "Document" else "right")
    with tempfile.TemporaryDirectory() as media, transaction.atomic():
        # Before the storage is first used, so it takes this folder.
        settings.MEDIA_ROOT = media
        console.print(f"Writing a firm of {args.matters:,} other matters…")
        firm, attorney, matter = make_firm(args.matters)
        scope = resolve_scope(attorney, firm)
        for label, paragraphs in (
            ("one-page letter", 3),
            ("long document", args.paragraphs),
        ):
            content = word(paragraphs)
            document = document_upload(
                firm=firm,
                actor=attorney,
                uploaded_file=SimpleUploadedFile("Letter.docx", content),
                matter=matter,
            )
            took, queries, codes = measure(document.current_version, scope)
            words = (paragraphs * len(PARAGRAPH.split()) * 2) + 20
            table.add_row(
                f"{label} (~{words:,} words)",
                f"{len(content) / 1024:.0f} KiB",
                f"{took * 1000:.0f} ms",
                str(queries),
                ", ".join(codes) or "none",
            )
        transaction.set_rollback(True)
    Console(width=160).print(table)
    env = " ".join(
        f"{var}={shlex.quote(os.environ[var])}"
        for var in ("DATABASE_URL", "FIRMDESK_VAR")
        if os.environ.get(var)
    )
    parts = (
        env,
        ".venv/bin/python bench/documents_quality.py",
        shlex.join(sys.argv[1:]),
    )
    print("Command: " + " ".join(part for part in parts if part))


if __name__ == "__main__":
    main()
