"""Helpers that make a job safe to run more than once.

The worker runs every job at least once: a job whose worker dies is run again from
the start, and so is a job that raised. What a job does must therefore be keyed:

* effects FirmDesk records itself (rows in this database) go inside
  ``run_once(key)``, which records the key in the same transaction, so they happen
  exactly once however often the job runs;
* deliveries to the outside world (e-mail, webhooks) go through
  ``deliver_at_least_once(key, send=...)``: they are never lost, may be repeated if
  a worker dies between sending and recording, and always carry the same delivery
  id, so the receiver can drop the repeat.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import IntegrityError, transaction

from .models import EFFECT_KEY_MAX_LENGTH, JobEffect

_current_job: ContextVar[uuid.UUID | None] = ContextVar(
    "firmdesk_current_job", default=None
)

# Fixed forever: delivery ids derived from it must not change between releases.
_DELIVERY_NAMESPACE = uuid.UUID("7d3f4a52-6a8e-4f43-9a47-2c7f0f8e5b1d")


@contextmanager
def job_context(job_id: uuid.UUID) -> Iterator[None]:
    """Mark the code inside as running for job ``job_id`` (set by the worker).

    Effects recorded inside name the job, which tells an operator which run of a
    job did the work.
    """
    token = _current_job.set(job_id)
    try:
        yield
    finally:
        _current_job.reset(token)


@contextmanager
def run_once(key: str) -> Iterator[bool]:
    """Run a block of database writes at most once per ``key``, ever.

    Yields True the first time, with the key recorded in the transaction that wraps
    the block: put the writes under ``if first_time:`` and they commit together with
    the key, or not at all if the block raises. Yields False when the key was
    already recorded, by an earlier run of this job or by a concurrent one.

        with run_once(f"reminder:{event.pk}:{due_at:%Y%m%dT%H%M}") as first_time:
            if first_time:
                Reminder.objects.create(event=event, due_at=due_at)

    Keep outside calls (e-mail, HTTP) out of the block: they cannot be rolled back,
    and on SQLite the open transaction blocks every other writer while they wait.
    """
    with transaction.atomic():
        yield _record(key)


def deliver_at_least_once(key: str, *, send: Callable[[str], object]) -> bool:
    """Deliver something to the outside world unless ``key`` is already recorded.

    Calls ``send(delivery_id)`` and then records ``key``; returns False without
    sending when the key was recorded before. A worker that dies after sending and
    before recording makes the next run send again, with the same delivery id: pass
    it to the receiver (a Message-ID header, an Idempotency-Key) so it can drop the
    repeat. If ``send`` raises, nothing is recorded and the job's retry sends again.
    """
    _check_key(key)
    if JobEffect.objects.filter(key=key).exists():
        return False
    send(delivery_id(key))
    _record(key)
    return True


def delivery_id(key: str) -> str:
    """The delivery id for ``key``: the same on every run, unique to the key."""
    return str(uuid.uuid5(_DELIVERY_NAMESPACE, key))


def _record(key: str) -> bool:
    _check_key(key)
    try:
        # The savepoint lets the caller's transaction go on after a duplicate.
        with transaction.atomic():
            JobEffect.objects.create(key=key, job_id=_current_job.get())
    except IntegrityError:
        return False
    return True


def _check_key(key: str) -> None:
    # SQLite does not enforce max_length: refuse here so both databases agree.
    if not key or len(key) > EFFECT_KEY_MAX_LENGTH:
        raise ValueError(
            f"An effect key must have 1 to {EFFECT_KEY_MAX_LENGTH} characters: {key!r}"
        )
