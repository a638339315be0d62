"""Isolation entries for the webhook pages (issue 21; format: registry.py).

Webhooks are the firm admins' (``integrations.webhooks.may_manage``):
attorneys, in-house staff and provider staff get 404 like everyone without
access to the firm. The foreign cases are firm B's endpoint and delivery under
firm A's slug. POST routes that take typed fields are sent empty and come
back as the page with the form's error (400), changing nothing."""

from firmdesk.integrations.models import WebhookDelivery, WebhookEndpoint

from .registry import (
    FIRM_NON_ADMINS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
    _firm,
)

NOT_ADMINS = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM, *FIRM_NON_ADMINS)


def _endpoint(f) -> dict:
    return {**_firm(f), "endpoint_id": f.webhooks_endpoint.public_id}


def _other_endpoint(f) -> dict:
    return {**_firm(f), "endpoint_id": f.webhooks_other_endpoint.public_id}


def _disabled(f) -> dict:
    return {**_firm(f), "endpoint_id": f.webhooks_disabled_endpoint.public_id}


def _delivery(f) -> dict:
    return {**_endpoint(f), "delivery_id": f.webhooks_delivery.public_id}


def _other_delivery(f) -> dict:
    return {**_other_endpoint(f), "delivery_id": f.webhooks_other_delivery.public_id}


def _endpoint_state(f) -> tuple:
    row = WebhookEndpoint.unscoped.get(pk=f.webhooks_endpoint.pk)
    return (row.url, row.is_active, row.secret, list(row.events))


def _enabled(f) -> bool:
    return WebhookEndpoint.unscoped.get(pk=f.webhooks_disabled_endpoint.pk).is_active


def _deliveries(f) -> int:
    return WebhookDelivery.unscoped.filter(endpoint=f.webhooks_endpoint).count()


def _delivery_status(f) -> str:
    return WebhookDelivery.unscoped.get(pk=f.webhooks_delivery.pk).status


def _admin_page(name, kwargs=_endpoint, foreign=_other_endpoint, **extra):
    return Route(
        name,
        kwargs=kwargs,
        foreign_kwargs=foreign,
        allowed=("firm_admin",),
        denied=NOT_ADMINS,
        **extra,
    )


ROUTES: list = [
    Route(
        "webhooks:endpoint_list",
        kwargs=_firm,
        allowed=("firm_admin",),
        denied=NOT_ADMINS,
        why="the firm's webhook endpoints: its admins only",
    ),
    Route(
        "webhooks:endpoint_new",
        kwargs=_firm,
        allowed=("firm_admin",),
        denied=NOT_ADMINS,
        why="adding an endpoint sends the firm's events out: its admins only",
    ),
    _admin_page("webhooks:endpoint_detail", why="the endpoint and its delivery log"),
    _admin_page(
        "webhooks:endpoint_edit",
        method="POST",
        success=400,
        why="sent empty: the form again with “Fill in Address”, nothing changed",
    ),
    _admin_page(
        "webhooks:endpoint_disable",
        method="POST",
        success=303,
        state=_endpoint_state,
        why="disabling stops the firm's events going out",
    ),
    _admin_page(
        "webhooks:endpoint_enable",
        kwargs=_disabled,
        method="POST",
        success=303,
        state=_enabled,
        why="sends the firm's events out again",
    ),
    _admin_page(
        "webhooks:endpoint_test",
        method="POST",
        success=303,
        state=_deliveries,
        why="a test event is a delivery in the endpoint's log",
    ),
    _admin_page(
        "webhooks:endpoint_secret",
        why="asks for the password again, then makes a new signing secret",
    ),
    _admin_page(
        "webhooks:delivery_detail",
        kwargs=_delivery,
        foreign=_other_delivery,
        why="a delivery's body and the receiver's answers",
    ),
    _admin_page(
        "webhooks:delivery_redeliver",
        kwargs=_delivery,
        foreign=_other_delivery,
        method="POST",
        success=303,
        state=_delivery_status,
        why="sends the failed delivery again",
    ),
]
