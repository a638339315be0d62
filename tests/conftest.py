"""Shared fixtures: firm A with its people, firm B, a provider serving both, and
the provider staff who must NOT see firm A's data (each for a different reason).

Everyone here signs in with tests.factories.PASSWORD; use ``client.force_login``
(django-axes breaks ``login()``).
"""

import datetime
import os

import pytest
from hypothesis import settings as hypothesis_settings
from whitenoise.base import WhiteNoise

from firmdesk.orgs.models import Absence, Organization, StaffProfile
from tests import factories as f

# CI must not fail on a machine that happens to be slow, nor on an example that
# only a lucky draw finds: fixed examples, no per-example deadline. Explore more
# locally with HYPOTHESIS_PROFILE=explore.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis_settings.register_profile("explore", max_examples=1000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def firm(db):
    return f.OrganizationFactory(name="Hale & Ortiz LLP", slug="hale-ortiz")


@pytest.fixture
def other_firm(db):
    return f.OrganizationFactory(name="Brandt Legal PC", slug="brandt-legal")


@pytest.fixture
def provider(db):
    return f.OrganizationFactory(
        kind=Organization.Kind.PROVIDER, name="Northstar Support", slug="northstar"
    )


@pytest.fixture
def firm_admin(firm):
    return f.member(
        firm,
        ["firm_admin", "attorney"],
        email="admin@hale.test",
        full_name="Grace Hale",
    )


@pytest.fixture
def attorney(firm):
    return f.member(
        firm, ["attorney"], email="attorney@hale.test", full_name="Owen Ortiz"
    )


@pytest.fixture
def firm_staff(firm):
    return f.member(firm, ["firm_staff"], email="staff@hale.test", full_name="Ida Lane")


@pytest.fixture
def matter(firm, attorney):
    return f.MatterFactory(
        firm=firm,
        number="M-2026-001",
        title="Lopez v. Acme",
        responsible_attorney=attorney,
    )


@pytest.fixture
def other_matter(other_firm):
    return f.MatterFactory(firm=other_firm, number="B-2026-001", title="Brandt matter")


@pytest.fixture
def engagement(firm, provider):
    return f.engagement(firm, provider)


@pytest.fixture
def other_engagement(other_firm, provider):
    return f.engagement(other_firm, provider)


@pytest.fixture
def assistant(provider, engagement, matter, other_engagement, other_matter):
    """Assigned to both firms, NDA signed for both, granted the matter in each."""
    user = f.member(
        provider,
        ["assistant"],
        email="assistant@northstar.test",
        full_name="Priya Nair",
    )
    f.assign(engagement, user)
    f.grant(engagement, matter, user)
    f.assign(other_engagement, user)
    f.grant(other_engagement, other_matter, user)
    return user


@pytest.fixture
def outsider(other_firm):
    """Charlie: a member of another firm only."""
    return f.member(
        other_firm,
        ["firm_admin", "attorney"],
        email="charlie@brandt.test",
        full_name="Charlie Brandt",
    )


@pytest.fixture
def unassigned_assistant(provider, engagement):
    return f.member(
        provider,
        ["assistant"],
        email="unassigned@northstar.test",
        full_name="Uma Reyes",
    )


@pytest.fixture
def no_nda_assistant(provider, engagement, matter):
    user = f.member(
        provider, ["assistant"], email="nonda@northstar.test", full_name="Nils Okafor"
    )
    f.assign(engagement, user, sign_nda=False)
    f.grant(engagement, matter, user)
    return user


@pytest.fixture
def ended_engagement_assistant(firm, db):
    other_provider = f.OrganizationFactory(
        kind=Organization.Kind.PROVIDER, name="Bygone Assist", slug="bygone"
    )
    eng = f.engagement(
        firm, other_provider, status="ended", end_date=datetime.date(2024, 12, 31)
    )
    user = f.member(
        other_provider, ["assistant"], email="ended@bygone.test", full_name="Eli Marsh"
    )
    f.assign(eng, user)
    f.grant(eng, f.MatterFactory(firm=firm), user)
    return user


@pytest.fixture
def ungranted_assistant(provider, engagement):
    """Assigned and signed, but no matter opened to them."""
    user = f.member(
        provider,
        ["assistant"],
        email="ungranted@northstar.test",
        full_name="Gus Ferreira",
    )
    f.assign(engagement, user)
    return user


@pytest.fixture
def absent_assistant(provider, engagement, matter):
    user = f.member(
        provider,
        ["assistant"],
        email="absent@northstar.test",
        full_name="Ava Lindqvist",
    )
    f.assign(engagement, user)
    f.grant(engagement, matter, user)
    Absence.objects.create(
        user=user,
        kind="leave",
        start=datetime.date(2000, 1, 1),
        end=datetime.date(2999, 12, 31),
    )
    return user


@pytest.fixture
def departed_assistant(provider, engagement, matter):
    user = f.member(
        provider, ["assistant"], email="left@northstar.test", full_name="Leo Park"
    )
    f.assign(engagement, user)
    f.grant(engagement, matter, user)
    StaffProfile.objects.filter(user=user).update(status="left")
    return user


@pytest.fixture
def provider_admin(provider):
    return f.member(
        provider,
        ["provider_admin"],
        email="padmin@northstar.test",
        full_name="Rosa Quint",
    )


def pytest_configure(config):
    os.environ.setdefault("FIRMDESK_TESTING", "1")
    WhiteNoise.update_files_dictionary = _static_files_read_once


# WhiteNoise reads every file under STATIC_ROOT (about 360, with their headers)
# when its middleware starts. A server starts it once; the test client starts
# the middleware again for every test that makes a request (about 2,900 tests
# ask for ``client``): 50 ms of CPU each, more than half of an isolation case
# (85 ms before, 36 ms after). The files and the settings they are read with
# do not change during a run, so each folder is read once per set of settings
# and the same entries (read-only) are given to every new middleware. A test
# that changes a static or WhiteNoise setting gets a read of its own.
_read_static_folder = WhiteNoise.update_files_dictionary
_static_folders: dict[tuple, dict] = {}


def _static_settings() -> tuple:
    from django.conf import settings

    return (
        settings.DEBUG,
        settings.STATIC_URL,
        str(settings.STATIC_ROOT),
        settings.FORCE_SCRIPT_NAME,
        repr(settings.STORAGES),
        tuple(
            (name, repr(getattr(settings, name)))
            for name in sorted(dir(settings))
            if name.startswith("WHITENOISE_")
        ),
    )


def _static_files_read_once(self, root, prefix):
    key = (type(self), root, prefix, _static_settings())
    entries = _static_folders.get(key)
    if entries is None:
        kept, self.files = self.files, {}
        try:
            _read_static_folder(self, root, prefix)
            entries = self.files
        finally:
            self.files = kept
        _static_folders[key] = entries
    self.files.update(entries)
