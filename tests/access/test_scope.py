import datetime

import pytest

from firmdesk.access.scope import firms_for_user, resolve_scope
from firmdesk.common.models import UnscopedQueryError
from firmdesk.matters.models import Matter
from firmdesk.work.models import Task
from tests import factories as f


def test_firm_member_sees_every_matter_of_the_firm_only(
    firm, attorney, matter, other_matter
):
    scope = resolve_scope(attorney, firm)
    assert list(Matter.objects.in_scope(scope)) == [matter]


def test_outsider_has_no_scope_in_the_firm(firm, outsider):
    assert resolve_scope(outsider, firm) is None


def test_assistant_sees_only_granted_matters(firm, engagement, assistant, matter):
    hidden = f.MatterFactory(firm=firm, number="M-2026-099")
    scope = resolve_scope(assistant, firm)
    visible = set(Matter.objects.in_scope(scope))
    assert matter in visible and hidden not in visible


def test_whole_team_grant_and_all_matters(
    firm, engagement, ungranted_assistant, matter
):
    assert not Matter.objects.in_scope(
        resolve_scope(ungranted_assistant, firm)
    ).exists()
    f.grant(engagement, matter)
    assert (
        Matter.objects.in_scope(resolve_scope(ungranted_assistant, firm)).count() == 1
    )
    engagement.all_matters = True
    engagement.save()
    f.MatterFactory(firm=firm)
    assert (
        Matter.objects.in_scope(resolve_scope(ungranted_assistant, firm)).count() == 2
    )


@pytest.mark.parametrize(
    "who",
    [
        "unassigned_assistant",
        "no_nda_assistant",
        "ended_engagement_assistant",
        "absent_assistant",
        "departed_assistant",
        "provider_admin",
    ],
)
def test_provider_staff_without_every_condition_have_no_scope(request, firm, who):
    user = request.getfixturevalue(who)
    assert resolve_scope(user, firm) is None


def test_expired_nda_ends_access(firm, engagement, assistant):
    engagement.agreements.update(expires_on=datetime.date(2001, 1, 1))
    assert resolve_scope(assistant, firm) is None


def test_function_outside_engagement_scope_gives_no_access(firm, engagement, assistant):
    engagement.assignments.filter(user=assistant).update(functions=["billing"])
    assert resolve_scope(assistant, firm) is None


def test_client_consent_required_hides_matters_without_it(firm, assistant, matter):
    firm.require_client_consent = True
    firm.save()
    scope = resolve_scope(assistant, firm)
    assert not Matter.objects.in_scope(scope).exists()
    matter.client_consent_on = datetime.date(2026, 1, 5)
    matter.save()
    assert list(Matter.objects.in_scope(resolve_scope(assistant, firm))) == [matter]


def test_ethical_screen_walls_off_a_firm_member(firm, attorney, matter):
    from firmdesk.matters.models import MatterScreen

    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    assert not Matter.objects.in_scope(resolve_scope(attorney, firm)).exists()


def test_task_only_access_shows_the_task_but_not_its_matter(
    firm, ungranted_assistant, matter
):
    mine = f.task(firm, matter=matter, assignee=ungranted_assistant)
    f.task(firm, matter=matter, title="Someone else's")
    scope = resolve_scope(ungranted_assistant, firm)
    assert list(Task.objects.in_scope(scope)) == [mine]
    assert not scope.can_see_matter(matter)


def test_task_in_a_function_outside_the_assignment_is_hidden(firm, assistant, matter):
    f.task(firm, matter=matter, assignee=assistant, function="billing")
    assert not Task.objects.in_scope(resolve_scope(assistant, firm)).exists()


def test_unscoped_query_fails_loudly(firm, matter):
    with pytest.raises(UnscopedQueryError):
        list(Matter.objects.all())
    with pytest.raises(UnscopedQueryError):
        Matter.objects.filter(firm=firm).count()


def test_firm_switcher_lists_each_served_firm(firm, other_firm, assistant):
    assert [s.firm for s in firms_for_user(assistant)] == [other_firm, firm]


def test_firm_member_sees_tasks_on_matters_and_without(firm, attorney, matter):
    on_matter = f.task(firm, matter=matter)
    loose = f.task(firm, title="Order supplies")
    assert set(Task.objects.in_scope(resolve_scope(attorney, firm))) == {
        on_matter,
        loose,
    }


def test_screened_member_loses_only_the_screened_matters_tasks(firm, attorney, matter):
    from firmdesk.matters.models import MatterScreen

    f.task(firm, matter=matter)
    loose = f.task(firm, title="Order supplies")
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    assert list(Task.objects.in_scope(resolve_scope(attorney, firm))) == [loose]


@pytest.mark.parametrize(
    "who",
    [
        "firm_admin",
        "assistant",
        "ungranted_assistant",
        "no_nda_assistant",
        "absent_assistant",
        "departed_assistant",
        "ended_engagement_assistant",
        "outsider",
    ],
)
def test_resolving_many_firms_at_once_gives_each_firms_own_answer(
    request, who, firm, other_firm
):
    from firmdesk.access.scope import resolve_scopes

    user = request.getfixturevalue(who)
    together = resolve_scopes(user, [firm, other_firm])
    for org in (firm, other_firm):
        alone = resolve_scope(user, org)
        assert together.get(org.pk) == alone, (who, org.slug)


def test_cross_firm_scopes_take_the_same_queries_for_two_firms_as_for_one(
    assistant, firm, other_firm
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from firmdesk.access.scope import resolve_scopes

    with CaptureQueriesContext(connection) as one:
        assert len(resolve_scopes(assistant, [firm])) == 1
    with CaptureQueriesContext(connection) as two:
        assert len(resolve_scopes(assistant, [firm, other_firm])) == 2
    assert len(two) == len(one)


def test_the_queues_matter_column_follows_each_firms_own_rule(
    firm, other_firm, engagement, other_engagement, assistant, matter
):
    """The cross-firm queues work out in one filter for every firm whether a
    row's matter may show (``access.scope.matter_q_across``); each row must get
    what its own firm's Scope says: grants of that firm's engagement to this
    person, all matters where the firm opened them, the client's consent where
    the firm requires it."""
    from firmdesk.work.selectors import queue_mine

    colleague = f.member(engagement.provider, ["assistant"], email="c@north.test")
    ungranted = f.MatterFactory(firm=firm, number="H-1")
    theirs = f.MatterFactory(firm=firm, number="H-2")
    f.grant(engagement, theirs, colleague)
    other_engagement.all_matters = True
    other_engagement.save()
    other_firm.require_client_consent = True
    other_firm.save()
    consented = f.MatterFactory(
        firm=other_firm, number="B-2", client_consent_on=datetime.date(2026, 1, 5)
    )
    for on in (matter, ungranted, theirs, None):
        f.task(firm, matter=on, assignee=assistant, engagement=engagement)
    f.task(
        other_firm, matter=consented, assignee=assistant, engagement=other_engagement
    )
    scopes = {s.firm.pk: s for s in firms_for_user(assistant)}
    rows = list(queue_mine(list(scopes.values()), assistant))
    assert len(rows) == 5
    shown = {}
    for row in rows:
        number = row.matter.number if row.matter_id else None
        shown[number] = row.matter_visible
        if row.matter_id:
            assert row.matter_visible == scopes[row.firm_id].can_see_matter(
                row.matter
            ), number
    assert shown == {
        matter.number: True,
        "H-1": False,
        "H-2": False,
        None: False,
        "B-2": True,
    }
