"""`firmdesk seed`: bulk data with the intended shape, usable by the access rule."""

import gc
import io
import json
import sqlite3
from collections import Counter
from dataclasses import replace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rich.progress import Progress

from firmdesk.access.scope import resolve_scope
from firmdesk.conflicts.models import ConflictKey
from firmdesk.conflicts.services import conflict_search, index_rebuild
from firmdesk.demo import seed as seed_module
from firmdesk.demo.seed import SCALES, SEED_PASSWORD, SEEDERS, seed_run
from firmdesk.engagements.models import (
    Assignment,
    ConfidentialityAgreement,
    Engagement,
    MatterGrant,
)
from firmdesk.matters.models import (
    Contact,
    ContactAlias,
    ContactRelationship,
    Matter,
    MatterParty,
)
from firmdesk.orgs.models import Membership, Organization, StaffProfile, User
from firmdesk.work.models import Task

SMALL = SCALES["small"]


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed", scale="small", stdout=out, **options)
    return out.getvalue()


def test_seed_small_writes_the_scale(db):
    output = seed(seed=7)
    firms = Organization.objects.filter(kind="firm", slug__startswith="s7-")
    providers = Organization.objects.filter(kind="provider", slug__startswith="s7-")
    assert firms.count() == SMALL.firms
    assert providers.count() == SMALL.providers
    assert (
        StaffProfile.objects.filter(organization__in=providers).count()
        == SMALL.providers * SMALL.staff_per_provider
    )
    matters = Matter.unscoped.filter(firm__in=firms).count()
    assert matters == SMALL.firms * SMALL.matters_per_firm == 200
    assert Task.unscoped.count() == matters * SMALL.tasks_per_matter
    assert Engagement.unscoped.filter(firm__in=firms).count() >= SMALL.firms
    assert "│ tasks" in output and "1,000" in output


def test_firms_overrides_the_scale(db):
    seed(firms=2, seed=6)
    assert Organization.objects.filter(kind="firm").count() == 2
    assert Matter.unscoped.count() == 2 * SMALL.matters_per_firm


def test_seeded_rows_never_link_across_firms(db):
    seed(firms=3, seed=8)
    assert Task.unscoped.filter(matter__isnull=False).count() > 0
    assert (
        not Task.unscoped.exclude(matter__isnull=True)
        .exclude(matter__firm=F("firm"))
        .exists()
    )
    assert not MatterGrant.unscoped.exclude(matter__firm=F("firm")).exists()
    assert not MatterGrant.unscoped.exclude(engagement__firm=F("firm")).exists()
    assert not Assignment.unscoped.exclude(engagement__firm=F("firm")).exists()
    assert MatterParty.unscoped.exists()
    assert not MatterParty.unscoped.exclude(matter__firm=F("firm")).exists()
    assert not MatterParty.unscoped.exclude(contact__firm=F("firm")).exists()
    assert not ContactAlias.unscoped.exclude(contact__firm=F("firm")).exists()
    for side in ("from_contact", "to_contact"):
        assert not ContactRelationship.unscoped.exclude(
            **{f"{side}__firm": F("firm")}
        ).exists()
    assert not ConflictKey.objects.exclude(contact__firm=F("firm")).exists()


def test_seed_small_gives_every_matter_its_parties_and_indexes_every_contact(db):
    output = seed(firms=2, seed=12)
    firms = Organization.objects.filter(kind="firm", slug__startswith="s12-")
    for firm in firms:
        contacts = Contact.objects.for_firm(firm)
        parties = MatterParty.objects.for_firm(firm)
        matters = Matter.objects.for_firm(firm)
        assert contacts.count() >= 3 * SMALL.matters_per_firm
        clients = parties.filter(role="client").values("matter_id")
        assert not matters.exclude(pk__in=clients).exists()
        assert set(parties.values_list("role", flat=True)) >= {
            "client",
            "adverse",
            "opposing_counsel",
            "related",
            "witness",
        }
        assert contacts.filter(is_prospective=True).exists()
        assert ContactAlias.objects.for_firm(firm).exists()
        assert ContactRelationship.objects.for_firm(firm).exists()
        keyed = ConflictKey.objects.filter(firm=firm).values("contact_id")
        assert not contacts.exclude(pk__in=keyed).exists()
    assert "│ conflict index keys" in output and "│ matter parties" in output


