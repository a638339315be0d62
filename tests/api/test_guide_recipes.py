"""The three recipes of docs/api.md, section 11, run as written there: the
requests are read out of the guide's own code blocks (headers, body, query
parameters) and the webhook receiver is the guide's Python, executed as is.
A recipe edited into something that no longer works fails here."""

import http.server
import json
import re
import shlex
import threading
from pathlib import Path

import pytest
from django.urls import reverse

from firmdesk.access.scope import resolve_scope
from firmdesk.billing.models import TimeEntry
from firmdesk.intake.models import Lead
from firmdesk.integrations import delivery, webhooks
from firmdesk.integrations.models import WebhookDelivery
from tests import factories as f
from tests.billing.invoice_rows import entry

from .helpers import Api, token_for

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def recipe(letter: str) -> str:
    text = GUIDE.read_text()
    start = text.index(f"### {letter}. ")
    end = text.find("\n### ", start + 1)
    return text[start : end if end != -1 else None]


def blocks(section: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.S)


def shell_words(block: str) -> list[str]:
    return shlex.split(block.replace("\\\n", " "), comments=True)


def shell_value(block: str, name: str) -> str:
    return re.search(rf"^{name}=(\S+)", block, flags=re.M).group(1)


def _url(name, firm, **kwargs):
    return reverse(f"api:{name}", kwargs={"firm_slug": firm.slug, **kwargs})


# --- a. Push new leads from a web form ------------------------------------------


def test_recipe_a_the_same_submission_pushed_twice_makes_one_lead(firm, attorney):
    (block,) = blocks(recipe("a"), "sh")
    words = shell_words(block)
    assert words[words.index("-X") + 1] == "POST" and '"$F/leads"' in block
    headers = dict(
        words[i + 1].split(": ", 1) for i, w in enumerate(words) if w == "-H"
    )
    body = json.loads(words[words.index("-d") + 1])
    submission = shell_value(block, "SUBMISSION")
    assert headers["Idempotency-Key"] == "$SUBMISSION"
    api = Api(token_for(attorney, firm))
    send = {"Idempotency-Key": submission}

    first = api.post(_url("list_leads", firm), body, headers=send)
    again = api.post(_url("list_leads", firm), body, headers=send)

    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    lead = Lead.objects.for_firm(firm).get()
    assert (lead.name, str(lead.public_id)) == (body["name"], first.json()["id"])
    assert first.json()["status"] == "new" and first.json()["response_due_at"]


def test_recipe_a_a_corrected_body_under_the_same_key_is_refused(firm, attorney):
    (block,) = blocks(recipe("a"), "sh")
    words = shell_words(block)
    body = json.loads(words[words.index("-d") + 1])
    api = Api(token_for(attorney, firm))
    send = {"Idempotency-Key": shell_value(block, "SUBMISSION")}
    api.post(_url("list_leads", firm), body, headers=send)

    changed = api.post(
        _url("list_leads", firm), {**body, "email": "dana@example.org"}, headers=send
    )

    assert changed.status_code == 422
    assert Lead.objects.for_firm(firm).count() == 1


# --- b. Pull approved time into a billing system --------------------------------


def documented_query(block: str) -> dict[str, str]:
    """The recipe's query parameters, ``$SINCE`` and ``cursor`` left to us."""
    words = shell_words(block)
    pairs = [
        words[i + 1].split("=", 1)
        for i, w in enumerate(words)
        if w == "--data-urlencode" and not words[i + 1].startswith("cursor=")
    ]
    return dict(pairs)


class Puller:
    """The recipe's loop: a page at a time; the cursor saved after each page,
    the last ``updated_at`` saved when the list is done."""

    def __init__(self, api, url, query):
        self.api, self.url, self.query = api, url, query
        self.since = "2026-01-01T00:00:00Z"
        self.cursor = None
        self.imported: list[str] = []

    def run(self, *, pages=None):
        last = None
        while pages is None or pages > 0:
            params = {**self.query, "updated_after": self.since}
            if self.cursor:
                params["cursor"] = self.cursor
            response = self.api.get(self.url, params)
            assert response.status_code == 200, response.content
            page = response.json()
            self.imported += [item["id"] for item in page["items"]]
            if page["items"]:
                last = page["items"][-1]["updated_at"]
            self.cursor = page["next_cursor"]
            if not self.cursor:
                break
            if pages is not None:
                pages -= 1
        else:
            return  # stopped half-way: the saved cursor is where to go on
        if last:
            self.since = last


