"""A view that forgets the Scope, mounted only by the test that proves the
tenant manager refuses it."""

from django.http import HttpResponse
from django.urls import include, path

from firmdesk.matters.models import Matter


def every_matter(request):
    return HttpResponse(", ".join(m.number for m in Matter.objects.all()))


def matters_of_firm(request, firm_slug):
    matters = Matter.objects.filter(firm=request.scope.firm)
    return HttpResponse(", ".join(m.number for m in matters))


urlpatterns = [
    path("", include("firmdesk.urls")),
    path("unscoped/matters/", every_matter, name="unscoped_every_matter"),
    path(
        "f/<slug:firm_slug>/unscoped/matters/",
        matters_of_firm,
        name="unscoped_matters_of_firm",
    ),
]
