"""The signed-in person's own settings: the zone FirmDesk shows them times in."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from firmdesk.common.errors import ServiceError
from firmdesk.orgs.services import user_set_time_zone
from firmdesk.orgs.zones import picker_label
from firmdesk.web.pages import see_other

from .forms import TimeZoneForm


@require_http_methods(["GET", "POST"])
def settings_page(request):
    user = request.user
    form = TimeZoneForm(
        request.POST or None,
        current=user.time_zone,
        initial={"time_zone": user.time_zone},
    )
    if request.method == "POST" and form.is_valid():
        zone = form.cleaned_data["time_zone"]
        try:
            user_set_time_zone(user=user, time_zone=zone)
        except ServiceError as error:
            form.add_error("time_zone", error.message)
        else:
            messages.success(
                request, f"Times are now shown in your zone: {picker_label(zone)}."
            )
            return see_other(reverse("profile:settings"))
    return render(request, "web/profile/settings.html", {"form": form})
