import logging
import time

from django_tasks import task

from .services import run_once

logger = logging.getLogger(__name__)


@task()
def record_effect(key: str, sleep_seconds: float = 0, hold_seconds: float = 0) -> bool:
    """Demonstration job: wait, record the effect ``key`` exactly once, wait again.

    The waits give a test time to kill the worker before the effect commits and
    after it committed but before the job is marked done. Returns whether this run
    was the one that recorded the effect.
    """
    time.sleep(sleep_seconds)
    with run_once(key) as first_time:
        if first_time:
            logger.info("Recorded effect %s", key)
    time.sleep(hold_seconds)
    return first_time
