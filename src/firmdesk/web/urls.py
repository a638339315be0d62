"""The pages, area by area: each area's ``urls.py`` holds its routes, those
that act for one firm under ``/f/<firm_slug>/`` (``pages.firm_space``)."""

from django.urls import include, path

urlpatterns = [
    path("", include("firmdesk.web.accounts.urls")),
    path("", include("firmdesk.web.today.urls")),
    path("", include("firmdesk.web.matters.urls")),
    path("", include("firmdesk.web.engagements.urls")),
    path("", include("firmdesk.web.audit.urls")),
    path("", include("firmdesk.web.work.urls")),
    path("", include("firmdesk.web.playbooks.urls")),
    path("", include("firmdesk.web.notifications.urls")),
    path("", include("firmdesk.web.scheduling.urls")),
    path("", include("firmdesk.web.intake.urls")),
    path("", include("firmdesk.web.public_intake.urls")),
    path("", include("firmdesk.web.reception.urls")),
    path("", include("firmdesk.web.search.urls")),
    path("", include("firmdesk.web.profile.urls")),
    path("", include("firmdesk.web.billing.urls")),
    path("", include("firmdesk.web.insights.urls")),
    path("", include("firmdesk.web.documents.urls")),
    path("", include("firmdesk.web.documents.public_shares.urls")),
    path("", include("firmdesk.web.incidents.urls")),
    path("", include("firmdesk.web.integrations.urls")),
    path("", include("firmdesk.web.bench.urls")),
]