def test_recipe_b_pages_approved_time_and_resumes_without_gaps_or_repeats(
    firm, attorney, firm_staff, matter, other_firm, other_matter, outsider
):
    (block,) = blocks(recipe("b"), "sh")
    query = documented_query(block)
    assert query.pop("updated_after") == "$SINCE"
    assert query == {"status": "approved", "order": "updated", "limit": "200"}
    query["limit"] = "2"  # several pages out of a few rows
    approved = [entry(firm, matter, attorney, hours=f"{n}.00") for n in range(1, 6)]
    entry(firm, matter, firm_staff, status=TimeEntry.Status.SUBMITTED)
    entry(other_firm, other_matter, outsider)
    pull = Puller(
        Api(token_for(attorney, firm)), _url("list_time_entries", firm), query
    )

    pull.run(pages=1)  # the script stops after its first page
    assert len(pull.imported) == 2 and pull.cursor
    pull.run()  # the next run goes on from the saved cursor
    assert pull.imported == [str(e.public_id) for e in approved]
    assert pull.cursor is None

    later = [entry(firm, matter, firm_staff) for _ in range(3)]
    pull.run()  # the next day: only what came since

    assert pull.imported == [str(e.public_id) for e in approved + later]
    pull.run()
    assert len(pull.imported) == len(approved + later)  # nothing new, no repeat


# --- c. Receive task events by webhook ------------------------------------------


class Receiver:
    """An HTTP server on 127.0.0.1 whose answer is the guide's ``receive``."""

    def __init__(self, receive):
        self.raw: list[tuple[dict, bytes, int]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                headers = dict(self.headers.items())
                status = receive(headers, body)
                outer.raw.append((headers, body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/firmdesk"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def guide_receiver(tmp_path, monkeypatch):
    """The guide's Python, executed as is (its database in a temporary
    folder), with only the secret filled in and ``handle`` recording."""
    (code,) = blocks(recipe("c"), "python")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "docs/api.md, recipe c", "exec"), namespace)  # noqa: S102
    handled: list[dict] = []
    namespace["handle"] = handled.append
    receiver = Receiver(namespace["receive"])
    receiver.namespace, receiver.handled = namespace, handled
    yield receiver
    receiver.stop()


def test_recipe_c_task_events_arrive_signed_and_a_replay_is_recognised(
    firm, firm_admin, attorney, assistant, matter, guide_receiver
):
    _, secret = webhooks.endpoint_create(
        scope=resolve_scope(firm_admin, firm),
        url=guide_receiver.url,
        description="Our task tracker",
        events=["task.submitted", "task.approved", "task.returned"],
    )
    guide_receiver.namespace["SECRET"] = secret
    task = f.task(firm, matter=matter, assignee=assistant, title="Book the room")
    one = _url("get_task", firm, task_id=task.public_id)
    staff, lawyer = Api(token_for(assistant, firm)), Api(token_for(attorney, firm))
    for api, action in [(staff, "start"), (staff, "submit"), (lawyer, "approve")]:
        response = api.post(f"{one}/{action}", {})
        assert response.status_code == 200, (action, response.content)

    deliveries = list(
        WebhookDelivery.objects.for_firm(firm).order_by("created_at", "pk")
    )
    for made in deliveries:
        assert delivery.attempt_delivery(made.pk) == "delivered"

    assert [e["event"] for e in guide_receiver.handled] == [
        "task.submitted",
        "task.approved",
    ]
    assert {e["data"]["id"] for e in guide_receiver.handled} == {str(task.public_id)}
    assert [status for _, _, status in guide_receiver.raw] == [200, 200]

    # The same delivery again (a worker that died before hearing the answer):
    # answered 200, not handled twice.
    headers, body, _ = guide_receiver.raw[1]
    receive = guide_receiver.namespace["receive"]
    assert receive(headers, body) == 200
    assert len(guide_receiver.handled) == 2
    # Someone else's body under FirmDesk's signature is refused.
    forged = body.replace(b"task.approved", b"task.returned")
    assert receive({**headers, "FirmDesk-Delivery": "forged"}, forged) == 401
    assert len(guide_receiver.handled) == 2


# --- What the guide promises of every list ---------------------------------------


def _time_filters():
    from firmdesk.api.main import api

    schema = api.get_openapi_schema(path_prefix="")
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if not get or path.count("{") != 1:
            continue
        for parameter in get.get("parameters", []):
            options = parameter["schema"].get("anyOf", [parameter["schema"]])
            if any(o.get("format") == "date-time" for o in options):
                yield path.split("/")[-1], parameter["name"]


@pytest.mark.parametrize(("resource", "name"), sorted(set(_time_filters())))
def test_every_time_filter_wants_an_offset_and_takes_any_iso_8601_one(
    firm, attorney, resource, name
):
    """docs/api.md section 5: "send times with an offset or Z". A time without
    one cannot be placed (whose 9 o'clock?); one past ±15:59, which ISO 8601
    allows and PostgreSQL refuses, is read in UTC like any other."""
    api = Api(token_for(attorney, firm))
    url = f"/api/v1/f/{firm.slug}/{resource}"

    naive = api.get(url, {name: "2026-03-02T09:00:00"})
    far = api.get(url, {name: "2026-03-02T09:00:00+18:00"})

    assert naive.status_code == 422, naive.content
    assert name in naive.json()["fields"]
    assert far.status_code == 200, far.content
