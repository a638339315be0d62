"""Which kinds of conflict key earn their place: recall and false flags on the
labelled set when one kind at a time is left out of the index.

Loads the labelled set among N Faker names (default 100,000) into one firm of
its own database, like tests/conflicts/test_labelled.py, then for each kind
deletes its rows (the search then finds nothing through it), runs the labelled
searches and rolls the deletion back. Keys are hashed in the index, so the kind
of each row is recomputed from the contacts' names.

    DATABASE_URL=postgres://postgres@127.0.0.1:5434/fd_conflicts \\
        .venv/bin/python bench/conflicts_key_kinds.py [--noise 100000]
"""

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from firmdesk.conflicts.keys import contact_keys, key_hash  # noqa: E402
from firmdesk.conflicts.models import ConflictKey  # noqa: E402
from firmdesk.conflicts.services import conflict_search  # noqa: E402
from firmdesk.matters.models import Contact, ContactAlias  # noqa: E402
from firmdesk.orgs.models import Organization  # noqa: E402
from tests.conflicts.data import build_labelled_firm  # noqa: E402
from tests.conflicts.labelled_pairs import evaluate  # noqa: E402


def rows_by_kind(firm) -> dict[str, list[tuple[int, int]]]:
    """(key hash, contact id) of every index row, by key kind (a hash
    belongs to one key text, so to one kind)."""
    aliases = defaultdict(list)
    for contact_id, name in ContactAlias.objects.for_firm(firm).values_list(
        "contact_id", "name"
    ):
        aliases[contact_id].append(name)
    out = defaultdict(list)
    for pk, kind, name, emails, phones in Contact.objects.for_firm(firm).values_list(
        "pk", "kind", "name", "emails", "phones"
    ):
        names = [name, *aliases[pk]]
        for key in contact_keys(kind=kind, names=names, emails=emails, phones=phones):
            out[key.split(":", 1)[0]].append((key_hash(key), pk))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--noise", type=int, default=100_000)
    args = parser.parse_args()
    configured = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = (
        f"{configured}_key_kinds" if connection.vendor == "postgresql" else ""
    )
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        firm = Organization.objects.create(
            kind=Organization.Kind.FIRM, name="Key kinds LLP", slug="key-kinds"
        )
        built = build_labelled_firm(firm, noise=args.noise)

        def shown(query, kind):
            hits = conflict_search(firm=firm, names=[query], kind=kind, limit=20)
            return {h.contact_id for h in hits}

        def report(label, share):
            f = evaluate(shown, built["party_ids"])
            missed = ", ".join(repr(p.query) for p in f.misses[:6])
            print(
                f"{label:10} {share:6.1%}  recall {f.found}/{f.positives}  "
                f"false flags {f.flagged}/{f.negatives}  {missed}",
                flush=True,
            )

        kinds = rows_by_kind(firm)
        total = sum(len(rows) for rows in kinds.values())
        print(f"{total:,} keys for {args.noise:,} names and the labelled set")
        report("all kinds", 1.0)
        for kind, rows in sorted(kinds.items(), key=lambda kv: -len(kv[1])):
            with transaction.atomic():
                hashes = sorted({k for k, _ in rows})
                for start in range(0, len(hashes), 5000):
                    ConflictKey.objects.filter(
                        firm=firm, key__in=hashes[start : start + 5000]
                    ).delete()
                report(f"-{kind}", len(rows) / total)
                transaction.set_rollback(True)
    finally:
        connection.creation.destroy_test_db(configured, verbosity=0)


if __name__ == "__main__":
    main()
