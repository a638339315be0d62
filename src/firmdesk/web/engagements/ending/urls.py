"""Routes of this part (issue 20); every name here needs an entry in its
isolation registry file (tests/isolation/registry_security_*.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space, provider_space

from . import views

urlpatterns: list = [
    firm_space(
        [
            path(
                "engagements/<uuid:engagement_id>/end/",
                views.engagement_end,
                name="engagement_end",
            ),
            path(
                "engagements/<uuid:engagement_id>/exports/new/",
                views.export_new,
                name="engagement_export_new",
            ),
            path(
                "engagements/<uuid:engagement_id>/exports/<uuid:export_id>/",
                views.export_download,
                name="engagement_export_download",
            ),
            path(
                "engagements/<uuid:engagement_id>/return-certificate/",
                views.certificate_download,
                name="engagement_return_certificate",
            ),
        ]
    ),
    provider_space(
        [
            path("returns/", views.provider_returns, name="provider_returns"),
            path(
                "returns/<uuid:certificate_id>/",
                views.provider_return_certify,
                name="provider_return_certify",
            ),
            path(
                "returns/<uuid:certificate_id>/certificate/",
                views.provider_return_pdf,
                name="provider_return_pdf",
            ),
        ]
    ),
]
