from pathlib import Path

import pytest
from django.db import transaction

from firmdesk.demo.services import demo_load


@pytest.fixture(scope="package")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for the tests of this folder that ask for it (it
    takes seconds each time, and five modules read it).

    It is loaded inside a transaction that is rolled back after the last of
    them, and each test runs in a savepoint inside it, so what one test changes
    is undone before the next. The tests that ask for it run after the others
    of the folder (``pytest_collection_modifyitems`` below), so a test that
    must start from an empty database asks for ``db`` alone, wherever it is."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)


def pytest_collection_modifyitems(config, items):
    """Within this folder, the tests on the loaded demo after the others (each
    group keeps its order), so the demo is loaded once and no test that wants
    an empty database runs while it is there."""
    here = [i for i, item in enumerate(items) if _in_this_folder(item)]
    if not here:
        return
    mine = [items[i] for i in here]
    ordered = [t for t in mine if "demo_loaded" not in t.fixturenames] + [
        t for t in mine if "demo_loaded" in t.fixturenames
    ]
    for position, item in zip(here, ordered, strict=True):
        items[position] = item


def _in_this_folder(item) -> bool:
    return item.path.parent == Path(__file__).parent
