"""Routes of insights: audit. Every name here needs an entry in the isolation
registry (tests/isolation/registry_insights_audit.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

urlpatterns = [
    firm_space(
        [
            path("insights/audits/", views.audit_list, name="audit_list"),
            path(
                "insights/audits/<uuid:audit_id>/",
                views.audit_detail,
                name="audit_detail",
            ),
            path(
                "insights/audits/<uuid:audit_id>/record/",
                views.audit_record,
                name="audit_record",
            ),
            path(
                "insights/audits/<uuid:audit_id>/import/",
                views.audit_import,
                name="audit_import",
            ),
            path(
                "insights/audits/<uuid:audit_id>/close/",
                views.audit_close,
                name="audit_close",
            ),
            path(
                "insights/audits/<uuid:audit_id>/reopen/",
                views.audit_reopen,
                name="audit_reopen",
            ),
        ]
    )
]
