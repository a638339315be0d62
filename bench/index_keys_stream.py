"""CPU seconds the conflict index's keys cost over the large seed's stream of
names: a million contacts drawn as the seed draws them (eight in ten people,
three in ten of those with a nickname alias, the rest organisations), so
names repeat as often as they do at full scale, which a two-firm seed does not
show (there, nine names in ten are new).

    PYTHONPATH=/work/main/src .venv/bin/python bench/index_keys_stream.py old
    PYTHONPATH=src .venv/bin/python bench/index_keys_stream.py new

``old`` hashes ``contact_keys`` key by key, as ``contacts_index_bulk`` did
before ``contact_key_hashes``; ``new`` calls ``contact_key_hashes``. Run each
in its own process (their caches start empty) on the same machine load.
"""

import argparse
import os
import random
import sys
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("old", "new"))
    parser.add_argument("--contacts", type=int, default=1_000_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")
    django.setup()
    from firmdesk.conflicts import keys
    from firmdesk.demo.contacts import Names, nickname_alias

    names, rng = Names(1), random.Random(1)
    stream = []
    for _ in range(args.contacts):
        if rng.random() < 0.8:
            person = names.person(rng)
            alias = nickname_alias(person) if rng.random() < 0.3 else None
            stream.append(("person", [person.name, *filter(None, [alias])]))
        else:
            stream.append(("organization", [names.company(rng)]))
    cpu, written = time.process_time(), 0
    for kind, all_names in stream:
        if args.mode == "old":
            hashed = {
                keys.key_hash(k) for k in keys.contact_keys(kind=kind, names=all_names)
            }
        else:
            hashed = keys.contact_key_hashes(kind=kind, names=all_names)
        written += len(hashed)
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{args.mode}: {args.contacts:,} contacts, {written:,} keys, "
        f"{time.process_time() - cpu:.1f} CPU s (load {load})"
    )
    print(f"  command: PYTHONPATH=… {sys.executable} {' '.join(sys.argv)}")


if __name__ == "__main__":
    main()
