"""Routes of the staff side of intake: forms, leads, feedback; every name here
needs an entry in tests/isolation/registry_intake.py."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

app_name = "intake"

firm_patterns: list = [  # under /f/<firm_slug>/
    path("intake/forms/", views.intake_form_list, name="intake_form_list"),
    path("intake/forms/new/", views.intake_form_new, name="intake_form_new"),
    path(
        "intake/forms/<uuid:form_id>/", views.intake_form_edit, name="intake_form_edit"
    ),
    path("intake/feedback/", views.feedback_list, name="feedback_list"),
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/new/", views.lead_new, name="lead_new"),
    path("leads/<uuid:lead_id>/", views.lead_detail, name="lead_detail"),
    path("leads/<uuid:lead_id>/do/", views.lead_action, name="lead_action"),
    path(
        "leads/<uuid:lead_id>/files/<uuid:document_id>/",
        views.lead_document,
        name="lead_document",
    ),
]
global_patterns: list = [  # outside the firm prefix (cross-firm pages)
    path("leads/", views.lead_queue, name="lead_queue"),
]

urlpatterns = [*global_patterns, firm_space(firm_patterns)]
