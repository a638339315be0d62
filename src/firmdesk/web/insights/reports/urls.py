"""Routes of insights: the review reports and the firm's report cadence. Every
name here needs an entry in the isolation registry
(tests/isolation/registry_insights_reports.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

urlpatterns = [
    firm_space(
        [
            path("insights/reports/", views.report_list, name="report_list"),
            path("insights/reports/produce/", views.report_build, name="report_build"),
            path(
                "insights/reports/<uuid:report_id>/",
                views.report_detail,
                name="report_detail",
            ),
            path(
                "insights/reports/<uuid:report_id>/pdf/",
                views.report_pdf,
                name="report_pdf",
            ),
            path("insights/settings/", views.settings_page, name="settings"),
        ]
    )
]
