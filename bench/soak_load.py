"""The soak's clients: people doing their day's work over HTTP, as a browser
and an integration do, each write's acknowledgement written down.

Three kinds of client, each a thread with its own think time:

* an attorney (signed in, with API tokens) opens Today, the review queue, a
  matter, the calendar and the lead queue; delegates tasks to outside
  assistants; approves or returns what comes back; records time and events;
  types in leads;
* an assistant opens their queue and the task pages; starts and hands in the
  tasks given to them (with the time spent); logs calls;
* a visitor fills a firm's public intake form.

Writes through the API carry an ``Idempotency-Key`` and are retried with the
same key when the connection fails or the answer is 5xx (what a careful
integration does); a public form is sent again as its page offers. A write is
acknowledged when a 2xx (or the form's redirect) came back: ``Ack`` keeps what
the verdict must find afterwards.
"""

import http.client
import json
import queue
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

from soak_setup import FirmPlan, Person, Plan

TIMEOUT = 120
# Between two actions of one client, in seconds.
THINK_SECONDS = (1.0, 5.0)
# How long a write keeps trying through an outage before the client gives up.
RETRY_FOR_SECONDS = 90


@dataclass
class Sample:
    label: str
    started: float
    ended: float
    status: int | None  # None: no answer (connection refused, reset, timeout)
    error: str = ""


@dataclass
class Ack:
    """An acknowledged write: ``kind`` and the id or unique text to find."""

    kind: str
    firm: str
    key: str
    expect: str = ""


