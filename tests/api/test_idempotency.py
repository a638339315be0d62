"""Idempotency-Key on POST, proved with the lead create route: a website's form
pushing an inquiry may retry after a timeout and still make one lead."""

import datetime
import threading

import time_machine
from django.db import connection
from django.urls import reverse

from firmdesk.api.idempotency import forget_expired
from firmdesk.api.models import IdempotencyKey
from firmdesk.intake.models import Lead
from tests.isolation.fixtures_intake import *  # noqa: F403

from .helpers import Api, token_for

LEAD = {"name": "Dana Whitfield", "email": "dana@example.com"}


def _leads(firm):
    return reverse("api:list_leads", kwargs={"firm_slug": firm.slug})


def _key(value):
    return {"Idempotency-Key": value}


def test_the_same_key_and_body_answer_the_same_and_make_one_lead(firm, firm_admin):
    api = Api(token_for(firm_admin, firm))
    first = api.post(_leads(firm), LEAD, _key("form-submission-42"))
    again = api.post(_leads(firm), LEAD, _key("form-submission-42"))
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Lead.unscoped.filter(firm=firm).count() == 1


def test_the_same_key_with_another_body_is_refused(firm, firm_admin):
    api = Api(token_for(firm_admin, firm))
    api.post(_leads(firm), LEAD, _key("form-submission-42"))
    other = api.post(
        _leads(firm), {**LEAD, "name": "Carl Whitfield"}, _key("form-submission-42")
    )
    assert other.status_code == 422
    body = other.json()
    assert "already used for a different request" in body["message"]
    assert list(body["fields"]) == ["Idempotency-Key"]
    assert list(Lead.unscoped.values_list("name", flat=True)) == ["Dana Whitfield"]


def test_a_refusal_is_replayed_too(firm, firm_admin):
    api = Api(token_for(firm_admin, firm))
    refused = api.post(_leads(firm), {"name": "Dana"}, _key("k-1"))
    assert refused.status_code == 422
    again = api.post(_leads(firm), {"name": "Dana"}, _key("k-1"))
    assert again.status_code == 422 and again.content == refused.content
    assert again["Idempotent-Replayed"] == "true"
    assert not Lead.unscoped.exists()


def test_a_key_is_each_persons_own(firm, firm_admin, attorney):
    mine = Api(token_for(firm_admin, firm)).post(_leads(firm), LEAD, _key("k-1"))
    theirs = Api(token_for(attorney, firm)).post(_leads(firm), LEAD, _key("k-1"))
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert mine.json()["id"] != theirs.json()["id"]
    assert Lead.unscoped.filter(firm=firm).count() == 2


def test_a_key_is_forgotten_after_a_day(firm, firm_admin):
    api = Api(token_for(firm_admin, firm))
    api.post(_leads(firm), LEAD, _key("k-1"))
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(hours=25)
    with time_machine.travel(later):
        assert forget_expired() == 1
        again = api.post(_leads(firm), LEAD, _key("k-1"))
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Lead.unscoped.filter(firm=firm).count() == 2


def test_an_empty_or_overlong_key_is_refused(firm, firm_admin):
    api = Api(token_for(firm_admin, firm))
    for key in (" ", "k" * 256):
        response = api.post(_leads(firm), LEAD, _key(key))
        assert response.status_code == 422
        assert "Idempotency-Key" in response.json()["fields"]
    assert not Lead.unscoped.exists()


def test_two_concurrent_posts_with_one_key_make_one_lead(
    transactional_db, firm, firm_admin
):
    """Both start together, each on its own connection: one runs the route,
    the other waits on the key's row and replays its answer."""
    token = token_for(firm_admin, firm)
    start = threading.Barrier(2)
    answers: list = [None, None]
    failures: list = []

    def post(i):
        try:
            start.wait(timeout=10)
            response = Api(token).post(_leads(firm), LEAD, _key("double-click"))
            answers[i] = (
                response.status_code,
                response.content,
                response.get("Idempotent-Replayed"),
            )
        except Exception as error:  # seen by the assertion below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    assert answers[0][:2] == answers[1][:2]
    assert answers[0][0] == 201
    assert sorted(a[2] or "" for a in answers) == ["", "true"]
    assert Lead.unscoped.filter(firm=firm).count() == 1


def test_a_patch_ignores_the_key(firm, intake_specialist, lead):
    """A PATCH is guarded by If-Match instead: nothing is stored for its key."""
    url = reverse(
        "api:update_lead", kwargs={"firm_slug": firm.slug, "lead_id": lead.public_id}
    )
    response = Api(token_for(intake_specialist, firm)).patch(
        url, {"status": "contacted"}, _key("k-1")
    )
    assert response.status_code == 200
    assert not IdempotencyKey.unscoped.exists()


def test_an_upload_larger_than_a_request_body_may_be_is_fingerprinted(settings, rf):
    """A document upload with a key must not be refused for its size: its
    fields and files are hashed as parsed, not read whole as the body."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from firmdesk.api.idempotency import _fingerprint

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    def upload(content):
        return rf.post(
            "/api/v1/f/hale-ortiz/documents",
            {"title": "Lease", "file": SimpleUploadedFile("lease.pdf", content)},
        )

    big = b"%PDF-1.7\n" + b"x" * 4096
    same = _fingerprint(upload(big)) == _fingerprint(upload(big))
    assert same
    assert _fingerprint(upload(big)) != _fingerprint(upload(big + b"y"))
