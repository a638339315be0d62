"""The webhook pages of a firm's admins: their endpoints, each endpoint's
delivery log, and the actions on them. The rules and the audit are in
``integrations.webhooks``; these views read through its selectors and answer
404 to anyone else."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.common.errors import ServiceError
from firmdesk.integrations import webhooks
from firmdesk.integrations.models import WebhookAttempt
from firmdesk.notify.hooks import EVENTS
from firmdesk.web.accounts.reauth import sensitive
from firmdesk.web.auditing import audit_opened
from firmdesk.web.pages import apply_service_error, forbidden_if, see_other

from .webhooks_forms import EndpointForm

TEMPLATES = "web/integrations/webhooks/"
LOG_LENGTH = 100


def _admin_scope(request):
    scope = request.scope
    forbidden_if(not webhooks.may_manage(scope))
    return scope


def _list_url(scope) -> str:
    return reverse("webhooks:endpoint_list", kwargs={"firm_slug": scope.firm.slug})


def endpoint_list(request, firm_slug):
    scope = _admin_scope(request)
    return render(
        request,
        TEMPLATES + "endpoint_list.html",
        {"endpoints": list(webhooks.endpoints_for(scope)), "events": EVENTS},
    )


def _secret_page(request, endpoint, secret, *, new: bool):
    return render(
        request,
        TEMPLATES + "secret.html",
        {"endpoint": endpoint, "secret": secret, "new": new},
    )


@require_http_methods(["GET", "POST"])
def endpoint_new(request, firm_slug):
    scope = _admin_scope(request)
    form = EndpointForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = webhooks.endpoint_create(
                scope=scope, **form.cleaned_data
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            # Shown on this answer only: FirmDesk keeps it encrypted and never
            # shows it again.
            return _secret_page(request, endpoint, secret, new=True)
    return render(
        request,
        TEMPLATES + "endpoint_form.html",
        {"form": form, "endpoint": None},
        status=400 if form.errors else 200,
    )


def endpoint_detail(request, firm_slug, endpoint_id):
    scope = _admin_scope(request)
    endpoint = webhooks.access_endpoint(scope, endpoint_id)
    log = list(webhooks.deliveries_of(scope, endpoint)[:LOG_LENGTH])
    return render(
        request,
        TEMPLATES + "endpoint_detail.html",
        {
            "endpoint": endpoint,
            "log": log,
            "log_length": LOG_LENGTH,
            "events": [(name, EVENTS.get(name, "")) for name in endpoint.events],
        },
    )


@require_http_methods(["GET", "POST"])
def endpoint_edit(request, firm_slug, endpoint_id):
    scope = _admin_scope(request)
    endpoint = webhooks.access_endpoint(scope, endpoint_id)
    form = EndpointForm(
        request.POST if request.method == "POST" else None,
        initial={
            "url": endpoint.url,
            "description": endpoint.description,
            "events": endpoint.events,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            webhooks.endpoint_update(
                scope=scope, endpoint=endpoint, **form.cleaned_data
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "Saved. The next events go out as set here.")
            return see_other(webhooks.endpoint_url(endpoint))
    return render(
        request,
        TEMPLATES + "endpoint_form.html",
        {"form": form, "endpoint": endpoint},
        status=400 if form.errors else 200,
    )


def _act(request, endpoint, action, done: str):
    try:
        action()
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return see_other(webhooks.endpoint_url(endpoint))


@require_POST
def endpoint_disable(request, firm_slug, endpoint_id):
    scope = _admin_scope(request)
    endpoint = webhooks.access_endpoint(scope, endpoint_id)
    return _act(
        request,
        endpoint,
        lambda: webhooks.endpoint_disable(scope=scope, endpoint=endpoint),
        "Disabled: no more events are sent there, and what was waiting is cancelled.",
    )


@require_POST
def endpoint_enable(request, firm_slug, endpoint_id):
    scope = _admin_scope(request)
    endpoint = webhooks.access_endpoint(scope, endpoint_id)
    return _act(
        request,
        endpoint,
        lambda: webhooks.endpoint_enable(scope=scope, endpoint=endpoint),
        "Enabled: events are sent again from now on. Resend what it missed "
        "from the log below.",
    )


@require_POST
def endpoint_test(request, firm_slug, endpoint_id):
    scope = _admin_scope(request)
    endpoint = webhooks.access_endpoint(scope, endpoint_id)
    return _act(
        request,
        endpoint,
        lambda: webhooks.endpoint_send_test(scope=scope, endpoint=endpoint),
        "Test event queued: it shows in the log below within a few seconds.",
    )


@sensitive
@require_http_methods(["GET", "POST"])
def endpoint_secret(request, firm_slug, endpoint_id):
    """A new signing secret, after the password again: whoever holds it can
    make events the firm's systems would believe came from FirmDesk."""
    scope = _admin_scope(request)
    endpoint = webhooks.access_endpoint(scope, endpoint_id)
    if request.method == "POST":
        secret = webhooks.endpoint_roll_secret(scope=scope, endpoint=endpoint)
        return _secret_page(request, endpoint, secret, new=False)
    return render(
        request,
        "web/confirm.html",
        {
            "title": "Make a new signing secret",
            "body": f"Events to {endpoint.url} are signed with the new secret from "
            "the next attempt on, and the old one stops working at once: put the "
            "new one in your receiver straight away.",
            "button": "Make a new secret",
            "cancel": webhooks.endpoint_url(endpoint),
        },
    )


def delivery_detail(request, firm_slug, endpoint_id, delivery_id):
    scope = _admin_scope(request)
    endpoint = webhooks.access_endpoint(scope, endpoint_id)
    delivery = webhooks.access_delivery(scope, endpoint, delivery_id)
    # The page shows the payload, which describes client data (a task's
    # title, a payment's amount): opening it is a read like a task page's.
    audit_opened(
        request,
        delivery,
        action="webhook.delivery_viewed",
        matter=delivery.matter,
        summary=f"Opened the {delivery.event} delivery to {endpoint.url}",
    )
    return render(
        request,
        TEMPLATES + "delivery_detail.html",
        {
            "endpoint": endpoint,
            "delivery": delivery,
            "body": webhooks.body_of(delivery).decode(),
            "attempts": WebhookAttempt.objects.filter(delivery=delivery),
            "may_resend": endpoint.is_active
            and delivery.status in ("failed", "cancelled"),
        },
    )


@require_POST
def delivery_redeliver(request, firm_slug, endpoint_id, delivery_id):
    scope = _admin_scope(request)
    endpoint = webhooks.access_endpoint(scope, endpoint_id)
    delivery = webhooks.access_delivery(scope, endpoint, delivery_id)
    try:
        webhooks.delivery_redeliver(scope=scope, endpoint=endpoint, delivery=delivery)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Queued to be sent again, with the same delivery id.")
    return see_other(
        reverse(
            "webhooks:delivery_detail",
            kwargs={
                "firm_slug": scope.firm.slug,
                "endpoint_id": endpoint.public_id,
                "delivery_id": delivery.public_id,
            },
        )
    )
