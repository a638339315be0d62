"""Playbooks (the firm's written procedures) and onboarding.

Rows come through the Scope (``in_scope`` / ``access_*``), writes through the
work services; a page a role may not open answers 404."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.common.errors import ServiceError
from firmdesk.engagements.models import Assignment
from firmdesk.orgs.models import Function
from firmdesk.web.pages import apply_service_error, forbidden_if
from firmdesk.work import services
from firmdesk.work.models import PlaybookVersion
from firmdesk.work.routing import onboarding_gaps
from firmdesk.work.selectors import (
    access_playbook,
    acknowledged_versions,
    playbooks_for_scope,
)

from .forms import PlaybookForm


def _in_your_words(gap: str) -> str:
    """``onboarding_gaps`` speaks about the person to a firm admin; the staff
    member reads it about themselves."""
    if gap.startswith("has "):
        return "You have " + gap.removeprefix("has ")
    return "Your " + gap


# --- Playbooks -------------------------------------------------------------------


def playbook_list(request, firm_slug):
    scope = request.scope
    playbooks = playbooks_for_scope(scope).select_related("current_version__edited_by")
    if not scope.is_firm_member:
        playbooks = playbooks.filter(is_active=True)
    playbooks = list(playbooks)
    may_acknowledge = services.may_acknowledge_playbooks(scope=scope)
    acknowledged = acknowledged_versions(scope, request.user) if may_acknowledge else {}
    by_function: dict[str, list] = {}
    for playbook in playbooks:
        if playbook.current_version is None:
            continue
        playbook.acknowledged_number = acknowledged.get(playbook.pk)
        by_function.setdefault(playbook.function, []).append(playbook)
    groups = [
        (label, by_function[value])
        for value, label in Function.choices
        if value in by_function
    ]
    context = {
        "groups": groups,
        "count": sum(len(rows) for _, rows in groups),
        "may_acknowledge": may_acknowledge,
        "gaps": None,
    }
    if scope.is_provider_staff:
        assignment = (
            Assignment.objects.in_scope(scope)
            .filter(engagement=scope.engagement, user=request.user)
            .first()
        )
        gaps = onboarding_gaps(
            engagement=scope.engagement,
            user=request.user,
            functions=assignment.functions if assignment else [],
            today=timezone.localdate(timezone=scope.firm.tz),
        )
        context["gaps"] = [_in_your_words(gap) for gap in gaps]
    return render(request, "web/playbooks/playbook_list.html", context)


@require_POST
def playbook_install_starter(request, firm_slug):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    made = services.playbooks_install_starter(firm=scope.firm, actor=request.user)
    if made:
        messages.success(
            request,
            f"Added {made} starter playbooks. Read each one and change it to the "
            "way your firm works: outside staff follow them to the letter.",
        )
    else:
        messages.info(request, "The starter playbooks are here already.")
    return redirect("playbooks:playbook_list", firm_slug)


def playbook_detail(request, firm_slug, playbook_id):
    scope = request.scope
    playbook = access_playbook(scope, playbook_id)
    versions = list(
        PlaybookVersion.objects.in_scope(scope)
        .filter(playbook=playbook)
        .select_related("edited_by")
        .order_by("-number")
    )
    if not versions:
        raise Http404("No playbook here.")
    current = next(
        (v for v in versions if v.pk == playbook.current_version_id), versions[0]
    )
    shown = current
    requested = request.GET.get("version")
    if requested:
        shown = next((v for v in versions if str(v.number) == requested), None)
        if shown is None:
            raise Http404("No such version.")
    may_acknowledge = services.may_acknowledge_playbooks(scope=scope)
    acknowledged = (
        acknowledged_versions(scope, request.user).get(playbook.pk)
        if may_acknowledge
        else None
    )
    return render(
        request,
        "web/playbooks/playbook_detail.html",
        {
            "playbook": playbook,
            "version": shown,
            "current": current,
            "is_old": shown.pk != current.pk,
            "versions": versions,
            "may_acknowledge": may_acknowledge,
            "acknowledged": acknowledged,
        },
    )


@require_POST
def playbook_acknowledge(request, firm_slug, playbook_id):
    scope = request.scope
    forbidden_if(not services.may_acknowledge_playbooks(scope=scope))
    playbook = access_playbook(scope, playbook_id)
    if playbook.current_version is None:
        raise Http404("No playbook here.")
    services.playbook_acknowledge(scope=scope, playbook=playbook)
    version = playbook.current_version
    messages.success(
        request,
        f"Recorded: you have read “{version.title}” (version {version.number}) "
        "and will follow it.",
    )
    return redirect("playbooks:playbook_detail", firm_slug, playbook.public_id)


@require_http_methods(["GET", "POST"])
def playbook_new(request, firm_slug):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    form = PlaybookForm(
        request.POST or None,
        editing=False,
        initial={"review_required": True, "function": request.GET.get("function")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            playbook = services.playbook_create(scope=scope, **form.service_fields())
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, f"Playbook “{playbook.current_version.title}” published."
            )
            return redirect("playbooks:playbook_detail", firm_slug, playbook.public_id)
    return render(
        request, "web/playbooks/playbook_form.html", {"form": form, "playbook": None}
    )


@require_http_methods(["GET", "POST"])
def playbook_edit(request, firm_slug, playbook_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    playbook = access_playbook(scope, playbook_id)
    if playbook.current_version is None:
        raise Http404("No playbook here.")
    form = PlaybookForm(
        request.POST or None,
        editing=True,
        initial=PlaybookForm.initial_from(playbook),
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.playbook_edit(
                scope=scope, playbook=playbook, **form.service_fields()
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"Version {version.number} published. Tasks already created keep "
                "the version they were made with.",
            )
            return redirect("playbooks:playbook_detail", firm_slug, playbook.public_id)
    return render(
        request,
        "web/playbooks/playbook_form.html",
        {
            "form": form,
            "playbook": playbook,
            "next_number": playbook.current_version.number + 1,
        },
    )
