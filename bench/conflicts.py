"""Conflict search at scale, side by side with PostgreSQL pg_trgm.

Builds one firm with N parties (default 1,000,000; Faker with a fixed seed,
several locales, people and companies, each a party in a matter, some related
to an organisation) plus the labelled set of tests/conflicts, then reports:

* index build time (``index_rebuild``), keys written, the index's size on disk
  and the process's peak memory (RSS);
* p50/p95/max time of ``conflict_search`` over a few hundred searches (the
  labelled queries and Faker names with a typo in half of them);
* recall and false flags on the labelled set (found = among the 20 hits shown);
* the same searches through ``similarity()`` with a pg_trgm GIN index on the
  contact and alias names (PostgreSQL only).

    .venv/bin/python bench/conflicts.py [--parties 1000000] [--queries 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/firmdesk_dev \\
        .venv/bin/python bench/conflicts.py --parties 1000000

It works in its own database ("<name>_bench_conflicts" next to DATABASE_URL's,
or var/bench-conflicts.sqlite3), created fresh each run; ``--keep`` leaves it
in place and ``--reuse`` searches a kept one again without rebuilding.
"""

import argparse
import gc
import os
import random
import resource
import shlex
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from firmdesk.conflicts.keys import query_keys  # noqa: E402
from firmdesk.conflicts.models import ConflictKey  # noqa: E402
from firmdesk.conflicts.services import (  # noqa: E402
    conflict_search,
    contacts_index_bulk,
    index_rebuild,
)
from firmdesk.matters.models import (  # noqa: E402
    Contact,
    ContactRelationship,
    Matter,
    MatterParty,
)
from firmdesk.orgs.models import Organization  # noqa: E402
from tests.conflicts.data import load_parties, noise_names  # noqa: E402
from tests.conflicts.labelled_pairs import PAIRS, evaluate  # noqa: E402

SLUG = "bench-conflicts"
# The round before the hashed, narrower index (issue 22, docs/performance.md):
# p95 39 ms on a quiet machine, 3.9 GB on disk, 309 s to build 21.1 M keys.
BASELINE_PARTIES = 1_000_000
BASELINE = {"p95_ms": 39.0, "size_mb": 3.9 * 1024, "build_s": 309.0}
SETTINGS = (
    "shared_buffers",
    "effective_cache_size",
    "work_mem",
    "maintenance_work_mem",
    "random_page_cost",
)
SHOWN = 20
CHUNK = 50_000
ROLES = ["client", "adverse", "adverse", "opposing_counsel", "related", "witness"]


def say(text: str) -> None:
    print(text, flush=True)


def rss_mb() -> tuple[float, float]:
    """Current and peak resident memory of this process, in MB."""
    current = peak = 0.0
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return current, peak or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- Names -------------------------------------------------------------------


def _chunk(args):
    count, seed = args
    return list(noise_names(count, seed=seed))


