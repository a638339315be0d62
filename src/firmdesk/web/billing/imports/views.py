"""Importing time entries from another system's file: check it (nothing
written, a preview of the first rows), then import it whole on request."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from firmdesk.billing.importing import time_import
from firmdesk.web.pages import forbidden_if

from .forms import TimeImportForm

SESSION_KEY = "pending_time_import"


def _upload_dir(scope) -> Path:
    path = Path(settings.VAR_DIR) / "uploads" / str(scope.firm.public_id) / "time"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pending(request, scope) -> dict | None:
    """The file checked last, kept on the server so the person can fix the
    settings or confirm without uploading it again; one per firm."""
    pending = request.session.get(SESSION_KEY, {}).get(str(scope.firm.public_id))
    if pending and (_upload_dir(scope) / pending["token"]).exists():
        return pending
    return None


def _remember(request, scope, pending: dict | None) -> None:
    kept = request.session.get(SESSION_KEY, {})
    old = kept.pop(str(scope.firm.public_id), None)
    if old and (not pending or old["token"] != pending["token"]):
        (_upload_dir(scope) / old["token"]).unlink(missing_ok=True)
    if pending:
        kept[str(scope.firm.public_id)] = pending
    request.session[SESSION_KEY] = kept


@require_http_methods(["GET", "POST"])
def time_import_page(request, firm_slug):
    scope = request.scope
    forbidden_if(not scope.works_on("billing"))
    pending = _pending(request, scope)
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "start_over":
        _remember(request, scope, None)
        return redirect("billing:time_import", firm_slug)
    if request.method == "POST" and action == "import" and pending:
        if not pending.get("checked"):
            messages.error(request, "Check the file first, then import it.")
            return redirect("billing:time_import", firm_slug)
        result = time_import(
            scope=scope,
            actor=request.user,
            file=(_upload_dir(scope) / pending["token"]).read_bytes(),
            layout=pending["layout"],
            mapping=pending["mapping"] or None,
            date_order=pending["date_order"],
            filename=pending["filename"],
        )
        if result.written:
            _remember(request, scope, None)
            messages.success(request, result.summary())
            return redirect("billing:time_import", firm_slug)
        pending["checked"] = False
        _remember(request, scope, pending)
        form = TimeImportForm(
            header=pending["header"] if result.needs_mapping else None
        )
        return _page(request, form, result, pending)

    header = pending["header"] if pending else None
    if request.method != "POST":
        return _page(request, TimeImportForm(header=None), None, pending)
    form = TimeImportForm(request.POST, request.FILES, header=header)
    if not form.is_valid():
        return _page(request, form, None, pending)
    upload = form.cleaned_data["file"]
    if upload is None and pending is None:
        form.add_error("file", "Choose the CSV file to check.")
        return _page(request, form, None, pending)
    if upload is not None:
        content = upload.read()
        token = secrets.token_urlsafe(16)
        (_upload_dir(scope) / token).write_bytes(content)
        pending = {"token": token, "filename": upload.name, "header": []}
        mapping = {}
    else:
        content = (_upload_dir(scope) / pending["token"]).read_bytes()
        mapping = form.mapping()
    layout = form.cleaned_data["layout"]
    if mapping and not layout:
        layout = "generic"
    result = time_import(
        scope=scope,
        actor=request.user,
        file=content,
        layout=layout,
        mapping=mapping or None,
        date_order=form.cleaned_data["date_order"],
        dry_run=True,
        filename=pending["filename"],
    )
    pending.update(
        header=result.header,
        layout=result.layout,
        mapping=mapping,
        date_order=result.date_order,
        checked=result.ok,
    )
    _remember(request, scope, pending)
    data = {
        "layout": layout,
        "date_order": form.cleaned_data["date_order"],
        **{f"map_{k}": v for k, v in mapping.items()},
    }
    show_mapping = result.needs_mapping or layout == "generic"
    form = TimeImportForm(initial=data, header=result.header if show_mapping else None)
    return _page(request, form, result, pending)


def _page(request, form, result, pending):
    return render(
        request,
        "web/billing/imports/time_import.html",
        {"form": form, "result": result, "pending": pending},
    )
