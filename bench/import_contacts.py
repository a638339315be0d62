"""Time the import of a 50,000-row contacts CSV (issue 3, "Done means").

Generates a file in the FirmDesk layout with Faker (fixed seed: the same file
every run), imports it into a new firm of the database that DATABASE_URL names
(the SQLite file under var/ when unset), checks that a few of its names are
found by the conflict search, and prints the time.

    .venv/bin/python bench/import_contacts.py [--rows 50000] [--seed 1]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/firmdesk_bench \\
        .venv/bin/python bench/import_contacts.py

Each run adds a firm named "Import bench <time>" with its contacts to that
database (audit events cannot be deleted, so neither can the firm): point
DATABASE_URL at a scratch database.
"""

import argparse
import csv
import io
import os
import random
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from faker import Faker  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import (  # noqa: E402
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from firmdesk.conflicts.importing import FIRMDESK_COLUMNS, import_file  # noqa: E402
from firmdesk.conflicts.models import ConflictKey  # noqa: E402
from firmdesk.conflicts.services import conflict_search  # noqa: E402
from firmdesk.orgs.models import Organization  # noqa: E402

LOCALES = ["en_US"] * 6 + ["es_MX", "fr_FR", "de_DE", "it_IT", "pl_PL", "pt_BR"]
ROLES = [
    ("client", 30),
    ("adverse", 30),
    ("opposing_counsel", 12),
    ("related", 10),
    ("witness", 10),
    ("co_party", 5),
    ("expert", 3),
]
AREAS = ["Litigation", "Family", "Estates", "Real Estate", "Employment", "Corporate"]
AREA_CODES = ["212", "646", "718", "917", "516", "914", "518", "585", "716", "315"]


def _phone(rng: random.Random) -> str:
    area = rng.choice(AREA_CODES)
    exchange = rng.randint(200, 999)
    line = rng.randint(0, 9999)
    style = rng.random()
    if style < 0.5:
        return f"({area}) {exchange}-{line:04d}"
    if style < 0.8:
        return f"{area}-{exchange}-{line:04d}"
    return f"+1 {area} {exchange} {line:04d}"


def _us_date(rng: random.Random) -> str:
    return f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(2005, 2025)}"


def generate(rows: int, seed: int) -> bytes:
    """A FirmDesk-layout file: about 8 rows per matter, a fifth of the rows
    naming a contact of an earlier row again (one row per contact in a role)."""
    rng = random.Random(seed)
    fakers = {loc: Faker(loc) for loc in set(LOCALES)}
    for i, fake in enumerate(fakers.values()):
        fake.seed_instance(seed * 100 + i)
    roles, weights = zip(*ROLES, strict=True)
    contacts: list[list[str]] = []
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIRMDESK_COLUMNS)
    matter = None
    for n in range(rows):
        if matter is None or rng.random() < 1 / 8:
            year = rng.randint(2005, 2025)
            opened = _us_date(rng)
            matter = [
                f"M-{year}-{n:06d}",
                "",
                rng.choice(["open", "closed", "closed", "pending"]),
                rng.choice(AREAS),
                opened,
            ]
        if contacts and rng.random() < 0.2:
            contact = rng.choice(contacts)
        else:
            fake = fakers[rng.choice(LOCALES)]
            if rng.random() < 0.72:
                kind, name = "person", fake.name()
                aliases = ""
                if rng.random() < 0.08:
                    aliases = f"{name.split()[0]} {fake.last_name()} (maiden)"
                elif rng.random() < 0.05:
                    aliases = f"{fake.first_name()} {name.split()[-1]}"
            else:
                kind, name = "organization", fake.company()
                aliases = ""
                if rng.random() < 0.1:
                    aliases = f"{fake.company()} (former)"
            email = fake.email() if rng.random() < 0.6 else ""
            phone = _phone(rng) if rng.random() < 0.5 else ""
            contact = [kind, name, aliases, email, phone]
            contacts.append(contact)
        if not matter[1]:
            matter[1] = f"{contact[1].split()[-1]} matter"[:200]
        role = rng.choices(roles, weights)[0]
        writer.writerow(
            contact
            + ["", "", "", ""]
            + [matter[0], matter[1], role, matter[2], matter[3], matter[4], ""]
        )
    return out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    console = Console(stderr=True)

    call_command("migrate", verbosity=0, interactive=False)
    path = Path(settings.VAR_DIR) / "bench" / f"contacts-{args.rows}-{args.seed}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        path.write_bytes(generate(args.rows, args.seed))
        console.print(f"Generated {path} in {time.perf_counter() - started:.1f} s.")
    data = path.read_bytes()

    stamp = time.strftime("%Y%m%d-%H%M%S")
    firm = Organization.objects.create(
        kind=Organization.Kind.FIRM,
        name=f"Import bench {stamp}",
        slug=f"import-bench-{stamp}",
        jurisdiction="US-NY",
    )
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )
    tasks: dict[str, int] = {}

    def step(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total or 1)
        progress.update(tasks[stage], completed=done, total=total or 1)

    with progress:
        result = import_file(
            firm=firm,
            actor=None,
            kind="contacts",
            file=data,
            filename=path.name,
            progress=step,
        )
    if not result.ok:
        for error in result.errors[:20]:
            console.print(str(error), markup=False)
        raise SystemExit("The bench file did not import.")
    keys = ConflictKey.objects.filter(firm=firm).count()
    reader = csv.reader(io.StringIO(data.decode("utf-8")))
    next(reader)
    sample = [next(reader)[1] for _ in range(5)]
    found = sum(
        1
        for name in sample
        if any(h.contact_name == name for h in conflict_search(firm=firm, names=[name]))
    )
    db = connection.settings_dict
    where = (
        db["NAME"] if connection.vendor == "sqlite" else f"{db['NAME']} on {db['HOST']}"
    )
    print(result.summary())
    print(
        f"{result.contacts_created:,} contacts, {result.parties_created:,} party "
        f"roles, {keys:,} conflict-index keys; {found} of {len(sample)} sampled "
        "names found by the conflict search."
    )
    command = " ".join(
        [f"DATABASE_URL={shlex.quote(os.environ['DATABASE_URL'])}"]
        if os.environ.get("DATABASE_URL")
        else []
    )
    command = (command + " " if command else "") + " ".join(
        [
            ".venv/bin/python",
            "bench/import_contacts.py",
            *map(shlex.quote, sys.argv[1:]),
        ]
    )
    print(
        f"Imported {result.rows:,} rows in {result.seconds:.1f} s "
        f"({result.rows / result.seconds:,.0f} rows/s) on {connection.vendor} "
        f"({where})."
    )
    print(f"Command: {command}")


if __name__ == "__main__":
    main()