def generate_names(n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` Faker names, cached in var/ (the same for the same seed)."""
    cache = Path(settings.VAR_DIR) / f"bench-conflicts-names-{seed}-{n}.tsv"
    if cache.exists():
        return [
            tuple(line.split("\t", 1))
            for line in cache.read_text(encoding="utf-8").splitlines()
        ]
    jobs = [(min(CHUNK, n - i), seed + i) for i in range(0, n, CHUNK)]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        names = [name for part in pool.map(_chunk, jobs) for name in part]
    names = [(kind, " ".join(name.split())) for kind, name in names]
    cache.write_text("\n".join(f"{k}\t{v}" for k, v in names) + "\n", encoding="utf-8")
    return names


# --- Database ----------------------------------------------------------------


def use_bench_database(keep: bool) -> tuple[str, str]:
    """Switch to a database of our own: created afresh (or the kept one when
    ``keep``) and migrated. Returns its name and the configured one."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        bench_name = str(Path(settings.VAR_DIR) / "bench-conflicts.sqlite3")
    else:
        bench_name = f"{name}_bench_conflicts"
    connection.settings_dict.setdefault("TEST", {})["NAME"] = bench_name
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=keep, serialize=False
    )
    return bench_name, name


def build(n: int, seed: int):
    rng = random.Random(seed)
    timings = {}
    started = time.perf_counter()
    names = generate_names(n, seed)
    timings["names"] = time.perf_counter() - started
    say(f"  {len(names):,} names generated in {timings['names']:.1f} s")

    started = time.perf_counter()
    firm = Organization.objects.create(
        kind=Organization.Kind.FIRM, name="Bench Conflicts LLP", slug=SLUG
    )
    with transaction.atomic():
        party_ids = load_parties(firm)
    batch = 5000
    contact_ids: list[int] = []
    kinds: list[str] = []
    for i in range(0, len(names), batch):
        created = Contact.unscoped.bulk_create(
            [
                Contact(firm=firm, kind=kind, name=name[:300])
                for kind, name in names[i : i + batch]
            ],
            batch_size=batch,
        )
        contact_ids += [c.pk for c in created]
        kinds += [c.kind for c in created]
    timings["contacts"] = time.perf_counter() - started
    say(f"  contacts written in {timings['contacts']:.1f} s")

    started = time.perf_counter()
    matters_needed = max(1, len(contact_ids) * 2 // 5)
    year_of = [rng.randint(2005, 2025) for _ in range(matters_needed)]
    for i in range(0, matters_needed, batch):
        Matter.unscoped.bulk_create(
            [
                Matter(
                    firm=firm,
                    number=f"B-{year_of[j]}-{j:07d}",
                    title=f"Bench matter {j}",
                    status=Matter.Status.CLOSED if rng.random() < 0.6 else "open",
                    note="Benchmark data",
                )
                for j in range(i, min(i + batch, matters_needed))
            ],
            batch_size=batch,
        )
    matter_ids = list(
        Matter.objects.for_firm(firm)
        .filter(number__startswith="B-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    parties = []
    for pos, contact_id in enumerate(contact_ids):
        parties.append(
            MatterParty(
                firm=firm,
                matter_id=matter_ids[pos % len(matter_ids)],
                contact_id=contact_id,
                role=rng.choice(ROLES),
            )
        )
        if len(parties) >= batch:
            MatterParty.unscoped.bulk_create(parties, batch_size=batch)
            parties = []
    MatterParty.unscoped.bulk_create(parties, batch_size=batch)
    kind_of = dict(zip(contact_ids, kinds, strict=True))
    orgs = [cid for cid in contact_ids if kind_of[cid] == "organization"]
    relations = {
        (rng.choice(orgs), cid)
        for cid in rng.sample(contact_ids, len(contact_ids) // 30)
        if orgs
    }
    ContactRelationship.unscoped.bulk_create(
        [
            ContactRelationship(
                firm=firm,
                from_contact_id=src,
                to_contact_id=dst,
                kind="parent" if kind_of[dst] == "organization" else "employer",
            )
            for src, dst in relations
            if src != dst
        ],
        batch_size=batch,
    )
    timings["matters"] = time.perf_counter() - started
    say(
        f"  {len(matter_ids):,} matters, {len(contact_ids):,} parties and "
        f"{len(relations):,} relationships written in {timings['matters']:.1f} s"
    )

    started = time.perf_counter()
    rss_before, _ = rss_mb()
    keys = index_rebuild(firm=firm)
    timings["index"] = time.perf_counter() - started
    rss_after, rss_peak = rss_mb()
    say(
        f"  conflict index: {keys:,} keys in {timings['index']:.1f} s "
        f"(RSS {rss_before:.0f} → {rss_after:.0f} MB, peak {rss_peak:.0f} MB)"
    )
    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {ConflictKey._meta.db_table}")
            for model in (Contact, MatterParty, Matter, ContactRelationship):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
        timings["vacuum"] = time.perf_counter() - started
    return firm, party_ids, names, keys, timings


def size_parts() -> str:
    """Table and each index of the key table, PostgreSQL only."""
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c "
            "WHERE c.oid = %s::regclass OR c.oid IN (SELECT indexrelid "
            "FROM pg_index WHERE indrelid = %s::regclass) ORDER BY 2 DESC",
            [ConflictKey._meta.db_table] * 2,
        )
        return ", ".join(f"{n} {b / 1024 / 1024:,.0f} MB" for n, b in cursor)


def server_settings() -> str:
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        shown = []
        for name in SETTINGS:
            cursor.execute(f"SHOW {name}")
            shown.append(f"{name}={cursor.fetchone()[0]}")
    return " ".join(shown)


def index_size_mb() -> float | None:
    table = ConflictKey._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            return cursor.fetchone()[0] / 1024 / 1024
        try:
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name = %s OR name IN "
                "(SELECT name FROM sqlite_master WHERE tbl_name = %s "
                "AND type = 'index')",
                [table, table],
            )
            return (cursor.fetchone()[0] or 0) / 1024 / 1024
        except Exception:
            return None


def time_bulk(firm, count: int, per_call: int = 5000) -> float:
    """Seconds for ``contacts_index_bulk`` to rewrite the keys of ``count``
    contacts, ``per_call`` at a time (the seed calls it once per firm), in a
    transaction rolled back afterwards so the index stays as built."""
    ids = list(
        Contact.objects.for_firm(firm).order_by("pk").values_list("pk", flat=True)
    )[:count]
    started = time.perf_counter()
    with transaction.atomic():
        for i in range(0, len(ids), per_call):
            contacts_index_bulk(firm=firm, contact_ids=ids[i : i + per_call])
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


# --- Searches ----------------------------------------------------------------


def typo(rng: random.Random, text: str) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:-1])
    if rng.random() < 0.5:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + text[i + 1 :]


def sample_queries(names, count: int, seed: int) -> list[tuple[str, str | None]]:
    rng = random.Random(seed + 1)
    picked = rng.sample(names, min(count, len(names)))
    out = []
    for i, (_, name) in enumerate(picked):
        out.append((typo(rng, name) if i % 2 else name, None))
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


class QueryClock:
    """Each SQL statement a search sends, with its parameters and wall time."""

    def __init__(self):
        self.calls: list[tuple[str, tuple, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.calls.append((sql, params, time.perf_counter() - started))


@dataclass
class Searched:
    query: str
    kind: str | None
    wall: float
    cpu: float  # this process's CPU time: Python, not the database server
    calls: list[tuple[str, tuple, float]]

    @property
    def sql(self) -> float:
        return sum(c[2] for c in self.calls)


def run_engine(firm, queries) -> list[Searched]:
    for query, kind in queries[:20]:  # warm the caches a real server has warm
        conflict_search(firm=firm, names=[query], kind=kind, limit=SHOWN)
    out = []
    for query, kind in queries:
        clock = QueryClock()
        with connection.execute_wrapper(clock):
            cpu = time.process_time()
            started = time.perf_counter()
            conflict_search(firm=firm, names=[query], kind=kind, limit=SHOWN)
            wall = time.perf_counter() - started
            cpu = time.process_time() - cpu
        out.append(Searched(query, kind, wall, cpu, clock.calls))
    return out


def slowest(searched: list[Searched], count: int) -> list[str]:
    """The slowest searches: keys looked up, where the time went, and the plan
    of the slowest statement of the slowest search (PostgreSQL)."""
    lines = []
    worst = sorted(searched, key=lambda s: -s.wall)[:count]
    for s in worst:
        keys = len(query_keys(s.query, s.kind))
        per_query = ", ".join(f"{c[2] * 1000:.1f}" for c in s.calls)
        lines.append(
            f"    {s.wall * 1000:6.1f} ms (CPU {s.cpu * 1000:.1f}, SQL "
            f"{s.sql * 1000:.1f}: {per_query}) {keys} keys  {s.query!r}"
        )
    if worst and connection.vendor == "postgresql":
        sql, params, _ = max(worst[0].calls, key=lambda c: c[2])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            lines.append("    plan of its slowest statement, run again:")
            lines += [f"      {row[0]}" for row in cursor.fetchall()]
    return lines


def engine_search(firm):
    def shown(query, kind):
        hits = conflict_search(firm=firm, names=[query], kind=kind, limit=SHOWN)
        return {h.contact_id for h in hits}

    return shown


TRGM_SQL = """
    SELECT id FROM (
        SELECT id, similarity(lower(name), lower(%(q)s)) AS s
        FROM matters_contact
        WHERE firm_id = %(firm)s AND lower(name) %% lower(%(q)s)
        UNION ALL
        SELECT contact_id, similarity(lower(name), lower(%(q)s))
        FROM matters_contactalias
        WHERE firm_id = %(firm)s AND lower(name) %% lower(%(q)s)
    ) t ORDER BY s DESC LIMIT %(limit)s
"""


def trgm_prepare() -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS bench_contact_name_trgm "
            "ON matters_contact USING gin (lower(name) gin_trgm_ops)"
        )
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS bench_alias_name_trgm "
            "ON matters_contactalias USING gin (lower(name) gin_trgm_ops)"
        )
        cursor.execute("ANALYZE matters_contact")
    return time.perf_counter() - started


def trgm_search(firm):
    def shown(query, kind):
        with connection.cursor() as cursor:
            cursor.execute(TRGM_SQL, {"q": query, "firm": firm.pk, "limit": SHOWN})
            return {row[0] for row in cursor.fetchall()}

    return shown


def run_trgm(firm, queries):
    search = trgm_search(firm)
    for query, kind in queries[:20]:
        search(query, kind)
    times = []
    for query, kind in queries:
        started = time.perf_counter()
        search(query, kind)
        times.append(time.perf_counter() - started)
    return times


# --- Main ----------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parties", type=int, default=1_000_000)
    parser.add_argument(
        "--queries",
        type=int,
        default=200,
        help="Faker names searched besides the labelled set's queries.",
    )
    parser.add_argument("--seed", type=int, default=20240531)
    parser.add_argument(
        "--no-trgm", action="store_true", help="Skip the pg_trgm comparison."
    )
    parser.add_argument(
        "--bulk",
        type=int,
        default=0,
        help="Also time contacts_index_bulk rewriting this many contacts' keys.",
    )
    parser.add_argument(
        "--slowest",
        type=int,
        default=5,
        help="Show where the time of this many slowest searches went.",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the database.")
    parser.add_argument(
        "--reuse", action="store_true", help="Search a kept database, no rebuild."
    )
    args = parser.parse_args()
    command = " ".join(
        [
            f"{var}={shlex.quote(os.environ[var])}"
            for var in ("DATABASE_URL", "FIRMDESK_VAR")
            if os.environ.get(var)
        ]
        + [".venv/bin/python", "bench/conflicts.py"]
        + [shlex.quote(a) for a in sys.argv[1:]]
    )

    vendor = connection.vendor
    database, configured = use_bench_database(keep=args.reuse)
    say(f"Conflict search benchmark on {vendor} ({database}), {os.cpu_count()} CPUs")
    firm = Organization.objects.filter(slug=SLUG).first()
    try:
        if firm is not None and args.reuse:
            from tests.conflicts.labelled_pairs import PARTIES

            party_ids = {
                p.key: Contact.objects.for_firm(firm)
                .filter(name=p.name)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
                for p in PARTIES
            }
            names = generate_names(args.parties, args.seed)
            keys = ConflictKey.objects.filter(firm=firm).count()
            timings = {}
            say(f"  reusing the kept database: {keys:,} keys")
        else:
            say(f"Building {args.parties:,} parties …")
            firm, party_ids, names, keys, timings = build(args.parties, args.seed)
        contacts = Contact.objects.for_firm(firm).count()
        size = index_size_mb()
        parts = size_parts()
        pg_settings = server_settings()
        bulk = time_bulk(firm, args.bulk) if args.bulk else None

        queries = [(p.query, p.kind) for p in PAIRS]
        queries += sample_queries(names, args.queries, args.seed)
        # The million generated names this process holds are no server's:
        # keep Python's full garbage collections from walking them mid-search.
        gc.collect()
        gc.freeze()
        say(f"Searching {len(queries)} names with the conflict engine …")
        searched = run_engine(firm, queries)
        engine_times = [s.wall for s in searched]
        worst = slowest(searched, args.slowest)
        engine = evaluate(engine_search(firm), party_ids)

        trgm = trgm_times = None
        trgm_index = None
        if vendor == "postgresql" and not args.no_trgm:
            say("Building the pg_trgm GIN index and searching the same names …")
            trgm_index = trgm_prepare()
            trgm_times = run_trgm(firm, queries)
            trgm = evaluate(trgm_search(firm), party_ids)
    finally:
        if not (args.keep or args.reuse):
            connection.creation.destroy_test_db(configured, verbosity=0)

    _, peak = rss_mb()
    lines = [
        "",
        "Conflict search benchmark",
        f"  database: {vendor}; contacts in the firm: {contacts:,} "
        f"({args.parties:,} generated parties + the labelled set)",
    ]
    if timings:
        lines.append(
            f"  build: names {timings.get('names', 0):.0f} s, contacts "
            f"{timings.get('contacts', 0):.0f} s, matters and parties "
            f"{timings.get('matters', 0):.0f} s"
        )
        lines.append(
            f"  conflict index build (index_rebuild): {timings['index']:.1f} s, "
            f"{keys:,} keys ({keys / contacts:.1f} per contact)"
        )
    lines.append(
        f"  index size on disk: {size:,.0f} MB; peak process memory (RSS): "
        f"{peak:,.0f} MB"
        if size is not None
        else f"  peak process memory (RSS): {peak:,.0f} MB"
    )
    if parts:
        lines.append(f"  of which: {parts}")
    if bulk is not None:
        lines.append(
            f"  contacts_index_bulk: {args.bulk:,} contacts rewritten in {bulk:.1f} s "
            f"({args.bulk / bulk:,.0f} contacts/s, 5,000 per call, into the full index)"
        )
    if pg_settings:
        lines.append(f"  PostgreSQL settings: {pg_settings}")
    lines.append(
        f"  labelled set: {engine.positives} positives, {engine.negatives} negatives; "
        f"{len(queries)} searches timed ({len(PAIRS)} labelled + "
        f"{len(queries) - len(PAIRS)} Faker names, half with a typo)"
    )
    header = f"  {'':22} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'recall':>8} "
    header += f"{'false flags':>12}"
    lines.append(header)

    def row(label, times, figures):
        return (
            f"  {label:22} {statistics.median(times) * 1000:8.1f} "
            f"{percentile(times, 0.95) * 1000:8.1f} {max(times) * 1000:8.1f} "
            f"{figures.recall:8.3f} {figures.false_flag_rate:12.3f}"
        )

    lines.append(row("conflict engine", engine_times, engine))
    cpu = [s.cpu for s in searched]
    sql = [s.sql for s in searched]
    queries_per = [len(s.calls) for s in searched]
    lines.append(
        f"  of a search: this process's CPU time p50 "
        f"{statistics.median(cpu) * 1000:.1f} ms, p95 "
        f"{percentile(cpu, 0.95) * 1000:.1f} ms; SQL (wall) p50 "
        f"{statistics.median(sql) * 1000:.1f} ms, p95 "
        f"{percentile(sql, 0.95) * 1000:.1f} ms; "
        f"{min(queries_per)}-{max(queries_per)} queries"
    )
    if worst:
        lines.append(f"  the {args.slowest} slowest searches:")
        lines += worst
    if trgm is not None:
        lines.append(row("pg_trgm similarity()", trgm_times, trgm))
        lines.append(f"  pg_trgm GIN indexes built in {trgm_index:.1f} s")
    else:
        lines.append(
            "  pg_trgm: skipped (--no-trgm, or DATABASE_URL is not PostgreSQL)"
        )
    misses = ", ".join(f"{p.query!r}" for p in engine.misses[:10])
    if misses:
        lines.append(f"  engine misses: {misses}")
    flags = ", ".join(f"{p.query!r}" for p in engine.false_flags[:10])
    if flags:
        lines.append(f"  engine false flags: {flags}")
    p95 = percentile(engine_times, 0.95) * 1000
    if args.parties != BASELINE_PARTIES:
        lines.append(
            f"  (the baseline below is for {BASELINE_PARTIES:,} parties; "
            f"this run had {args.parties:,})"
        )
    lines.append(
        f"  p95 {p95:.1f} ms vs baseline {BASELINE['p95_ms']:.1f} ms: "
        f"ratio {p95 / BASELINE['p95_ms']:.2f} (goal 30 ms)"
    )
    if size is not None:
        lines.append(
            f"  index size {size:,.0f} MB vs baseline {BASELINE['size_mb']:,.0f} MB: "
            f"ratio {size / BASELINE['size_mb']:.2f}"
        )
    if timings:
        lines.append(
            f"  index build {timings['index']:.0f} s vs baseline "
            f"{BASELINE['build_s']:.0f} s: ratio "
            f"{timings['index'] / BASELINE['build_s']:.2f}"
        )
    lines.append(f"  command: {command}")
    say("\n".join(lines))


if __name__ == "__main__":
    main()
