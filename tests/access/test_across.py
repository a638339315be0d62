"""The cross-firm pages (a provider's queues, Today, the lead queue) read the
rows of every firm a person serves in one query: ``Model.objects.in_scopes``.
Where a model has a cross-firm form of its rule (``NeedToKnow.q_across``: the
task rule, the lead rule, rows seen through their matter) that one filter must
keep exactly the rows each firm's own Scope keeps, no more and no fewer.

One set of firms, matters, grants and rows is written once; hypothesis then
draws the person's Scopes — firm member or provider staff in each firm, the
functions, the engagement, all matters or granted ones, screens, the firm's
consent requirement — and compares the two answers."""

import dataclasses
import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmdesk.access.scope import Scope
from firmdesk.engagements.models import MatterGrant
from firmdesk.intake.models import Lead
from firmdesk.matters.models import MatterScreen
from firmdesk.orgs.models import Organization
from firmdesk.work.models import Task
from tests import factories as f

FUNCTIONS = ("scheduling", "documents", "intake")
MODELS = (Task, Lead, MatterScreen)


@pytest.fixture
def world(db):
    """Three firms, each with five matters (two with the client's consent),
    two engagements (two providers), grants to the person, to a colleague and
    to the whole team; tasks of every combination of matter, function,
    assignee and engagement; leads with and without a matter; screens."""
    provider = f.OrganizationFactory(
        kind=Organization.Kind.PROVIDER, name="Northstar", slug="northstar-x"
    )
    rival = f.OrganizationFactory(
        kind=Organization.Kind.PROVIDER, name="Southgate", slug="southgate-x"
    )
    person = f.member(provider, ["assistant"], email="p@northstar.test")
    colleague = f.member(provider, ["assistant"], email="c@northstar.test")
    outsider = f.member(rival, ["assistant"], email="o@southgate.test")
    firms = []
    for n in range(3):
        firm = f.OrganizationFactory(name=f"Firm {n}", slug=f"firm-x{n}")
        ours = f.engagement(firm, provider, name=f"ours {n}")
        theirs = f.engagement(firm, rival, name=f"theirs {n}")
        matters = [
            f.MatterFactory(
                firm=firm,
                number=f"X{n}-{m}",
                client_consent_on=datetime.date(2026, 1, 2) if m % 2 else None,
            )
            for m in range(5)
        ]
        # Matter 0 to the person, 1 to the colleague, 2 to the team, 3 to
        # the person under the other provider's engagement; 4 to no one.
        f.grant(ours, matters[0], person)
        f.grant(ours, matters[1], colleague)
        f.grant(ours, matters[2])
        f.grant(theirs, matters[3], person)
        Task.unscoped.bulk_create(
            Task(
                firm=firm,
                matter=on,
                assignee=assignee,
                function=function,
                engagement=engagement,
                title="Calendar the hearing",
            )
            for on in (None, *matters)
            for function in FUNCTIONS
            for assignee in (person, colleague, None)
            for engagement in (ours, theirs, None)
        )
        for on in (None, *matters):
            Lead.unscoped.create(
                firm=firm,
                source="web",
                name="Prospect",
                received_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
                matter=on,
            )
        for on in matters[:3]:
            MatterScreen.unscoped.create(firm=firm, matter=on, user=outsider)
        firms.append((firm, (ours, theirs), matters))
    # Rows FirmDesk never writes (its services refuse links across firms), so
    # that the cross-firm form is seen to pair each engagement and grant with
    # its own firm rather than trust the data: a task of firm 0 under firm 1's
    # engagement, and a grant of firm 0's ungranted matter under it.
    (first, _, first_matters), (_, (elsewhere, _), _) = firms[0], firms[1]
    f.task(first, matter=first_matters[4], engagement=elsewhere, function="documents")
    MatterGrant.unscoped.create(
        firm=first, engagement=elsewhere, matter=first_matters[4], user=person
    )
    return person, firms


def scopes_for(person, firms):
    """A strategy: the person's Scopes in a non-empty choice of the firms."""

    def one(entry):
        firm, engagements, matters = entry
        return st.builds(
            lambda member, functions, engagement, every, screened, consent: Scope(
                user=person,
                firm=firm,
                roles=frozenset(["attorney" if member else "assistant"]),
                is_firm_member=member,
                functions=frozenset(FUNCTIONS if member else functions),
                engagement=None if member else engagement,
                all_matters=member or every,
                screened_matter_ids=frozenset(m.pk for m in screened),
                consent_required=consent,
            ),
            st.booleans(),
            st.frozensets(st.sampled_from(FUNCTIONS), min_size=1),
            st.sampled_from(engagements),
            st.booleans(),
            st.frozensets(st.sampled_from(matters)),
            st.booleans(),
        )

    return st.lists(
        st.sampled_from(range(len(firms))), min_size=1, max_size=3, unique=True
    ).flatmap(lambda picked: st.tuples(*(one(firms[i]) for i in picked)))


def test_in_scopes_keeps_each_row_its_own_firms_scope_keeps(world):
    person, firms = world

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(scopes=scopes_for(person, firms))
    def check(scopes):
        for model in MODELS:
            assert model.need_to_know.q_across(list(scopes)) is not None
            firm_by_firm = set()
            for scope in scopes:
                firm_by_firm |= set(
                    model.objects.in_scope(scope).values_list("pk", flat=True)
                )
            across = set(
                model.unscoped.filter(
                    model.need_to_know.q_across(list(scopes)),
                    firm_id__in=[scope.firm.pk for scope in scopes],
                ).values_list("pk", flat=True)
            )
            assert across == firm_by_firm, model.__name__
            # What the pages call: the cross-firm form from two firms on.
            assert firm_by_firm == set(
                model.objects.in_scopes(scopes).values_list("pk", flat=True)
            )

    check()


def test_the_world_tells_the_rules_apart(world):
    """Each fact of a Scope changes which tasks, leads and screens it sees in
    this world, so the comparison above would notice a cross-firm form that
    dropped or mixed up any of them."""
    person, firms = world
    firm, (ours, theirs), matters = firms[0]
    staff = Scope(
        user=person,
        firm=firm,
        roles=frozenset(["assistant"]),
        is_firm_member=False,
        functions=frozenset(["scheduling", "intake"]),
        engagement=ours,
        all_matters=False,
    )
    variants = [
        dataclasses.replace(staff, is_firm_member=True, functions=frozenset(FUNCTIONS)),
        dataclasses.replace(staff, functions=frozenset(["scheduling"])),
        dataclasses.replace(staff, engagement=theirs),
        dataclasses.replace(staff, all_matters=True),
        dataclasses.replace(staff, screened_matter_ids=frozenset([matters[0].pk])),
        dataclasses.replace(staff, consent_required=True),
    ]

    def seen(scope):
        return [
            set(model.objects.in_scope(scope).values_list("pk", flat=True))
            for model in MODELS
        ]

    base = seen(staff)
    assert all(base), "the staff member sees some rows of each kind"
    for variant in variants:
        assert seen(variant)[0] != base[0], variant
