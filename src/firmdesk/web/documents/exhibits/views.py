"""A matter's exhibit list: the list, add, edit, move up and down, status,
remove, renumber 1..n, and the index as .docx and PDF.

Whoever sees the matter opens these pages (anyone else: 404 from
``access_matter``); changes need the matter open (documents.exhibits).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from firmdesk.access.selectors import access_matter, access_object
from firmdesk.common.errors import ServiceError
from firmdesk.documents import exhibits as service
from firmdesk.documents.exhibit_index import exhibit_index_export
from firmdesk.documents.models import Exhibit
from firmdesk.documents.selectors import documents_on_matter, exhibits_on_matter
from firmdesk.web.pages import apply_service_error, forbidden_if, see_other

from . import forms

TEMPLATES = "web/documents/exhibits/"
# The shared stylesheet's status colours, by what each status means here.
BADGES = {
    Exhibit.Status.MARKED: "status-proposed",
    Exhibit.Status.OFFERED: "status-in_progress",
    Exhibit.Status.ADMITTED: "status-done",
    Exhibit.Status.EXCLUDED: "status-returned",
    Exhibit.Status.WITHDRAWN: "status-cancelled",
}


def _list_url(matter) -> str:
    return reverse("documents:exhibit_list", args=[matter.firm.slug, matter.public_id])


def _exhibit(scope, matter, exhibit_id) -> Exhibit:
    return access_object(
        Exhibit,
        scope,
        exhibit_id,
        queryset=exhibits_on_matter(scope, matter).select_related("matter"),
    )


def _closed(request, matter):
    """The answer to a change asked of a closed matter's list: back to the
    list, saying why and what to do."""
    messages.error(
        request,
        f"{matter.number} is closed, so its exhibit list can no longer be "
        "changed. An attorney can reopen the matter on its page.",
    )
    return see_other(_list_url(matter))


def _numbers_text(numbers: list[int]) -> str:
    shown = [str(n) for n in numbers]
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _moved_text(moved: list[int], step: int) -> str:
    if not moved:
        return ""
    noun = "Exhibit" if len(moved) == 1 else "Exhibits"
    verb = "becomes" if len(moved) == 1 else "become"
    return (
        f"{noun} {_numbers_text(moved)} {verb} "
        f"{_numbers_text([n + step for n in moved])}."
    )


@require_GET
def exhibit_list(request, firm_slug, matter_id):
    scope = request.scope
    matter = access_matter(scope, matter_id)
    exhibits = list(exhibits_on_matter(scope, matter))
    visible = set(documents_on_matter(scope, matter).values_list("pk", flat=True))
    for exhibit in exhibits:
        exhibit.badge = BADGES[exhibit.status]
        exhibit.document_shown = (
            exhibit.document if exhibit.document_id in visible else None
        )
    numbers = [e.number for e in exhibits]
    gaps = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
    return render(
        request,
        f"{TEMPLATES}exhibit_list.html",
        {
            "matter": matter,
            "exhibits": exhibits,
            "gaps": gaps,
            "gaps_text": _numbers_text(gaps),
            "may_edit": service.may_edit_exhibits(scope, matter),
            "statuses": Exhibit.Status.choices,
        },
    )


def _fields(data) -> service.ExhibitFields:
    return service.ExhibitFields(
        description=data["description"],
        document=data["document"],
        date=data["date"],
        status=data["status"],
        notes=data["notes"],
    )


@require_http_methods(["GET", "POST"])
def exhibit_new(request, firm_slug, matter_id):
    scope = request.scope
    matter = access_matter(scope, matter_id)
    if not service.may_edit_exhibits(scope, matter):
        return _closed(request, matter)
    numbers = list(exhibits_on_matter(scope, matter).values_list("number", flat=True))
    form = forms.ExhibitForm(
        request.POST or None,
        documents=documents_on_matter(scope, matter),
        with_number=True,
        next_number=service.next_number(numbers),
        initial={"status": Exhibit.Status.MARKED},
    )
    confirm = None
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["number"]
        moves = service.numbers_moved_by_insert(numbers, number) if number else []
        insert = number is not None and request.POST.get("insert") == str(number)
        if moves and not insert:
            # Say what will move, keep everything typed, and ask.
            confirm = {"number": number, "moves": _moved_text(moves, 1)}
        else:
            try:
                exhibit = service.exhibit_add(
                    scope=scope,
                    matter=matter,
                    fields=_fields(form.cleaned_data),
                    number=number,
                    insert=insert,
                )
            except ServiceError as error:
                apply_service_error(form, error)
            else:
                moved = [n for n in numbers if n >= exhibit.number] if insert else []
                messages.success(
                    request,
                    f"Exhibit {exhibit.number} added. {_moved_text(moved, 1)}".strip(),
                )
                return see_other(_list_url(matter))
    return render(
        request,
        f"{TEMPLATES}exhibit_form.html",
        {"matter": matter, "form": form, "confirm": confirm, "exhibit": None},
    )


@require_http_methods(["GET", "POST"])
def exhibit_edit(request, firm_slug, matter_id, exhibit_id):
    scope = request.scope
    matter = access_matter(scope, matter_id)
    exhibit = _exhibit(scope, matter, exhibit_id)
    if not service.may_edit_exhibits(scope, matter):
        return _closed(request, matter)
    form = forms.ExhibitForm(
        request.POST or None,
        documents=documents_on_matter(scope, matter),
        with_number=False,
        initial={
            "description": exhibit.description,
            "document": exhibit.document.public_id if exhibit.document else None,
            "date": exhibit.date,
            "status": exhibit.status,
            "notes": exhibit.notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            service.exhibit_change(
                scope=scope, exhibit=exhibit, fields=_fields(form.cleaned_data)
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Exhibit {exhibit.number} saved.")
            return see_other(_list_url(matter))
    return render(
        request,
        f"{TEMPLATES}exhibit_form.html",
        {"matter": matter, "form": form, "confirm": None, "exhibit": exhibit},
    )


def _change(request, matter, action):
    """Run a change from the list; its refusal goes back to the list as a
    message, since there is no form to put it on."""
    if not service.may_edit_exhibits(request.scope, matter):
        return _closed(request, matter)
    try:
        done = action()
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        if done:
            messages.success(request, done)
    return see_other(_list_url(matter))


@require_POST
def exhibit_move(request, firm_slug, matter_id, exhibit_id, direction):
    forbidden_if(direction not in (service.UP, service.DOWN))
    scope = request.scope
    matter = access_matter(scope, matter_id)
    exhibit = _exhibit(scope, matter, exhibit_id)
    was = exhibit.number

    def move():
        moved = service.exhibit_move(scope=scope, exhibit=exhibit, direction=direction)
        return f"Exhibit {was} is now exhibit {moved.number}."

    return _change(request, matter, move)


@require_POST
def exhibit_status(request, firm_slug, matter_id, exhibit_id):
    scope = request.scope
    matter = access_matter(scope, matter_id)
    exhibit = _exhibit(scope, matter, exhibit_id)
    form = forms.StatusForm(request.POST)

    def set_status():
        if not form.is_valid():
            raise ServiceError("Choose one of the statuses listed.")
        status = form.cleaned_data["status"]
        if status == exhibit.status:
            return ""
        service.exhibit_set_status(scope=scope, exhibit=exhibit, status=status)
        return f"Exhibit {exhibit.number}: {Exhibit.Status(status).label.lower()}."

    return _change(request, matter, set_status)


@require_http_methods(["GET", "POST"])
def exhibit_remove(request, firm_slug, matter_id, exhibit_id):
    scope = request.scope
    matter = access_matter(scope, matter_id)
    exhibit = _exhibit(scope, matter, exhibit_id)
    if request.method == "GET":
        if not service.may_edit_exhibits(scope, matter):
            return _closed(request, matter)
        later = list(
            exhibits_on_matter(scope, matter)
            .filter(number__gt=exhibit.number)
            .values_list("number", flat=True)
        )
        return render(
            request,
            f"{TEMPLATES}exhibit_remove.html",
            {
                "matter": matter,
                "exhibit": exhibit,
                "later_moves": _moved_text(later, -1),
            },
        )
    close_gap = request.POST.get("close_gap") == "1"

    def remove():
        moved = service.exhibit_remove(
            scope=scope, exhibit=exhibit, close_gap=close_gap
        )
        kept = (
            ""
            if close_gap
            else f" Number {exhibit.number} stays free until you renumber."
        )
        return (
            f"Exhibit {exhibit.number} removed.{kept} {_moved_text(moved, -1)}"
        ).strip()

    return _change(request, matter, remove)


@require_http_methods(["GET", "POST"])
def exhibits_renumber(request, firm_slug, matter_id):
    scope = request.scope
    matter = access_matter(scope, matter_id)
    if request.method == "GET":
        if not service.may_edit_exhibits(scope, matter):
            return _closed(request, matter)
        numbers = exhibits_on_matter(scope, matter).values_list("number", flat=True)
        changes = {
            old: new for old, new in service.renumbered(numbers).items() if old != new
        }
        return render(
            request,
            f"{TEMPLATES}exhibits_renumber.html",
            {"matter": matter, "changes": sorted(changes.items())},
        )

    def renumber():
        changes = service.exhibits_renumber(scope=scope, matter=matter)
        if not changes:
            return "The exhibits were already numbered 1 to the last, with no gap."
        return f"Exhibits renumbered: {len(changes)} changed number."

    return _change(request, matter, renumber)


def _download(request, matter_id, kind):
    scope = request.scope
    matter = access_matter(scope, matter_id)
    content, content_type, filename = exhibit_index_export(
        scope=scope, matter=matter, kind=kind
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def exhibit_index_docx(request, firm_slug, matter_id):
    return _download(request, matter_id, "docx")


@require_GET
def exhibit_index_pdf(request, firm_slug, matter_id):
    return _download(request, matter_id, "pdf")