def test_a_seeded_party_is_found_by_a_conflict_check(db):
    seed(firms=1, seed=13)
    firm = Organization.objects.get(slug="s13-firm-0001")
    party = (
        MatterParty.objects.for_firm(firm)
        .filter(role="adverse", contact__kind="person")
        .select_related("contact", "matter")
        .first()
    )
    hits = conflict_search(firm=firm, names=[party.contact.name])
    assert any(
        h.contact == str(party.contact.public_id)
        and party.matter.number in {r["matter"] for r in h.roles}
        for h in hits
    )


def test_the_seeded_index_is_what_the_engine_would_write(db):
    seed(firms=1, seed=14)
    firm = Organization.objects.get(slug="s14-firm-0001")

    def keys():
        return set(
            ConflictKey.objects.filter(firm=firm).values_list("key", "contact_id")
        )

    seeded = keys()
    index_rebuild(firm=firm)
    assert keys() == seeded


def test_seeded_staff_on_live_engagements_get_a_scope(db):
    seed(firms=3, seed=9)
    live = Assignment.unscoped.filter(
        engagement__status__in=["active", "pilot"]
    ).select_related("user", "engagement__firm")
    assert live.exists()
    for assignment in live:
        assert ConfidentialityAgreement.unscoped.filter(
            engagement=assignment.engagement, signer=assignment.user
        ).exists()
        scope = resolve_scope(assignment.user, assignment.engagement.firm)
        assert scope is not None, assignment
    for pilot in Engagement.unscoped.filter(status="pilot"):
        assert 60 <= (pilot.pilot_evaluation - pilot.pilot_start).days <= 90


def test_the_same_seed_twice_is_refused(db):
    seed(firms=1, seed=3)
    with pytest.raises(CommandError, match="already holds data seeded with --seed 3"):
        seed(firms=1, seed=3)
    seed(firms=1, seed=4)
    assert Organization.objects.filter(kind="firm").count() == 2


def test_the_seed_leaves_the_garbage_collector_as_it_found_it(db, monkeypatch):
    # The seed sets aside (gc.freeze) what earlier seeders left while the
    # next runs; a seed that fails half-way must not leave the objects it
    # held frozen in a long-lived process.
    frozen_during = []

    def failing(ctx):
        frozen_during.append(gc.get_freeze_count())
        raise RuntimeError("a seeder failed")

    monkeypatch.setattr(
        seed_module, "SEEDERS", [seed_module.seed_organisations, failing]
    )
    with Progress(disable=True) as progress, pytest.raises(RuntimeError):
        seed_run(scale=replace(SMALL, firms=1), seed=9, progress=progress)
    assert frozen_during and frozen_during[0] > 0
    assert gc.get_freeze_count() == 0
    assert not Organization.objects.filter(slug__startswith="s9-").exists()


def test_db_url_writes_to_that_database_only(db, tmp_path):
    path = tmp_path / "bench.sqlite3"
    seed(firms=1, seed=5, db_url=f"sqlite:///{path}")
    assert not Organization.objects.exists()
    with sqlite3.connect(path) as conn:
        (firms,) = conn.execute(
            "select count(*) from orgs_organization where kind = 'firm'"
        ).fetchone()
        (matters,) = conn.execute("select count(*) from matters_matter").fetchone()
        (journal,) = conn.execute("pragma journal_mode").fetchone()
    assert (firms, matters) == (1, SMALL.matters_per_firm)
    assert journal == "wal"


def test_db_url_that_cannot_be_migrated_stops_with_an_error(db, tmp_path):
    missing = tmp_path / "no-such-folder" / "bench.sqlite3"
    with pytest.raises(CommandError, match="Stopped migrating"):
        seed(firms=1, db_url=f"sqlite:///{missing}")


LARGE = SCALES["large"]


def test_large_scale_is_the_issues_data_set():
    """Issue 22: 200 firms, 10 providers, 2,000 staff, 200,000 matters,
    1,000,000 tasks; time entries on matters plus those logged on tasks make
    about 3,000,000 (the ratio test below counts the rest)."""
    assert (LARGE.firms, LARGE.providers) == (200, 10)
    assert LARGE.providers * LARGE.staff_per_provider == 2_000
    matters = LARGE.firms * LARGE.matters_per_firm
    assert matters == 200_000
    assert matters * LARGE.tasks_per_matter == 1_000_000
    assert matters * LARGE.time_entries_per_matter == 2_200_000


