"""Routes of this part (issue 20); every name here needs an entry in its
isolation registry file (tests/isolation/registry_security_*.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space, provider_space

from . import views

urlpatterns: list = [
    firm_space(
        [
            path(
                "engagements/<uuid:engagement_id>/agreement-text/",
                views.agreement_text,
                name="agreement_text",
            ),
            path(
                "engagements/<uuid:engagement_id>/agreement-text/edit/",
                views.agreement_text_edit,
                name="agreement_text_edit",
            ),
            path(
                "engagements/<uuid:engagement_id>/agreement-text/v<int:version>/",
                views.agreement_text_version,
                name="agreement_text_version",
            ),
            path(
                "engagements/<uuid:engagement_id>/signatures/",
                views.agreement_signatures,
                name="agreement_signatures",
            ),
            path(
                "engagements/<uuid:engagement_id>/signatures.csv",
                views.agreement_signatures_csv,
                name="agreement_signatures_csv",
            ),
        ]
    ),
    provider_space(
        [
            path(
                "staff/agreements/",
                views.provider_agreement_signatures,
                name="provider_agreement_signatures",
            ),
        ]
    ),
]