class Recorder:
    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.acks: list[Ack] = []
        self.gave_up: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def sample(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def ack(self, ack: Ack) -> None:
        with self.lock:
            self.acks.append(ack)


class Http:
    def __init__(self, port: int, recorder: Recorder) -> None:
        self.port = port
        self.recorder = recorder

    def request(
        self,
        label: str,
        method: str,
        path: str,
        *,
        headers: dict | None = None,
        body: bytes | None = None,
    ) -> tuple[int | None, dict, bytes]:
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            answer = (response.status, dict(response.getheaders()), data)
            self.recorder.sample(
                Sample(label, started, time.monotonic(), response.status)
            )
            return answer
        except (OSError, http.client.HTTPException) as exc:
            self.recorder.sample(
                Sample(label, started, time.monotonic(), None, type(exc).__name__)
            )
            return None, {}, b""
        finally:
            conn.close()


class Mailboxes:
    """Who has work waiting: what FirmDesk's notifications tell people, kept
    in memory so each client knows which task ids are its to act on."""

    def __init__(self) -> None:
        self._boxes: dict[str, queue.SimpleQueue] = {}
        self._lock = threading.Lock()

    def box(self, public_id: str) -> queue.SimpleQueue:
        with self._lock:
            return self._boxes.setdefault(public_id, queue.SimpleQueue())

    def put(self, public_id: str, item) -> None:
        self.box(public_id).put(item)

    def take(self, public_id: str):
        try:
            return self.box(public_id).get_nowait()
        except queue.Empty:
            return None


class Client(threading.Thread):
    def __init__(self, number: int, http: Http, stop: threading.Event, seed: int):
        super().__init__(name=f"soak client {number}", daemon=True)
        self.number = number
        self.http = http
        self.stop_event = stop
        self.rng = random.Random(seed * 1000 + number)
        self.recorder = http.recorder

    def run(self) -> None:
        # Spread the start so fifty clients do not arrive in the same second.
        self.stop_event.wait(self.rng.uniform(0, 3))
        while not self.stop_event.is_set():
            self.step()
            # A person reads what came back before the next click.
            self.stop_event.wait(self.rng.uniform(*THINK_SECONDS))

    def step(self) -> None:
        raise NotImplementedError

    def unique(self, what: str) -> str:
        return f"soak {what} {uuid.uuid4().hex[:12]}"

    def page(self, label: str, path: str, person: Person) -> None:
        self.http.request(label, "GET", path, headers={"Cookie": person.cookie})

    def api(
        self,
        label: str,
        method: str,
        path: str,
        token: str,
        payload: dict | None = None,
    ) -> tuple[int | None, dict]:
        """One API call; a POST is retried with its key through an outage."""
        headers = {"Authorization": f"Bearer {token}"}
        body = None
        if payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        if method == "POST":
            headers["Idempotency-Key"] = str(uuid.uuid4())
        deadline = time.monotonic() + RETRY_FOR_SECONDS
        while True:
            status, _, data = self.http.request(
                label, method, path, headers=headers, body=body
            )
            retry = status is None or status >= 500
            if not retry or method != "POST" or time.monotonic() > deadline:
                break
            time.sleep(1)
        try:
            answer = json.loads(data) if data else {}
        except ValueError:
            answer = {}
        if method == "POST" and (status is None or status >= 500):
            with self.recorder.lock:
                self.recorder.gave_up.append((label, path))
        elif method == "POST" and status >= 400:
            why = str(answer.get("detail") or answer.get("message") or "")[:80]
            self.recorder.ack(Ack("refused", "", path, f"{label} {status} {why}"))
        return status, answer


class Attorney(Client):
    def __init__(self, *args, firm: FirmPlan, person: Person, mail: Mailboxes):
        super().__init__(*args)
        self.firm = firm
        self.person = person
        self.mail = mail
        self.base = f"/api/v1/f/{firm.slug}"
        self.token = person.tokens[firm.slug]

    def step(self) -> None:
        review = self.mail.take(self.person.public_id)
        if review is not None:
            self.review(*review)
            return
        roll = self.rng.random()
        slug = self.firm.slug
        if roll < 0.10:
            self.page("page today", f"/f/{slug}/", self.person)
        elif roll < 0.18:
            self.page("page review queue", f"/f/{slug}/review/", self.person)
        elif roll < 0.30:
            matter = self.rng.choice(self.firm.matters)
            self.page("page matter", f"/f/{slug}/matters/{matter}/", self.person)
        elif roll < 0.36:
            self.page("page calendar", f"/f/{slug}/calendar/", self.person)
        elif roll < 0.42:
            self.page("page leads", f"/f/{slug}/leads/", self.person)
        elif roll < 0.48:
            self.api("api tasks list", "GET", f"{self.base}/tasks?limit=50", self.token)
        elif roll < 0.70:
            self.delegate()
        elif roll < 0.80:
            self.time_entry()
        elif roll < 0.87:
            self.event()
        elif roll < 0.94:
            self.lead()
        else:
            self.call()

    def delegate(self) -> None:
        assignee, function, team = self.rng.choice(self.firm.delegates)
        title = self.unique("task")
        status, answer = self.api(
            "api delegate task",
            "POST",
            f"{self.base}/tasks",
            self.token,
            {
                "title": title,
                "function": function,
                "team": team,
                "assignee": assignee,
                "no_playbook": True,
                "instructions": "Soak test: start it, then hand it in.",
                "matter": self.rng.choice(self.firm.matters),
            },
        )
        if status == 201:
            self.recorder.ack(Ack("task", self.firm.slug, answer["id"], title))
            self.mail.put(
                assignee, (self.firm.slug, answer["id"], self.person.public_id)
            )

    def review(self, task_id: str, assignee: str) -> None:
        self.page("page task", f"/f/{self.firm.slug}/tasks/{task_id}/", self.person)
        approve = self.rng.random() < 0.85
        if approve:
            path, payload = "approve", {"comment": self.unique("approval")}
        else:
            path = "return"
            payload = {"reason": "missed_instruction", "comment": self.unique("return")}
        status, _ = self.api(
            f"api {path} task",
            "POST",
            f"{self.base}/tasks/{task_id}/{path}",
            self.token,
            payload,
        )
        if status == 200:
            self.recorder.ack(
                Ack("review", self.firm.slug, task_id, payload["comment"])
            )
            if not approve:
                self.mail.put(
                    assignee, (self.firm.slug, task_id, self.person.public_id)
                )

    def create(self, kind: str, route: str, payload: dict, text: str = "") -> None:
        """POST a new row: acknowledged by the id a 201 gives back."""
        status, answer = self.api(
            f"api {kind}", "POST", f"{self.base}/{route}", self.token, payload
        )
        if status == 201:
            self.recorder.ack(Ack(kind, self.firm.slug, answer["id"], text))

    def time_entry(self) -> None:
        self.create(
            "time entry",
            "time-entries",
            {
                "matter": self.rng.choice(self.firm.matters),
                "date": datetime.now(UTC).date().isoformat(),
                "hours": "0.3",
                "narrative": self.unique("time"),
            },
        )

    def event(self) -> None:
        title = self.unique("event")
        start = datetime.now(UTC) + timedelta(minutes=self.rng.randint(2, 60))
        self.create(
            "event",
            "events",
            {
                "kind": "appointment",
                "title": title,
                "start": start.isoformat(),
                "matter": self.rng.choice(self.firm.matters),
                "reminder_minutes": [1],
                "allow_double_booking": True,
            },
            title,
        )

    def lead(self) -> None:
        name = self.unique("lead").title()
        self.create(
            "lead",
            "leads",
            {
                "name": name,
                "email": "caller@example.com",
                "description": "Called about a contract dispute.",
                "source": "phone",
            },
            name,
        )

    def call(self) -> None:
        message = self.unique("call")
        self.create(
            "call",
            "calls",
            {
                "caller_name": "Pat Caller",
                "number": "(212) 555-0199",
                "recipient": self.person.public_id,
                "message": message,
            },
            message,
        )


class Assistant(Client):
    def __init__(self, *args, person: Person, plan: Plan, mail: Mailboxes):
        super().__init__(*args)
        self.person = person
        self.plan = plan
        self.mail = mail
        self.started: list[tuple[str, str, str]] = []

    def step(self) -> None:
        if self.started and self.rng.random() < 0.5:
            self.submit(*self.started.pop(0))
            return
        given = self.mail.take(self.person.public_id)
        if given is not None and self.rng.random() < 0.8:
            self.start_task(*given)
            return
        if given is not None:
            self.mail.put(self.person.public_id, given)
        roll = self.rng.random()
        slug = self.rng.choice(list(self.person.tokens))
        if roll < 0.35:
            self.page("page my queue", "/queue/", self.person)
        elif roll < 0.55:
            self.page("page today", "/today/", self.person)
        elif roll < 0.70:
            self.page("page firm today", f"/f/{slug}/", self.person)
        elif roll < 0.85:
            self.page("page team queue", "/queue/team/", self.person)
        else:
            self.api(
                "api tasks list",
                "GET",
                f"/api/v1/f/{slug}/tasks?limit=50",
                self.person.tokens[slug],
            )

    def start_task(self, slug: str, task_id: str, requester: str) -> None:
        self.page("page task", f"/f/{slug}/tasks/{task_id}/", self.person)
        status, answer = self.api(
            "api start task",
            "POST",
            f"/api/v1/f/{slug}/tasks/{task_id}/start",
            self.person.tokens[slug],
        )
        if status == 200:
            self.recorder.ack(Ack("start", slug, task_id))
            self.started.append((slug, task_id, requester))

    def submit(self, slug: str, task_id: str, requester: str) -> None:
        note = self.unique("handed in")
        status, _ = self.api(
            "api submit task",
            "POST",
            f"/api/v1/f/{slug}/tasks/{task_id}/submit",
            self.person.tokens[slug],
            {"note": note, "minutes": 15, "narrative": note},
        )
        if status == 200:
            self.recorder.ack(Ack("submit", slug, task_id, note))
            self.mail.put(requester, (task_id, self.person.public_id))


class _FormFields(HTMLParser):
    """The fields of the page's intake form, with what the soak types in."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("hidden",):
                self.values[name] = a.get("value", "")
            elif kind in ("radio", "checkbox"):
                self.values.setdefault(name, a.get("value", "on"))
            elif kind == "date":
                self.values[name] = "2026-01-15"
            elif kind == "email":
                self.values[name] = "visitor@example.com"
            elif kind == "tel":
                self.values[name] = "(212) 555-0142"
            elif kind == "file":
                pass
            elif name != "website":  # the honeypot stays empty
                self.values[name] = "Soak visitor answer"
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and a.get("value"):
            self.values.setdefault(self._select, a["value"])
        elif tag == "textarea" and name:
            self.values[name] = "I need advice about my case."

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Visitor(Client):
    def __init__(self, *args, plan: Plan):
        super().__init__(*args)
        self.plan = plan

    def step(self) -> None:
        firm = self.rng.choice(list(self.plan.firms.values()))
        form = self.rng.choice(firm.intake_forms)
        path = f"/intake/{firm.slug}/{form}/"
        status, headers, page = self.http.request("page intake form", "GET", path)
        if status != 200:
            return
        cookie = headers.get("Set-Cookie", "").split(";", 1)[0]
        parser = _FormFields()
        parser.feed(page.decode("utf-8", errors="replace"))
        name = self.unique("visitor").title()
        fields = {**parser.values, "name": name}
        fields["description"] = f"Intake from {name}"
        fields["phone"] = "(212) 555-0142"
        fields["email"] = "visitor@example.com"
        body = urlencode(fields).encode()
        deadline = time.monotonic() + RETRY_FOR_SECONDS
        while True:
            status, answer_headers, _ = self.http.request(
                "post intake form",
                "POST",
                path,
                headers={
                    "Cookie": cookie,
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": f"http://127.0.0.1:{self.http.port}{path}",
                },
                body=body,
            )
            # The form's own page again (with the same token) after a
            # hiccup: the visitor presses send once more.
            if status is not None and status < 500:
                break
            if time.monotonic() > deadline:
                with self.recorder.lock:
                    self.recorder.gave_up.append(("post intake form", path))
                return
            time.sleep(1)
        if status in (302, 303) and "/thanks/" in answer_headers.get("Location", ""):
            self.recorder.ack(Ack("intake lead", firm.slug, name, name))
        else:
            self.recorder.ack(Ack("refused", firm.slug, name, f"intake {status}"))


def make_clients(
    *, plan: Plan, count: int, http: Http, stop: threading.Event, seed: int
) -> list[Client]:
    """``count`` clients: about 3 in 10 attorneys, 5 in 10 assistants, 2 in
    10 visitors of the public forms."""
    mail = Mailboxes()
    rng = random.Random(seed)
    firms = list(plan.firms.values())
    attorneys = [(f, p) for f in firms for p in f.attorneys]
    rng.shuffle(attorneys)
    assistants = list(plan.assistants)
    rng.shuffle(assistants)
    # Work goes only to assistants a client plays, so every task can move on.
    playing = {
        assistants[n % len(assistants)].public_id
        for n in range(count)
        if n % 10 in (1, 2, 4, 5, 7)
    }
    for firm in firms:
        firm.delegates = [d for d in firm.delegates if d[0] in playing] or (
            firm.delegates
        )
    clients: list[Client] = []
    for n in range(count):
        kind = n % 10
        args = (n, http, stop, seed)
        if kind in (0, 3, 6):
            firm, person = attorneys[n % len(attorneys)]
            clients.append(Attorney(*args, firm=firm, person=person, mail=mail))
        elif kind in (1, 2, 4, 5, 7):
            person = assistants[n % len(assistants)]
            clients.append(Assistant(*args, person=person, plan=plan, mail=mail))
        else:
            clients.append(Visitor(*args, plan=plan))
    return clients
