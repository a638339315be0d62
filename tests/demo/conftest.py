import pytest
from django.db import transaction

from firmdesk.demo.services import demo_load


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for a test module (it takes seconds each time).

    It is loaded inside a transaction that is rolled back after the module's
    last test, and each test runs in a savepoint inside it, so what one test
    changes is undone before the next and the next module starts empty. A test
    that must start from an empty database asks for ``db`` alone."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)
