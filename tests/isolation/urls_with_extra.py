"""The project's URLs plus pages nobody registered: the completeness check must
name them."""

from django.http import HttpResponse
from django.urls import include, path


def extra_report(request, firm_slug):
    return HttpResponse("extra")


urlpatterns = [
    path("", include("firmdesk.urls")),
    path("f/<slug:firm_slug>/extra/", extra_report, name="extra_report"),
    path("f/<slug:firm_slug>/unnamed/", extra_report),
]
