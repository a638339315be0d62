"""Routes of the notification pages (outside the firm prefix: a person's
notifications come from every firm they serve); every name here needs an entry
in the isolation registry (tests/isolation/registry_playbooks.py)."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
]
