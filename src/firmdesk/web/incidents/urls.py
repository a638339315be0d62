"""Routes of the incident (breach) workflow; every name here needs an entry in
tests/isolation/registry_security_incidents.py."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

app_name = "incidents"

_ONE = "incidents/<uuid:incident_id>/"
_NOTICE = _ONE + "notices/<uuid:notice_id>/"

urlpatterns = [
    firm_space(
        [
            path("incidents/", views.incident_list, name="incident_list"),
            path("incidents/new/", views.incident_new, name="incident_new"),
            path(_ONE, views.incident_detail, name="incident_detail"),
            path(_ONE + "findings/", views.incident_findings, name="incident_findings"),
            path(_ONE + "matters/", views.incident_matter_add, name="matter_add"),
            path(
                _ONE + "notices/generate/",
                views.notices_generate,
                name="notices_generate",
            ),
            path(_ONE + "notices/", views.notice_add, name="notice_add"),
            path(_NOTICE + "task/", views.notice_task, name="notice_task"),
            path(_NOTICE + "sent/", views.notice_sent, name="notice_sent"),
            path(
                _NOTICE + "not-needed/",
                views.notice_not_needed,
                name="notice_not_needed",
            ),
            path(_ONE + "close/", views.incident_close, name="incident_close"),
            path(_ONE + "report.pdf", views.incident_report, name="incident_report"),
            path("report-a-problem/", views.report_new, name="report_new"),
            path(
                "report-a-problem/<uuid:incident_id>/",
                views.report_detail,
                name="report_detail",
            ),
        ]
    ),
]