def _per_matter(result, label: str, matters: int) -> float:
    return result.counts[label] / matters


def test_large_scale_ratios_hold_at_a_few_firms(db):
    """The large scale's shape at 2 firms of 40 matters: per matter about five
    contacts and five parties, five tasks, 2.5 events, a lead, and with the
    time logged on tasks about fifteen time entries."""
    scale = replace(LARGE, firms=2, matters_per_firm=40)
    result = seed_run(scale=scale, seed=11, progress=Progress(disable=True))
    matters = 80
    assert result.counts["matters"] == matters
    assert result.counts["tasks"] == matters * LARGE.tasks_per_matter
    # Each firm's pools of opposing counsel, experts and insurers (a few
    # dozen contacts) weigh more on 40 matters than on 1,000: 4.8 there.
    assert 4.3 <= _per_matter(result, "contacts", matters) <= 6.5
    assert 4.3 <= _per_matter(result, "matter parties", matters) <= 5.8
    events = result.counts["events"] + result.counts["filing deadlines"]
    assert 1.8 <= events / matters <= 3.6
    assert 0.4 <= _per_matter(result, "leads", matters) <= 1.8
    entries = result.counts["time entries"] + result.counts["time logged on tasks"]
    assert 13 <= entries / matters <= 18
    # Every seeder is timed, and so is building the indexes PostgreSQL left
    # for after the load (nothing to build on SQLite, still a row), and so is
    # the VACUUM after it (PostgreSQL outside a test's transaction).
    assert set(result.timings) == {seeder.__name__ for seeder in SEEDERS} | {
        "indexes and foreign keys",
        "planner statistics",
        "visibility map",
    }
    # The planner has statistics for what was loaded (without them the large
    # seed's calendar week took 549 ms of SQL instead of 13).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'work_task'")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'work_task'")
        assert cursor.fetchone()[0] > 0


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the visibility map is PostgreSQL's"
)
@pytest.mark.django_db(transaction=True)
def test_the_seed_leaves_its_tables_visible_to_index_only_scans():
    """Outside a transaction, as `firmdesk seed` runs, the seed VACUUMs what it
    loaded: with autovacuum off (as on this machine's CI server) or not yet
    come by, an index-only scan would read the table for every row."""
    scale = replace(SCALES["large"], firms=1, matters_per_firm=20)
    seed_run(scale=scale, seed=5, progress=Progress(disable=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpages, relallvisible FROM pg_class WHERE relname = 'work_task'"
        )
        pages, visible = cursor.fetchone()
    assert pages > 0
    assert visible == pages


def test_some_assistants_serve_several_firms(db):
    """Twelve firms on two providers: each provider's first assistants work
    for several of its firms, as the busiest do (up to about eight at the
    large scale), and the logins name the one who serves the most."""
    scale = replace(
        LARGE,
        firms=12,
        providers=2,
        staff_per_provider=20,
        matters_per_firm=3,
        tasks_per_matter=1,
        time_entries_per_matter=3,
    )
    result = seed_run(scale=scale, seed=12, progress=Progress(disable=True))
    live = Assignment.unscoped.exclude(engagement__status=Engagement.Status.ENDED)
    served = Counter(live.values_list("user_id", flat=True))
    assert max(served.values()) >= 3
    assistant = result.logins["assistant"]
    assert len(assistant["firms"]) == max(served.values())
    user = User.objects.get(email=assistant["email"])
    firms = set(live.filter(user=user).values_list("firm__slug", flat=True))
    assert firms == set(assistant["firms"])


def test_seed_writes_logins_that_open_the_pages(db, client, tmp_path):
    path = tmp_path / "logins.json"
    output = seed(firms=2, seed=13, logins=str(path))
    logins = json.loads(path.read_text())
    assert str(path) in output
    admin = logins["firm_admin"]
    user = User.objects.get(email=admin["email"])
    assert user.check_password(logins["password"])
    assert user.check_password(SEED_PASSWORD)
    membership = Membership.objects.get(user=user, organization__slug=admin["firm"])
    assert set(membership.roles) == {"firm_admin", "attorney"}
    matter = Matter.unscoped.get(pk=admin["matter_id"])
    assert matter.firm.slug == admin["firm"]
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="Test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    response = client.get(admin["matter_url"])
    assert response.status_code == 200
    assert matter.title in response.content.decode()
