"""The project's URLs plus one page behind ``@sensitive``, for testing the
decorator itself (the real sensitive pages belong to other parts)."""

from django.http import HttpResponse
from django.urls import include, path

from firmdesk.web.accounts.reauth import sensitive


@sensitive
def export(request):
    if request.method == "POST":
        sent = ",".join(f"{k}={v}" for k, v in sorted(request.POST.items()))
        return HttpResponse(f"exported {sent.replace('csrfmiddlewaretoken=', '')}")
    return HttpResponse("the export page")


urlpatterns = [
    path("", include("firmdesk.urls")),
    path("test-export/", export, name="test_export"),
]
