"""Routes of the audit log; every name here needs an entry in the isolation
registry (tests/isolation/registry.py, registry_security_audit.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

app_name = "audit"

urlpatterns = [
    firm_space(
        [
            path("audit/", views.audit_log, name="audit_log"),
            path("audit/export.csv", views.audit_export, name="audit_export"),
        ]
    ),
]
