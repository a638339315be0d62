"""What the cross-firm pages' filters cost to build, compile and run, by the
number of firms a person serves.

Today, My queue, the team queue and the lead queue read every firm's rows in
one query (``Model.objects.in_scopes``). Written firm by firm, the filter has
a branch per firm, each with its own subquery of grants, and building and
compiling it cost Python time per firm on every request. Tasks, leads and rows
seen through their matter now have a cross-firm form of the rule
(``NeedToKnow.q_across``) whose size does not grow with the firms.

For 1, 4, 12 and 20 firms this takes one provider assistant of the seeded
database and gives them a Scope in each firm (their own Scope, set on each
firm and its first engagement, with the intake function added so the lead
filter is not empty), then times, in CPU ms (``time.process_time``, which
moves less with other work on the machine than wall time), the queries of
Today's and the queues' task and lead lists:

* **built and compiled**: the querysets made and turned into SQL;
* **run**: the same, sent to the database and read;

once with the cross-firm form ("across") and once with it switched off, so
``in_scopes`` joins each firm's own filter ("firm by firm", the baseline). It
ends with the ratio (firm by firm ÷ across; above 1 is cheaper) and the
command. It only reads; run it on a seeded database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fd_prof \\
        .venv/bin/python bench/cross_firm.py
"""

import argparse
import dataclasses
import os
import statistics
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.queues import command_line, machine_speed  # noqa: E402
from firmdesk.access.scope import resolve_scopes  # noqa: E402
from firmdesk.access.system import rule_facts  # noqa: E402
from firmdesk.engagements.models import Assignment, Engagement  # noqa: E402
from firmdesk.intake.models import Lead  # noqa: E402
from firmdesk.work import selectors as work  # noqa: E402
from firmdesk.work.models import Task  # noqa: E402

MODELS = (Task, Lead)


def an_assistant():
    """The first provider assistant with a Scope in a firm, and that Scope."""
    for assignment in rule_facts(Assignment).select_related("engagement__firm"):
        firm = assignment.engagement.firm
        scope = resolve_scopes(assignment.user, [firm]).get(firm.pk)
        if scope is not None and scope.is_provider_staff:
            return assignment.user, scope
    raise SystemExit("No provider assistant with access: seed the database first.")


def scopes_in(scope, firms: int) -> list:
    engagements = {}
    for engagement in rule_facts(Engagement).select_related("firm").order_by("pk"):
        engagements.setdefault(engagement.firm_id, engagement)
    if len(engagements) < firms:
        raise SystemExit(f"The database has {len(engagements)} firms, not {firms}.")
    return [
        dataclasses.replace(
            scope,
            firm=engagement.firm,
            engagement=engagement,
            functions=scope.functions | {"intake"},
        )
        for engagement in list(engagements.values())[:firms]
    ]


def querysets(scopes, user, now):
    """The task and lead lists of Today and the queues."""
    return [
        work.filter_tasks(
            work.queue_mine(scopes, user), {"status": "open"}, now=now, user=user
        ).order_by("due_at")[:50],
        work.queue_team(scopes).order_by("due_at")[:50],
        work.filter_tasks(
            Task.objects.in_scopes(scopes), {"status": "overdue"}, now=now
        ).values_list("firm_id")[:50],
        work.brief_rows(work.given_to(scopes, user))[:5],
        Lead.objects.in_scopes(scopes).order_by("received_at")[:50],
    ]


def compiled(scopes, user, now):
    for qs in querysets(scopes, user, now):
        qs.query.get_compiler(connection=connection).as_sql()


def ran(scopes, user, now):
    for qs in querysets(scopes, user, now):
        list(qs)


def cpu_ms(work_of, rounds: int) -> float:
    work_of()
    times = []
    for _ in range(rounds):
        start = time.process_time()
        work_of()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--firms", type=int, nargs="+", default=[1, 4, 12, 20])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    user, scope = an_assistant()
    now = timezone.now()
    kept = {model: model.need_to_know.across for model in MODELS}
    print(f"Cross-firm filters on {connection.vendor}\n{machine_speed()}")
    print(
        "| firms | built and compiled, firm by firm / across (CPU ms) | ratio "
        "| run, firm by firm / across (CPU ms) | ratio |"
    )
    print("|---|---|---|---|---|")
    last = None
    for firms in args.firms:
        scopes = scopes_in(scope, firms)
        figures = {}
        for form in ("firm by firm", "across"):
            for model in MODELS:
                model.need_to_know.across = (
                    None if form == "firm by firm" else kept[model]
                )
            figures[form] = (
                cpu_ms(partial(compiled, scopes, user, now), args.rounds),
                cpu_ms(partial(ran, scopes, user, now), max(5, args.rounds // 3)),
            )
        (old_c, old_r), (new_c, new_r) = figures["firm by firm"], figures["across"]
        last = (firms, old_c, new_c)
        print(
            f"| {firms} | {old_c:.1f} / {new_c:.1f} | {old_c / new_c:.2f}× "
            f"| {old_r:.1f} / {new_r:.1f} | {old_r / new_r:.2f}× |"
        )
    for model in MODELS:
        model.need_to_know.across = kept[model]
    firms, old_c, new_c = last
    print(
        f"\nBuilding and compiling the lists' filters at {firms} firms: "
        f"{new_c:.1f} ms CPU against {old_c:.1f} firm by firm (baseline), "
        f"ratio {old_c / new_c:.2f}×"
    )
    print(f"Command: {command_line('bench/cross_firm.py')}")


if __name__ == "__main__":
    main()
