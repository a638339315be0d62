"""Sending a webhook delivery, its retries with backoff, and disabling an
endpoint that keeps failing (issue 21). Part "webhooks" builds this."""


def attempt_delivery(delivery_pk: int) -> None:
    raise NotImplementedError("part webhooks")
