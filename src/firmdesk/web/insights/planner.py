"""What the planner's pages share (fit assessment, cost comparison): long
forms shown in labelled groups, and deleting a row after asking first."""

from typing import Any

from django.contrib import messages
from django.shortcuts import render

from firmdesk.web.pages import see_other


class Grouped:
    """A form mixin: ``GROUPS`` holds (legend, field names) pairs, in the
    order ``web/insights/_grouped_form.html`` shows them."""

    GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def groups(self) -> list:
        form: Any = self  # mixed into a Form, whose fields it indexes
        return [(legend, [form[n] for n in names]) for legend, names in self.GROUPS]


def delete_after_asking(request, *, delete, title: str, body: str, back: str, done):
    """GET asks ``title`` (Cancel goes ``back``); POST calls ``delete()``,
    says so and goes to ``done`` = (url, message)."""
    if request.method == "POST":
        delete()
        url, message = done
        messages.success(request, message)
        return see_other(url)
    return render(
        request,
        "web/confirm.html",
        {"title": title, "body": body, "button": "Delete", "cancel": back},
    )
