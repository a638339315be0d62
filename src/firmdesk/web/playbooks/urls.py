"""Routes of the playbooks pages; every name here needs an entry in
tests/isolation/registry_playbooks.py."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

app_name = "playbooks"

firm_patterns: list = [  # under /f/<firm_slug>/
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
]

urlpatterns = [firm_space(firm_patterns)]
