"""Routes of the engagement, people and staff roster pages; every name here
needs an entry in the isolation registry (tests/isolation/registry*.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space, provider_space

from . import agreements, views
from .ending.urls import urlpatterns as ending
from .texts.urls import urlpatterns as texts

app_name = "engagements"

firm_patterns: list = [  # under /f/<firm_slug>/
    path("engagements/", views.engagement_list, name="engagement_list"),
    path("engagements/new/", views.engagement_new, name="engagement_new"),
    path(
        "engagements/<uuid:engagement_id>/",
        views.engagement_detail,
        name="engagement_detail",
    ),
    path(
        "engagements/<uuid:engagement_id>/edit/",
        views.engagement_edit,
        name="engagement_edit",
    ),
    path(
        "engagements/<uuid:engagement_id>/assign/",
        views.engagement_assign,
        name="engagement_assign",
    ),
    path(
        "engagements/<uuid:engagement_id>/assignments/<uuid:assignment_id>/end/",
        views.assignment_end,
        name="assignment_end",
    ),
    path(
        "engagements/<uuid:engagement_id>/nda/",
        agreements.engagement_nda,
        name="engagement_nda",
    ),
    path(
        "engagements/<uuid:engagement_id>/master-agreement/",
        agreements.engagement_master,
        name="engagement_master",
    ),
    path(
        "agreements/<uuid:agreement_id>/",
        agreements.signed_agreement,
        name="signed_agreement",
    ),
    path(
        "engagements/<uuid:engagement_id>/grants/",
        views.engagement_grant,
        name="engagement_grant",
    ),
    path(
        "engagements/<uuid:engagement_id>/grants/<uuid:grant_id>/revoke/",
        views.grant_revoke,
        name="grant_revoke",
    ),
    path(
        "engagements/<uuid:engagement_id>/weekly/",
        views.engagement_weekly,
        name="engagement_weekly",
    ),
    path("people/", views.people, name="people"),
    path(
        "people/<uuid:user_id>/absences/", views.person_absences, name="person_absences"
    ),
]
provider_patterns: list = [  # under /p/<provider_slug>/
    path("staff/", views.provider_staff, name="provider_staff"),
    path(
        "staff/<uuid:user_id>/absences/",
        views.provider_staff_absences,
        name="provider_staff_absences",
    ),
    path(
        "staff/<uuid:user_id>/left/",
        views.provider_staff_left,
        name="provider_staff_left",
    ),
    path(
        "staff/<uuid:user_id>/agreements/<uuid:agreement_id>/",
        agreements.provider_staff_agreement_download,
        name="provider_staff_agreement",
    ),
]

# A person's own agreements, in every firm they are assigned to: before they
# sign they have no Scope, so these live outside /f/<firm_slug>/.
own_patterns: list = [
    path("agreements/", agreements.my_agreements, name="my_agreements"),
    path(
        "agreements/<uuid:assignment_id>/sign/",
        agreements.agreement_sign,
        name="agreement_sign",
    ),
    path(
        "agreements/signed/<uuid:agreement_id>/",
        agreements.my_agreement_text,
        name="my_agreement_text",
    ),
]

urlpatterns = [
    # Ending an engagement, its export and the return-of-data certificate;
    # the versions of the confidentiality text (issue 20). Each part's routes
    # are whole paths, firm_space/provider_space inside.
    *ending,
    *texts,
    firm_space(firm_patterns),
    provider_space(provider_patterns),
    *own_patterns,
]
