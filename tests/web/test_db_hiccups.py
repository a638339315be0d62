"""When the database hiccups, nothing typed is lost (issue 16, item 10).

The public intake form is sent while the database fails: once (the request is
retried and the inquiry is stored), or every time (a 503 page says so in plain
words and gives back every field typed, in a form that sends them again). On
PostgreSQL the failure is real: the request's own connection is terminated with
``pg_terminate_backend`` from a second connection in the middle of the request.
On SQLite, the error a lock held past the busy timeout raises is raised in
place of the first write."""

import html
import traceback

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from firmdesk.intake.models import Lead
from tests.isolation.fixtures_public_intake import *  # noqa: F403

TYPED = {
    "name": "Maria Lopez",
    "email": "maria@example.com",
    "phone": "(312) 555-0142",
    "description": "A delivery truck hit my car.\nThe driver ran the red light.",
    "adverse_parties": "Acme Freight LLC\nJohn Doe",
    "website": "",
    "q1": "2026-12-01",
}
SAID = "The database did not answer; nothing was saved. Your entries are below"


def form_url(form):
    return reverse("public_intake:public_intake_form", args=[form.firm.slug, form.slug])


class FailWrites:
    """Fails the first ``times`` writes of a request the way ``fail`` says."""

    def __init__(self, fail, times):
        self.fail, self.left = fail, times

    def __call__(self, execute, sql, params, many, context):
        if self.left and sql.lstrip().upper().startswith("INSERT"):
            self.left -= 1
            self.fail()
        return execute(sql, params, many, context)


def sqlite_locked():
    raise OperationalError("database is locked")


def terminate_own_connection():
    """Cut this request's connection from a second one, as a server restart or
    a proxy would, then let the statement meet the dead connection."""
    import psycopg

    pid = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def _failure():
    if connection.vendor == "postgresql":
        return terminate_own_connection
    return sqlite_locked


def _assert_entries_kept(body):
    text = html.unescape(body)
    assert SAID in text
    for name, value in TYPED.items():
        if value:
            assert f'name="{name}"' in body
            assert value in text, name
    assert 'name="csrfmiddlewaretoken"' in body
    assert "Send again" in body


@pytest.mark.django_db(transaction=True)
def test_a_form_sent_while_the_database_drops_once_is_retried_and_stored(
    client, public_form
):
    with connection.execute_wrapper(FailWrites(_failure(), times=1)):
        response = client.post(form_url(public_form), TYPED)

    assert response.status_code == 302
    assert Lead.objects.for_firm(public_form.firm).get().name == "Maria Lopez"


@pytest.mark.django_db(transaction=True)
def test_a_form_sent_while_the_database_stays_down_gives_back_what_was_typed(
    client, public_form
):
    with connection.execute_wrapper(FailWrites(_failure(), times=2)):
        response = client.post(form_url(public_form), TYPED)

    assert response.status_code == 503
    _assert_entries_kept(response.content.decode())
    assert not Lead.objects.for_firm(public_form.firm).exists()
    # Sending the page's form again, with the database back, stores it once.
    response = client.post(form_url(public_form), TYPED)
    assert response.status_code == 302
    assert Lead.objects.for_firm(public_form.firm).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_page_read_while_the_database_drops_once_is_read_again(
    client, firm, attorney
):
    client.force_login(attorney)
    url = reverse("matters:matter_list", args=[firm.slug])

    class FailOneRead(FailWrites):
        """Fails the view's first read of matters (not the sign-in's)."""

        def __call__(self, execute, sql, params, many, context):
            in_view = any(
                frame.filename.endswith("web/matters/views.py")
                for frame in traceback.extract_stack()
            )
            if self.left and in_view and "matters_matter" in sql:
                self.left -= 1
                self.fail()
            return execute(sql, params, many, context)

    with connection.execute_wrapper(FailOneRead(_failure(), times=1)):
        response = client.get(url)

    assert response.status_code == 200


def test_the_page_never_echoes_a_password(rf):
    from django.contrib.auth.models import AnonymousUser

    from firmdesk.web.db_hiccups import hiccup_page

    request = rf.post("/login/", {"username": "a@b.test", "password": "s3cret-pass"})
    request.user = AnonymousUser()
    body = hiccup_page(request, wrote=False).content.decode()

    assert "a@b.test" in body and "s3cret-pass" not in body


@pytest.mark.django_db(transaction=True)
def test_a_failure_before_the_view_still_keeps_what_was_typed(client, firm, attorney):
    """Signing in resolves the person's firms in a middleware, before any view."""
    client.raise_request_exception = False
    client.force_login(attorney)
    url = reverse("matters:matter_list", args=[firm.slug])

    class FailEverything(FailWrites):
        def __call__(self, execute, sql, params, many, context):
            if "matters_matter" in sql or "engagements" in sql:
                self.fail()
            return execute(sql, params, many, context)

    with connection.execute_wrapper(FailEverything(sqlite_locked, times=1)):
        response = client.post(url, {"q": "Lopez v. Acme"})

    assert response.status_code == 503
    assert "Lopez v. Acme" in html.unescape(response.content.decode())


def _raise_from_the_pool(request):
    """What Django raises when the pool lent no connection in DB_POOL_TIMEOUT."""
    from psycopg_pool import PoolTimeout

    try:
        raise PoolTimeout("couldn't get a connection after 10.00 sec")
    except PoolTimeout as error:
        raise OperationalError(*error.args) from error


@pytest.mark.parametrize(
    ("cause", "runs_again"),
    [("pool", False), ("dropped", True)],
    ids=["pool-timeout-not-retried", "dropped-connection-retried"],
)
def test_a_read_is_run_again_unless_the_pool_had_no_connection(rf, cause, runs_again):
    from django.urls import ResolverMatch

    from firmdesk.web.db_hiccups import DatabaseHiccupMiddleware

    runs = []

    def view(request):
        runs.append(request.path)
        if cause == "pool":
            _raise_from_the_pool(request)
        raise OperationalError("server closed the connection unexpectedly")

    request = rf.get("/f/acme/tasks/")
    request.resolver_match = ResolverMatch(view, (), {})
    try:
        view(request)
    except OperationalError as error:
        failure = error
    runs.clear()
    response = DatabaseHiccupMiddleware(view).process_exception(request, failure)
    # A second wait for the pool would only double the time to the answer.
    assert runs == (["/f/acme/tasks/"] if runs_again else [])
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
