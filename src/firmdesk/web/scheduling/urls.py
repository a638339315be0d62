"""Routes of the scheduling pages; every name here needs an entry in the
isolation registry."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import calendar_views, views

app_name = "scheduling"

firm_patterns: list = [  # under /f/<firm_slug>/
    path("calendar/", calendar_views.calendar, name="calendar"),
    path(
        "matters/<uuid:matter_id>/calendar/",
        calendar_views.matter_calendar,
        name="matter_calendar",
    ),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<uuid:event_id>/", views.event_detail, name="event_detail"),
    path("events/<uuid:event_id>/edit/", views.event_edit, name="event_edit"),
    path("events/<uuid:event_id>/status/", views.event_status, name="event_status"),
    path(
        "events/<uuid:event_id>/trigger/",
        views.deadline_trigger,
        name="deadline_trigger",
    ),
    path("deadlines/new/", views.deadline_new, name="deadline_new"),
    path("calendar/feeds/", views.feed_list, name="feed_list"),
    path(
        "calendar/feeds/<uuid:feed_id>/revoke/",
        views.feed_revoke,
        name="feed_revoke",
    ),
    path(
        "matters/<uuid:matter_id>/calendar/import/",
        views.event_import,
        name="event_import",
    ),
]
# outside the firm prefix: the secret feed address, opened by calendar programs
global_patterns: list = [
    path("feeds/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]

urlpatterns = [*global_patterns, firm_space(firm_patterns)]
