"""Routes of the playbooks pages; every name here needs an entry in
tests/isolation/registry_playbooks.py."""

from django.urls import path

from . import views_playbooks as views

# under /f/<firm_slug>/
firm_patterns: list = [
    path("playbooks/", views.playbook_list, name="playbook_list"),
    path("playbooks/new/", views.playbook_new, name="playbook_new"),
    path(
        "playbooks/starter/",
        views.playbook_install_starter,
        name="playbook_install_starter",
    ),
    path(
        "playbooks/<uuid:playbook_id>/",
        views.playbook_detail,
        name="playbook_detail",
    ),
    path(
        "playbooks/<uuid:playbook_id>/edit/",
        views.playbook_edit,
        name="playbook_edit",
    ),
    path(
        "playbooks/<uuid:playbook_id>/acknowledge/",
        views.playbook_acknowledge,
        name="playbook_acknowledge",
    ),
    path(
        "engagements/<uuid:engagement_id>/weekly/",
        views.engagement_weekly,
        name="engagement_weekly",
    ),
    path("recurring/", views.recurring_list, name="recurring_list"),
    path(
        "recurring/<uuid:recurrence_id>/stop/",
        views.recurring_stop,
        name="recurring_stop",
    ),
]
# outside the firm prefix (cross-firm pages)
global_patterns: list = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
]
