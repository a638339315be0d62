import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.conflicts.services import contact_save
from tests import factories as f


@pytest.fixture
def scope_of():
    def make(user, firm):
        scope = resolve_scope(user, firm)
        assert scope is not None, f"{user} has no access to {firm}"
        return scope

    return make


@pytest.fixture
def attorney_scope(attorney, firm, scope_of):
    return scope_of(attorney, firm)


@pytest.fixture
def staff_scope(firm_staff, firm, scope_of):
    return scope_of(firm_staff, firm)


@pytest.fixture
def intake_specialist(provider, engagement):
    user = f.member(
        provider,
        ["intake_specialist"],
        email="intake@northstar.test",
        full_name="Iris Kent",
    )
    f.assign(engagement, user, functions=("intake",))
    return user


@pytest.fixture
def intake_scope(intake_specialist, firm, scope_of):
    return scope_of(intake_specialist, firm)


@pytest.fixture
def add_contact(firm):
    """Write a contact through the service, as every caller must."""

    def add(name, kind="person", **fields):
        return contact_save(firm=firm, actor=None, kind=kind, name=name, **fields)

    return add
