"""Routes of the sensitive fields of a contact (issue 20): changing them, and
unmasking one; every name here has an entry in
tests/isolation/registry_security_sensitive.py."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

urlpatterns: list = [
    firm_space(
        [
            path(
                "contacts/<uuid:contact_id>/sensitive/",
                views.contact_sensitive_edit,
                name="contact_sensitive_edit",
            ),
            path(
                "contacts/<uuid:contact_id>/sensitive/<slug:field>/",
                views.contact_sensitive_unmask,
                name="contact_sensitive_unmask",
            ),
        ]
    )
]
