"""Pages of part "webhooks" (issue 21): every name here needs an entry in
tests/isolation/registry_integrations_webhooks.py."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import webhooks_views as views

app_name = "webhooks"

_ONE = "webhooks/<uuid:endpoint_id>/"
_DELIVERY = _ONE + "deliveries/<uuid:delivery_id>/"

urlpatterns = [
    firm_space(
        [
            path("webhooks/", views.endpoint_list, name="endpoint_list"),
            path("webhooks/new/", views.endpoint_new, name="endpoint_new"),
            path(_ONE, views.endpoint_detail, name="endpoint_detail"),
            path(_ONE + "edit/", views.endpoint_edit, name="endpoint_edit"),
            path(_ONE + "disable/", views.endpoint_disable, name="endpoint_disable"),
            path(_ONE + "enable/", views.endpoint_enable, name="endpoint_enable"),
            path(_ONE + "test/", views.endpoint_test, name="endpoint_test"),
            path(_ONE + "secret/", views.endpoint_secret, name="endpoint_secret"),
            path(_DELIVERY, views.delivery_detail, name="delivery_detail"),
            path(
                _DELIVERY + "redeliver/",
                views.delivery_redeliver,
                name="delivery_redeliver",
            ),
        ]
    ),
]
