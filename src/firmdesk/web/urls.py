from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from . import (
    urls_intake,
    urls_playbooks,
    urls_public_intake,
    urls_reception,
    urls_scheduling,
    urls_work,
    views,
    views_matters,
)

firm_patterns = [
    path("", views.firm_today, name="firm_today"),
    path("matters/", views.matter_list, name="matter_list"),
    path("matters/<uuid:matter_id>/", views.matter_detail, name="matter_detail"),
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
        views.engagement_nda,
        name="engagement_nda",
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
        "engagements/<uuid:engagement_id>/end/",
        views.engagement_end,
        name="engagement_end",
    ),
    path("contacts/", views_matters.contact_list, name="contact_list"),
    path("contacts/new/", views_matters.contact_edit, name="contact_new"),
    path("contacts/export/", views_matters.contact_export, name="contact_export"),
    path("import/", views_matters.import_page, name="import_page"),
    path(
        "contacts/<uuid:contact_id>/",
        views_matters.contact_detail,
        name="contact_detail",
    ),
    path(
        "contacts/<uuid:contact_id>/edit/",
        views_matters.contact_edit,
        name="contact_edit",
    ),
    path(
        "contacts/<uuid:contact_id>/relationships/",
        views_matters.contact_relationship_add,
        name="contact_relationship_add",
    ),
    path("conflicts/", views_matters.conflict_check_list, name="conflict_check_list"),
    path("conflicts/new/", views_matters.conflict_check_new, name="conflict_check_new"),
    path(
        "conflicts/<uuid:check_id>/",
        views_matters.conflict_check_detail,
        name="conflict_check_detail",
    ),
    path(
        "conflicts/<uuid:check_id>/open-matter/",
        views_matters.matter_open,
        name="matter_open",
    ),
    path(
        "matters/<uuid:matter_id>/screens/",
        views_matters.matter_screens,
        name="matter_screens",
    ),
    path(
        "matters/<uuid:matter_id>/screens/<uuid:screen_id>/delete/",
        views_matters.matter_screen_delete,
        name="matter_screen_delete",
    ),
    path("people/", views.people, name="people"),
    path(
        "people/<uuid:user_id>/absences/", views.person_absences, name="person_absences"
    ),
    path("audit/", views.audit_log, name="audit_log"),
    *urls_work.firm_patterns,
    *urls_playbooks.firm_patterns,
    *urls_scheduling.firm_patterns,
    *urls_intake.firm_patterns,
    *urls_reception.firm_patterns,
]

provider_patterns = [
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
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="today"), name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", views.two_factor, name="two_factor"),
    path("today/", views.today, name="today"),
    *urls_work.global_patterns,
    *urls_playbooks.global_patterns,
    *urls_scheduling.global_patterns,
    *urls_intake.global_patterns,
    *urls_public_intake.global_patterns,
    path("f/<slug:firm_slug>/", include(firm_patterns)),
    path("p/<slug:provider_slug>/", include(provider_patterns)),
]
