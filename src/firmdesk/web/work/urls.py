"""Routes of the work pages; every name here needs an entry in
tests/isolation/registry_work.py (recurring work: registry_playbooks.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

app_name = "work"

firm_patterns: list = [  # under /f/<firm_slug>/
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/bulk/", views.task_bulk, name="task_bulk"),
    path("tasks/<uuid:task_id>/", views.task_detail, name="task_detail"),
    path(
        "tasks/<uuid:task_id>/do/<slug:action>/",
        views.task_action,
        name="task_action",
    ),
    path(
        "tasks/<uuid:task_id>/files/<uuid:document_id>/",
        views.task_attachment,
        name="task_attachment",
    ),
    path("review/", views.review_queue, name="review_queue"),
    path("recurring/", views.recurring_list, name="recurring_list"),
    path(
        "recurring/<uuid:recurrence_id>/stop/",
        views.recurring_stop,
        name="recurring_stop",
    ),
]
global_patterns: list = [  # outside the firm prefix (cross-firm pages)
    path("queue/", views.queue_mine, name="queue_mine"),
    path("queue/start/", views.queue_start, name="queue_start"),
    path("queue/team/", views.queue_team, name="queue_team"),
]

urlpatterns = [*global_patterns, firm_space(firm_patterns)]
