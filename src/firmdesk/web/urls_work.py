"""Routes of the work pages; every name here needs an entry in
tests/isolation/registry_work.py."""

from django.urls import path

from . import views_work

firm_patterns: list = [  # under /f/<firm_slug>/
    path("tasks/", views_work.task_list, name="task_list"),
    path("tasks/new/", views_work.task_new, name="task_new"),
    path("tasks/bulk/", views_work.task_bulk, name="task_bulk"),
    path("tasks/<uuid:task_id>/", views_work.task_detail, name="task_detail"),
    path(
        "tasks/<uuid:task_id>/do/<slug:action>/",
        views_work.task_action,
        name="task_action",
    ),
    path(
        "tasks/<uuid:task_id>/files/<uuid:document_id>/",
        views_work.task_attachment,
        name="task_attachment",
    ),
    path("review/", views_work.review_queue, name="review_queue"),
]
global_patterns: list = [  # outside the firm prefix (cross-firm pages)
    path("queue/", views_work.queue_mine, name="queue_mine"),
    path("queue/start/", views_work.queue_start, name="queue_start"),
    path("queue/team/", views_work.queue_team, name="queue_team"),
]
