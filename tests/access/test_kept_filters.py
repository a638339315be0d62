"""Built access filters kept for equal Scopes (common.models._KeptFilters).

A filter is built once a thread for Scopes equal in every field, and copied
after: these tests hold that a change of the facts shows on the next query all
the same, that nothing a caller adds reaches the next caller, and that every
tenant model's rule is a function of its Scope alone — the condition under
which keeping a built filter is the same as building it again.
"""

import datetime
import os
import subprocess
import sys
import threading

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import EmptyResultSet

from firmdesk.access.scope import resolve_scope
from firmdesk.common import models as common_models
from firmdesk.common.models import TenantModel, kept_filters
from firmdesk.matters.models import Matter, MatterScreen
from firmdesk.work.models import Task
from tests import factories as f


@pytest.fixture(autouse=True)
def nothing_kept():
    kept_filters.clear()
    yield
    kept_filters.clear()


def test_an_equal_scope_takes_the_kept_filter_without_asking_the_rule_again(
    firm, assistant, matter, monkeypatch
):
    asked = []
    rule = Task.need_to_know.rule
    monkeypatch.setattr(
        Task.need_to_know, "rule", lambda scope: asked.append(scope) or rule(scope)
    )
    first, second = resolve_scope(assistant, firm), resolve_scope(assistant, firm)
    assert first == second and first is not second
    f.task(firm, matter=matter, assignee=assistant)
    assert Task.objects.in_scope(first).count() == 1
    assert Task.objects.in_scope(second).count() == 1
    assert Task.objects.in_scopes([second]).count() == 1
    assert Task.objects.in_scopes([first]).count() == 1
    # Once for the one firm, once for the list of firms: not once a request.
    assert len(asked) == 2


def test_a_grant_made_after_the_filter_was_kept_opens_the_matter_at_once(
    firm, engagement, ungranted_assistant, matter
):
    before = resolve_scope(ungranted_assistant, firm)
    assert not Matter.objects.in_scope(before).exists()
    f.grant(engagement, matter, ungranted_assistant)
    after = resolve_scope(ungranted_assistant, firm)
    # The same Scope: the grant is read by the query, not kept in the filter.
    assert after == before
    assert list(Matter.objects.in_scope(after)) == [matter]


def test_a_new_screen_walls_off_the_matter_at_once(firm, attorney, matter):
    assert list(Matter.objects.in_scope(resolve_scope(attorney, firm))) == [matter]
    task = f.task(firm, matter=matter)
    assert list(Task.objects.in_scopes([resolve_scope(attorney, firm)])) == [task]
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    screened = resolve_scope(attorney, firm)
    assert not Matter.objects.in_scope(screened).exists()
    assert not Task.objects.in_scopes([screened]).exists()


def test_what_one_caller_adds_never_reaches_the_next(firm, attorney, matter):
    f.task(firm, matter=matter, title="Call the clerk")
    f.task(firm, matter=matter, title="File the motion")
    scope = resolve_scope(attorney, firm)
    narrowed = Task.objects.in_scope(scope).filter(title="Call the clerk")
    assert narrowed.count() == 1
    assert Task.objects.in_scope(scope).count() == 2
    ordered = Task.objects.in_scopes([scope]).order_by("-title")
    assert [t.title for t in ordered] == ["File the motion", "Call the clerk"]
    assert Task.objects.in_scopes([scope]).filter(title="File the motion").count() == 1


def test_each_thread_builds_and_keeps_its_own(firm, attorney):
    scope = resolve_scope(attorney, firm)
    here = Task.objects.in_scope(scope)
    there = {}

    def build():
        there["entries"] = len(kept_filters.entries)
        there["query"] = Task.objects.in_scope(scope).query
        there["entries_after"] = len(kept_filters.entries)

    worker = threading.Thread(target=build)
    worker.start()
    worker.join()
    assert there == {"entries": 0, "query": there["query"], "entries_after": 1}
    assert str(there["query"]) == str(here.query)
    assert len(kept_filters.entries) == 1


def test_past_the_limit_the_longest_unused_filter_goes(
    firm, other_firm, attorney, assistant, monkeypatch
):
    monkeypatch.setattr(common_models, "KEPT_FILTERS", 2)
    mine, theirs = resolve_scope(attorney, firm), resolve_scope(assistant, firm)
    Task.objects.in_scope(mine)
    Task.objects.in_scope(theirs)
    Task.objects.in_scope(mine)  # used again: now the newest
    Matter.objects.in_scope(mine)
    kept = [(key[0], key[-1]) for key in kept_filters.entries]
    assert kept == [(Task, mine), (Matter, mine)]


def _tenant_models():
    return sorted(
        (
            m
            for m in apps.get_models()
            if issubclass(m, TenantModel) and not m._meta.abstract
        ),
        key=lambda m: m._meta.label,
    )


def _built_sql(scopes) -> dict[str, tuple]:
    """Each tenant model's filter for ``scopes``, built afresh (not kept)."""
    built = {}
    for model in _tenant_models():
        for scope in scopes:
            query = model.objects._in_scope(scope).query
            try:
                built[f"{model._meta.label} {scope.roles}"] = query.sql_with_params()
            except EmptyResultSet:  # a rule that gives this Scope no row
                built[f"{model._meta.label} {scope.roles}"] = ("no row", ())
    return built


def test_every_rule_builds_from_its_scope_alone_not_the_clock_nor_the_rows(
    firm, engagement, attorney, ungranted_assistant, matter
):
    """What keeping a built filter rests on: an equal Scope builds the same
    SQL a month later, after the rows the rules read have changed."""
    scopes = [resolve_scope(attorney, firm), resolve_scope(ungranted_assistant, firm)]
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=firm.tz)):
        before = _built_sql(scopes)
    f.grant(engagement, matter, ungranted_assistant)
    f.task(firm, matter=matter, assignee=ungranted_assistant)
    f.MatterFactory(firm=firm)
    with time_machine.travel(datetime.datetime(2026, 4, 20, 17, tzinfo=firm.tz)):
        after = _built_sql(scopes)
    assert len(before) >= 2 * 40
    assert after == before


GREENLETS = """
from gevent import monkey

monkey.patch_all()
import django

django.setup()
import gevent

from firmdesk.common.models import kept_filters
from firmdesk.orgs.models import Organization

built = []


def build():
    built.append(gevent.getcurrent())
    return Organization.objects.filter(slug="any")


def request():
    kept_filters.query(("one request of a gevent worker",), build)
    gevent.sleep(0)


gevent.joinall([gevent.spawn(request) for _ in range(3)])
print(len(built), len(kept_filters.entries))
"""


def test_a_gevent_workers_requests_share_what_their_thread_keeps():
    """The shipped server runs gevent, which makes ``threading.local`` one per
    greenlet, a request: kept there, nothing would outlive its request."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "firmdesk.settings"}
    done = subprocess.run(
        [sys.executable, "-c", GREENLETS],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # Built by the first request, taken by the other two.
    assert done.stdout.split() == ["1", "1"]
