"""The pre-bill review pages (issue 17 item 3): the queue of submitted time
and expenses with their flags, an entry's page with its history, and the
reviewer's actions. Rows come through ``billing.review`` (the Scope); every
change goes through its services; people who do not do billing get 404."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from firmdesk.access.selectors import access_matter
from firmdesk.billing import review
from firmdesk.common.errors import ServiceError
from firmdesk.web.auditing import audit_opened
from firmdesk.web.pages import forbidden_if, see_other

from . import forms as rf


def _queue_url(scope, anchor="") -> str:
    url = reverse("billing:review_queue", kwargs={"firm_slug": scope.firm.slug})
    return f"{url}#{anchor}" if anchor else url


def row_url(scope, kind, row) -> str:
    return reverse(
        "billing:review_row",
        kwargs={"firm_slug": scope.firm.slug, "kind": kind, "row_id": row.public_id},
    )


@dataclass
class MatterGroup:
    matter: object
    rows: list

    @property
    def unflagged(self) -> int:
        return sum(1 for r in self.rows if not r.flags and not r.own)


def _groups(rows) -> list[MatterGroup]:
    groups: dict = {}
    for row in rows:
        key = row.row.matter_id
        if key not in groups:
            groups[key] = MatterGroup(row.row.matter, [])
        groups[key].rows.append(row)
    return list(groups.values())


def review_queue(request, firm_slug):
    scope = request.scope
    forbidden_if(not review.may_review(scope))
    matters, people = review.queue_choices(scope)
    form = rf.QueueFilterForm(request.GET, matters=matters, people=people)
    chosen_matter = form.value("matter")
    chosen_person = form.value("person")
    matter = next((m for m in matters if str(m.public_id) == chosen_matter), None)
    person = next((p for p in people if str(p.public_id) == chosen_person), None)
    rows = review.queue(scope, matter=matter, person=person, flag=form.value("flag"))
    context = {
        "form": form,
        "groups": _groups(rows),
        "count": len(rows),
        "flagged": sum(1 for r in rows if r.flags),
        "filtered": bool(matter or person or form.value("flag")),
        "capped": len(rows) >= review.QUEUE_LIMIT,
    }
    return render(request, "web/billing/review/queue.html", context)


ACTION_FORMS = {
    "approve": rf.ApproveForm,
    "edit": None,  # by kind
    "write_down": rf.WriteDownForm,
    "write_off": rf.WriteOffForm,
    "send_back": rf.SendBackForm,
}


def _form_class(kind, action):
    if action == "edit":
        return rf.TimeEditForm if kind == review.TIME else rf.ExpenseEditForm
    return ACTION_FORMS[action]


def _blank_forms(kind, row) -> dict:
    fields = review.editable_fields(row)
    blank = {}
    for action in ACTION_FORMS:
        form_class = _form_class(kind, action)
        kwargs = {"auto_id": f"{action}_%s"}
        if action == "edit":
            kwargs["initial"] = {name: getattr(row, name) for name in fields}
        if action == "write_down":
            kwargs["hours_allowed"] = kind == review.TIME
        blank[action] = form_class(**kwargs)
    return blank


FIELD_LABELS = {
    "status": "Status",
    "flags": "Flags it was approved with",
    "narrative": "Narrative",
    "hours": "Hours",
    "task_code": "Task code",
    "activity_code": "Activity code",
    "rate": "Rate",
    "billable": "Billable",
    "description": "Description",
    "quantity": "Quantity",
    "unit_cost": "Unit cost",
    "expense_code": "Expense code",
    "adjustment": "Adjustment",
    "taken_off": "Taken off",
    "bill_as_hours": "Billed as hours",
    "written_off": "Written off",
}


def _shown(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value) if value not in (None, "") else "(empty)"


def _steps(changes) -> list[dict]:
    """Each review step with its fields in words: label, before, after."""
    return [
        {
            "change": change,
            "fields": [
                (
                    FIELD_LABELS.get(name, name),
                    _shown(change.before[name]) if name in change.before else "",
                    _shown(value),
                )
                for name, value in change.after.items()
            ],
        }
        for change in changes
    ]


def _row_page(request, kind, row, *, failed=None, status=200):
    scope = request.scope
    forms = _blank_forms(kind, row)
    if failed is not None:
        forms[failed[0]] = failed[1]
    context = {
        "kind": kind,
        "row": row,
        "person": review.person_of(row),
        "flags": review.row_flags(scope, row),
        "history": _steps(review.history(scope, row)),
        "forms": forms,
        "failed": failed[0] if failed else "",
        "own": review.is_own(scope, row),
        "own_message": review.OWN_TIME,
        "open": row.status in review.OPEN,
    }
    return render(request, "web/billing/review/row.html", context, status=status)


def review_row(request, firm_slug, kind, row_id):
    scope = request.scope
    row = review.access_review_row(scope, kind, row_id)
    audit_opened(
        request,
        row,
        action=f"billing.{kind}_viewed",
        matter=row.matter,
        summary=f"Opened a {'time entry' if kind == review.TIME else 'expense'} "
        "for review",
    )
    return _row_page(request, kind, row)


def _act(scope, kind, row, action, data) -> str:
    if action == "approve":
        review.entry_approve(scope=scope, row=row, note=data["note"])
        return "Approved: it is ready to bill."
    if action == "edit":
        values = {k: v for k, v in data.items() if k != "note"}
        review.entry_edit(scope=scope, row=row, values=values, note=data["note"])
        return "Changes saved and recorded in the history."
    if action == "write_down":
        review.entry_write_down(
            scope=scope,
            row=row,
            amount=data.get("amount"),
            to_hours=data.get("to_hours"),
            note=data["note"],
        )
        return "Written down. The client sees the reduction on the invoice."
    if action == "write_off":
        review.entry_write_off(scope=scope, row=row, note=data["note"])
        return "Written off: the client is billed nothing for it."
    review.entry_send_back(scope=scope, row=row, reason=data["reason"])
    return "Sent back to the timekeeper, with your reason. They have been told."


@require_POST
def review_action(request, firm_slug, kind, row_id, action):
    scope = request.scope
    row = review.access_review_row(scope, kind, row_id)
    if action not in ACTION_FORMS:
        raise Http404("No such action.")
    kwargs = {"auto_id": f"{action}_%s"}
    if action == "write_down":
        kwargs["hours_allowed"] = kind == review.TIME
    form = _form_class(kind, action)(request.POST, **kwargs)
    if not form.is_valid():
        return _row_page(request, kind, row, failed=(action, form))
    try:
        text = _act(scope, kind, row, action, form.cleaned_data)
    except ServiceError as error:
        form.add_error(
            error.field if error.field in form.fields else None, error.message
        )
        row = review.access_review_row(scope, kind, row_id)
        return _row_page(request, kind, row, failed=(action, form))
    messages.success(request, text)
    if action in ("edit", "write_down"):
        return see_other(row_url(scope, kind, row))
    return see_other(_queue_url(scope))


@require_POST
def review_bulk_approve(request, firm_slug):
    scope = request.scope
    forbidden_if(not review.may_review(scope))
    chosen = request.POST.get("matter", "")
    if not chosen:
        messages.error(request, "Choose the matter whose unflagged entries to approve.")
        return see_other(_queue_url(scope))
    matter = access_matter(scope, chosen)
    count = review.entries_approve_unflagged(scope=scope, matter=matter)
    if count:
        messages.success(
            request,
            f"Approved {count} unflagged entr{'y' if count == 1 else 'ies'} of "
            f"{matter.number}. Flagged ones are still waiting for you.",
        )
    else:
        messages.info(request, f"Nothing unflagged was waiting on {matter.number}.")
    return see_other(_queue_url(scope))
