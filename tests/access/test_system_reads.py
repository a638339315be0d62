"""The access rule has named escape hatches only (access/system.py).

Every ``.unscoped`` (and every other way around a tenant manager, or raw SQL on
client tables) in ``src/`` must be in the allowlist below, with the reason.
A new one anywhere else fails this test: read through a Scope, or add a named
helper to access/system.py and say why there.
"""

import re
from pathlib import Path

import firmdesk

SOURCE = Path(firmdesk.__file__).parent
BYPASS = re.compile(
    r"\.unscoped\b|\b_default_manager\b|\b_base_manager\b"
    r"|\.raw\(|\.extra\(|\bRawSQL\(|connection\.cursor\(|\bcursor\.execute\("
)

# path (from src/firmdesk/) → (how many lines may match, why)
ALLOWED = {
    "common/models.py": (1, "TenantManager's docstring says what unscoped is for"),
    "access/system.py": (10, "the named system reads themselves, and its docstring"),
    "conflicts/services.py": (
        9,
        "the conflict index is rebuilt in bulk with SQL (COPY / INSERT … SELECT "
        "through a scratch table into conflicts_conflictkey for one firm, "
        "ANALYZE): derived rows, never read for a page",
    ),
    "backup/databases.py": (
        11,
        "a backup copies and counts every table of the whole database, for the "
        "operator at the command line; nothing of it reaches a page. A restore "
        "gives the cache's marks (access, roll-up) new tokens (no client data)",
    ),
    "demo/seed_writer.py": (
        6,
        "the benchmark seed writes rows with COPY / executemany and moves the "
        "key sequences past them; it reads no client data",
    ),
    "demo/seed_database.py": (
        23,
        "the benchmark seed sets SQLite's journal and page cache for its load, "
        "drops and rebuilds PostgreSQL's indexes and foreign keys of the "
        "tables it fills from the catalogue, ANALYZEs what it loaded and "
        "VACUUMs it on PostgreSQL; it reads no client data",
    ),
    "common/sqlite_stats.py": (
        4,
        "after a migrate, ANALYZE for SQLite indexes that have no statistics, "
        "found in the catalogue (sqlite_master, sqlite_stat1); no client data",
    ),
    "common/paginator.py": (
        2,
        "begins and ends the read-only transaction a page's keys and rows are "
        "read in (BEGIN … READ ONLY, COMMIT, ROLLBACK); the reads themselves "
        "are the page's scoped query",
    ),
    "web/health.py": (1, "/health asks the database SELECT 1, nothing else"),
}


def _matches(root: Path = SOURCE):
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        rel = path.relative_to(root).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if BYPASS.search(line) and not line.lstrip().startswith("#"):
                found.setdefault(rel, []).append(f"{rel}:{number}: {line.strip()}")
    return found


def test_no_read_around_the_access_rule_outside_the_allowlist():
    found = _matches()
    unexpected = [
        line
        for rel, lines in found.items()
        if len(lines) > ALLOWED.get(rel, (0, ""))[0]
        for line in lines
    ]
    assert not unexpected, (
        "Client data read around the access rule. Read through "
        "Model.objects.in_scope(scope) or an access_* helper; for a job, a token "
        "or a sweep use access.system (job_row, by_token, sweep, workload, "
        "provider_side, through_scoped, rule_facts, loader); create rows with "
        "Model.objects.create(firm=...):\n" + "\n".join(unexpected)
    )


def test_the_allowlist_names_no_file_that_no_longer_needs_it():
    found = _matches()
    stale = {
        rel: (len(found.get(rel, [])), allowed)
        for rel, (allowed, _) in ALLOWED.items()
        if len(found.get(rel, [])) < allowed
    }
    assert stale == {}, "lower the count (or drop the entry) in ALLOWED"


def test_the_lint_catches_a_new_unscoped_read(tmp_path):
    # A tree of its own: a probe written into src/ would be read, or found
    # gone, by the other tests of this file running at the same time.
    (tmp_path / "work").mkdir()
    module = tmp_path / "work" / "_lint_probe.py"
    module.write_text("def rows(Task):\n    return Task.unscoped.all()\n")
    (tmp_path / "work" / "migrations").mkdir()
    (tmp_path / "work" / "migrations" / "0001_x.py").write_text("Task.unscoped\n")
    found = _matches(tmp_path)
    assert "work/migrations/0001_x.py" not in found
    assert found["work/_lint_probe.py"] == [
        "work/_lint_probe.py:2: return Task.unscoped.all()"
    ]
