"""The user's notifications, from every firm they may still act for."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from firmdesk.access.scope import scopes_for_request
from firmdesk.notify.selectors import notifications_visible
from firmdesk.notify.services import notifications_mark_read


def _visible_notifications(request):
    """The user's own, about no firm or a firm they may act for now, and about
    nothing they may no longer see."""
    return notifications_visible(user=request.user, scopes=scopes_for_request(request))


def notifications(request):
    visible = _visible_notifications(request).select_related("firm")
    page = Paginator(visible.order_by("-created_at", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    host = {request.get_host()}
    for note in page:
        note.safe_url = (
            note.url
            if note.url.startswith("/")
            and url_has_allowed_host_and_scheme(note.url, host)
            else ""
        )
    return render(
        request,
        "web/notifications/notifications.html",
        {"page": page, "unread": visible.filter(read_at__isnull=True).count()},
    )


@require_POST
def notifications_read(request):
    ids = []
    for value in request.POST.getlist("id"):
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    visible = _visible_notifications(request).filter(read_at__isnull=True)
    if ids:
        visible = visible.filter(public_id__in=ids)
    marked = notifications_mark_read(
        user=request.user, public_ids=list(visible.values_list("public_id", flat=True))
    )
    if not ids:
        messages.success(
            request,
            f"{marked} notification{'s' if marked != 1 else ''} marked as read."
            if marked
            else "Nothing new to mark as read.",
        )
    target = reverse("notifications:notifications")
    page = request.POST.get("page", "")
    if page.isdigit():
        target += f"?page={page}"
    return redirect(target)
