"""Matters, contacts, conflict checks, opening matters and ethical screens
(issue 3), and the import and export of contacts."""

import io
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.access.selectors import access_matter, access_object
from firmdesk.billing.setup import may_read_setup
from firmdesk.common.errors import ServiceError
from firmdesk.common.phones import firm_region
from firmdesk.conflicts import selectors as conflict_selectors
from firmdesk.conflicts import services as conflicts
from firmdesk.conflicts.exporting import export_contacts_csv
from firmdesk.conflicts.importing import import_file
from firmdesk.conflicts.models import ConflictCheck
from firmdesk.documents.selectors import (
    documents_for_matter_page,
    exhibits_on_matter,
)
from firmdesk.matters import sensitive as sensitive_fields
from firmdesk.matters import services as matter_services
from firmdesk.matters.models import (
    Contact,
    ContactRelationship,
    Matter,
    MatterParty,
    MatterScreen,
)
from firmdesk.matters.services import (
    matter_screen_add,
    matter_screen_remove,
    may_maintain,
)
from firmdesk.scheduling.selectors import matter_deadlines
from firmdesk.scheduling.services import may_schedule
from firmdesk.web.accounts.reauth import sensitive
from firmdesk.web.auditing import audit_opened
from firmdesk.web.pages import apply_service_error, forbidden_if
from firmdesk.web.search.selectors import matters_matching
from firmdesk.work import consent
from firmdesk.work.selectors import tasks_for_scope

from . import forms

# --- Matters ------------------------------------------------------------------


def matter_list(request, firm_slug):
    scope = request.scope
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if q:
        # The search page's selector: number, title and parties, word by word.
        matters = matters_matching(scope, q)
    else:
        matters = (
            Matter.objects.in_scope(scope)
            .select_related("responsible_attorney")
            .order_by("-created_at")
        )
    # Closed matters leave the default list, but a search finds them (as the
    # search page does); the status filter narrows either.
    if status == Matter.Status.CLOSED:
        matters = matters.filter(Matter.closed_q())
    elif status in Matter.Status.values:
        matters = matters.filter(status=status).exclude(Matter.closed_q())
    elif status != "any":
        status = ""
        if not q:
            matters = matters.exclude(Matter.closed_q())
    page = Paginator(matters, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/matters/matter_list.html",
        {"page": page, "q": q, "status": status, "statuses": Matter.Status.choices},
    )


def matter_detail(request, firm_slug, matter_id):
    scope = request.scope
    matter = access_object(
        Matter,
        scope,
        matter_id,
        queryset=Matter.objects.in_scope(scope).select_related("responsible_attorney"),
    )
    audit_opened(
        request,
        matter,
        action="matter.viewed",
        matter=matter,
        summary=f"Opened {matter.number}",
    )
    tasks = tasks_for_scope(scope).filter(matter=matter)
    parties = (
        MatterParty.objects.in_scope(scope)
        .filter(matter=matter)
        .select_related("contact")
        .order_by("role", "contact__name")
    )
    checks = (
        list(
            ConflictCheck.objects.in_scope(scope)
            .filter(matter=matter)
            .select_related("decided_by")
            .order_by("-run_at")
        )
        if scope.is_firm_member
        else []
    )
    may_decide = conflicts.may_decide(scope)
    # A party added after opening waits for an attorney's decision here, with
    # its results, as the matter itself did at opening.
    waiting = [
        (
            check,
            conflict_selectors.check_hits_for(scope=scope, check=check),
            forms.DecisionForm(auto_id=f"decide_{check.pk}_%s", hits=len(check.hits))
            if may_decide
            else None,
        )
        for check in checks
        if check.kind == ConflictCheck.Kind.PARTY
        and check.decision == ConflictCheck.Decision.PENDING
    ]
    return render(
        request,
        "web/matters/matter_detail.html",
        {
            "matter": matter,
            "tasks": tasks,
            "parties": parties,
            "checks": checks,
            "waiting": waiting,
            "deadlines": matter_deadlines(scope, matter),
            "may_schedule": may_schedule(scope),
            "may_maintain": may_maintain(scope),
            "may_delegate": scope.is_firm_member and not matter.is_closed,
            "may_see_billing_terms": may_read_setup(scope),
            "documents": documents_for_matter_page(scope, matter),
            "exhibits": exhibits_on_matter(scope, matter),
        },
    )


def _maintained(scope, matter_id) -> Matter:
    """The matter, for someone who may change it (others: 404)."""
    forbidden_if(not may_maintain(scope))
    return access_matter(scope, matter_id)


@require_http_methods(["GET", "POST"])
def matter_edit(request, firm_slug, matter_id):
    scope = request.scope
    matter = _maintained(scope, matter_id)
    form = forms.MatterEditForm(
        request.POST or None,
        attorneys=conflict_selectors.responsible_attorneys(scope=scope),
        initial={
            "title": matter.title,
            "practice_area": matter.practice_area,
            "responsible_attorney": matter.responsible_attorney_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            matter_services.matter_update(
                scope=scope, matter=matter, **form.cleaned_data
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"{matter.number} saved.")
            return redirect("matters:matter_detail", firm_slug, matter.public_id)
    return render(
        request, "web/matters/matter_edit.html", {"form": form, "matter": matter}
    )


def _after_party_check(request, check) -> None:
    found = len(check.hits)
    if found:
        messages.warning(
            request,
            f"The conflict check of {check.names[0]} found {found} possible "
            f"match{'es' if found != 1 else ''}. An attorney decides it below.",
        )
    else:
        messages.info(
            request,
            f"The conflict check of {check.names[0]} found no match. An attorney "
            "still records the decision below.",
        )


@require_http_methods(["GET", "POST"])
def matter_party_add(request, firm_slug, matter_id):
    scope = request.scope
    matter = _maintained(scope, matter_id)
    form = forms.PartyForm(request.POST or None, initial={"role": "adverse"})
    if request.method == "POST" and form.is_valid():
        try:
            party, check = conflicts.matter_party_add(
                scope=scope, matter=matter, **form.cleaned_data
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"{party.contact.name} added as {party.get_role_display().lower()}.",
            )
            _after_party_check(request, check)
            return redirect(
                reverse("matters:matter_detail", args=[firm_slug, matter.public_id])
                + "#h-waiting"
            )
    return render(
        request,
        "web/matters/party_form.html",
        {"form": form, "matter": matter, "party": None},
    )


def _party(scope, matter, party_id) -> MatterParty:
    return access_object(
        MatterParty,
        scope,
        party_id,
        queryset=MatterParty.objects.in_scope(scope)
        .filter(matter=matter)
        .select_related("contact", "matter"),
    )


@require_http_methods(["GET", "POST"])
def matter_party_edit(request, firm_slug, matter_id, party_id):
    scope = request.scope
    matter = _maintained(scope, matter_id)
    party = _party(scope, matter, party_id)
    form = forms.PartyForm(
        request.POST or None,
        initial={"name": party.contact.name, "role": party.role},
    )
    del form.fields["kind"]
    if request.method == "POST" and form.is_valid():
        try:
            party, check = conflicts.matter_party_change(
                scope=scope, party=party, **form.cleaned_data
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"{party.contact.name} saved.")
            if check is not None:
                _after_party_check(request, check)
            return redirect(
                reverse("matters:matter_detail", args=[firm_slug, matter.public_id])
                + ("#h-waiting" if check is not None else "#h-parties")
            )
    return render(
        request,
        "web/matters/party_form.html",
        {"form": form, "matter": matter, "party": party},
    )


@require_POST
def matter_party_remove(request, firm_slug, matter_id, party_id):
    scope = request.scope
    matter = _maintained(scope, matter_id)
    party = _party(scope, matter, party_id)
    try:
        conflicts.matter_party_remove(scope=scope, party=party)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{party.contact.name} is no longer a party. The contact stays on "
            "file and in the conflict index.",
        )
    return redirect("matters:matter_detail", firm_slug, matter.public_id)


@require_POST
def matter_close(request, firm_slug, matter_id):
    scope = request.scope
    matter = _maintained(scope, matter_id)
    try:
        matter_services.matter_close(scope=scope, matter=matter)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{matter.number} closed. It stays searchable (status “Closed” in the "
            "matter list) and in the conflict index.",
        )
    return redirect("matters:matter_detail", firm_slug, matter.public_id)


@require_POST
def matter_reopen(request, firm_slug, matter_id):
    scope = request.scope
    matter = _maintained(scope, matter_id)
    try:
        matter_services.matter_reopen(scope=scope, matter=matter)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{matter.number} reopened.")
    return redirect("matters:matter_detail", firm_slug, matter.public_id)


def _consent_forms(request, record_form):
    """The record form and the withdrawal form of a consent page; only the
    one that was sent is bound, so the other keeps its own values."""
    withdrawing = request.POST.get("action") == "withdraw"
    form = record_form(None if withdrawing else (request.POST or None))
    withdraw = forms.ConsentWithdrawForm(request.POST if withdrawing else None)
    return withdrawing, form, withdraw


def _withdrawn_message(request, scope, withdrawal) -> None:
    numbers = ", ".join(sorted(m.number for m in withdrawal.matters))
    if not scope.firm.require_client_consent:
        messages.success(
            request,
            f"Consent withdrawn on {numbers}. {scope.firm} does not require "
            "consent, so outside staff who have these matters opened to them "
            "keep them: withdraw their access on the engagement page.",
        )
        return
    back = len(withdrawal.tasks_back)
    messages.success(
        request,
        f"Consent withdrawn on {numbers}: outside staff no longer see "
        + ("it" if len(withdrawal.matters) == 1 else "them")
        + ", from now."
        + (
            f" {back} unfinished task{'s' if back != 1 else ''} came back to the "
            "firm, unassigned: give them to someone of the firm."
            if back
            else ""
        ),
    )


def _consent_saved(request, scope, *, sent, record, withdraw) -> bool:
    """Run the service of the form that was sent (``record`` returns the
    message to show, ``withdraw`` a ``work.consent.Withdrawal``); True once
    done, False with the errors on the form and everything typed kept."""
    if not sent.is_valid():
        return False
    try:
        if isinstance(sent, forms.ConsentWithdrawForm):
            _withdrawn_message(request, scope, withdraw(sent.cleaned_data))
        else:
            messages.success(request, record(sent.cleaned_data))
    except ServiceError as error:
        apply_service_error(sent, error)
        return False
    return True


def _consent_context(scope, matters) -> dict:
    """Who of the outside staff would lose what, for the withdrawal form."""
    with_consent = [m for m in matters if m.client_consent_on is not None]
    return {
        "required": scope.firm.require_client_consent,
        "losing": consent.outside_staff_losing(scope=scope, matters=with_consent)
        if scope.firm.require_client_consent
        else [],
    }


@require_http_methods(["GET", "POST"])
def matter_consent(request, firm_slug, matter_id):
    """Record, correct or withdraw the client's consent to outside help."""
    scope = request.scope
    matter = _maintained(scope, matter_id)
    withdrawing, form, withdraw = _consent_forms(
        request,
        lambda data: forms.ConsentForm(
            data,
            initial={
                "given_on": matter.client_consent_on,
                "how": matter.client_consent_note,
            },
        ),
    )

    def record(data) -> str:
        matter_services.matter_consent_record(scope=scope, matter=matter, **data)
        return "Client consent recorded."

    if request.method == "POST" and _consent_saved(
        request,
        scope,
        sent=withdraw if withdrawing else form,
        record=record,
        withdraw=lambda data: consent.consent_withdraw_matter(
            scope=scope, matter=matter, **data
        ),
    ):
        return redirect("matters:matter_detail", firm_slug, matter.public_id)
    return render(
        request,
        "web/matters/matter_consent.html",
        {
            "form": form,
            "withdraw": withdraw,
            "matter": matter,
            "clients": MatterParty.objects.in_scope(scope)
            .filter(matter=matter, role=MatterParty.Role.CLIENT)
            .select_related("contact"),
            **_consent_context(scope, [matter]),
        },
    )


@require_http_methods(["GET", "POST"])
def client_consent(request, firm_slug, contact_id):
    """The client's consent to outside help for all its matters at once."""
    scope = request.scope
    forbidden_if(not may_maintain(scope))
    contact = _contact(scope, contact_id)
    withdrawing, form, withdraw = _consent_forms(request, forms.ClientConsentForm)

    def record(data) -> str:
        done = matter_services.client_consent_record(
            scope=scope, contact=contact, **data
        )
        return f"Consent recorded on {', '.join(sorted(m.number for m in done))}."

    if request.method == "POST" and _consent_saved(
        request,
        scope,
        sent=withdraw if withdrawing else form,
        record=record,
        withdraw=lambda data: consent.consent_withdraw_client(
            scope=scope, contact=contact, **data
        ),
    ):
        return redirect("matters:client_consent", firm_slug, contact.public_id)
    matters = list(
        matter_services.client_matters(scope=scope, contact=contact).select_related(
            "responsible_attorney"
        )
    )
    return render(
        request,
        "web/matters/client_consent.html",
        {
            "contact": contact,
            "form": form,
            "withdraw": withdraw,
            "matters": matters,
            "open_matters": [m for m in matters if not m.is_closed],
            "any_consent": any(m.client_consent_on for m in matters),
            **_consent_context(scope, matters),
        },
    )


# --- Contacts ------------------------------------------------------------------


def contact_list(request, firm_slug):
    scope = request.scope
    contacts = Contact.objects.in_scope(scope)
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if q:
        contacts = contacts.filter(
            Q(name__icontains=q) | Q(aliases__name__icontains=q)
        ).distinct()
    if kind in Contact.Kind.values:
        contacts = contacts.filter(kind=kind)
    if request.GET.get("prospective"):
        contacts = contacts.filter(is_prospective=True)
    page = Paginator(contacts.order_by("name"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/matters/contact_list.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "kinds": Contact.Kind.choices,
            "may_edit": conflicts.may_edit_contacts(scope=scope),
        },
    )


def _contact(scope, contact_id, *, for_write=False) -> Contact:
    return access_object(Contact, scope, contact_id, for_write=for_write)


def contact_detail(request, firm_slug, contact_id):
    scope = request.scope
    contact = _contact(scope, contact_id)
    audit_opened(
        request,
        contact,
        action="contact.viewed",
        summary=f"Opened contact {contact.name}",
    )
    parties = (
        MatterParty.objects.in_scope(scope)
        .filter(contact=contact)
        .select_related("matter")
        .order_by("-matter__created_at")
    )
    visible = Contact.objects.in_scope(scope)
    related_out = (
        ContactRelationship.objects.for_firm(scope.firm)
        .filter(from_contact=contact, to_contact__in=visible)
        .select_related("to_contact")
    )
    related_in = (
        ContactRelationship.objects.for_firm(scope.firm)
        .filter(to_contact=contact, from_contact__in=visible)
        .select_related("from_contact")
    )
    rel_form = None
    if scope.is_firm_member:
        rel_form = forms.RelationshipForm(
            kinds=ContactRelationship.Kind.choices,
            contacts=visible.exclude(pk=contact.pk).order_by("name"),
        )
    return render(
        request,
        "web/matters/contact_detail.html",
        {
            "contact": contact,
            "aliases": contact.aliases.all(),
            "parties": parties,
            "related_out": related_out,
            "related_in": related_in,
            "sensitive_fields": sensitive_fields.masked_fields(scope, contact),
            "may_edit_sensitive": sensitive_fields.may_edit(scope),
            "rel_form": rel_form,
            "may_edit": conflicts.may_edit_contacts(scope=scope),
            "may_see_billing_terms": may_read_setup(scope),
            "may_record_consent": may_maintain(scope)
            and any(p.role == MatterParty.Role.CLIENT for p in parties),
        },
    )


@require_http_methods(["GET", "POST"])
def contact_edit(request, firm_slug, contact_id=None):
    scope = request.scope
    forbidden_if(not conflicts.may_edit_contacts(scope=scope))
    contact = _contact(scope, contact_id) if contact_id else None
    initial = {}
    if contact is not None:
        initial = {
            "kind": contact.kind,
            "name": contact.name,
            "aliases": "\n".join(f"{a.name} | {a.kind}" for a in contact.aliases.all()),
            "emails": ", ".join(contact.emails),
            "phones": ", ".join(contact.phones),
            "address": contact.address,
            "is_prospective": contact.is_prospective,
            "notes": contact.notes,
        }
    form = forms.ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Sensitive fields change on their own audited page (web/matters/
        # sensitive); this form keeps what is stored.
        sensitive = {
            "tax_id": contact.tax_id if contact else "",
            "date_of_birth": contact.date_of_birth if contact else None,
        }
        try:
            saved = conflicts.contact_save(
                firm=scope.firm,
                actor=request.user,
                contact=contact,
                kind=data["kind"],
                name=data["name"],
                aliases=form.alias_list(),
                emails=form.split(data["emails"]),
                phones=form.split(data["phones"]),
                address=data["address"],
                is_prospective=data["is_prospective"],
                notes=data["notes"],
                phone_region=firm_region(scope.firm),
                **sensitive,
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect("matters:contact_detail", firm_slug, saved.public_id)
    return render(
        request, "web/matters/contact_form.html", {"form": form, "contact": contact}
    )


@require_POST
def contact_relationship_add(request, firm_slug, contact_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_member)
    contact = _contact(scope, contact_id)
    form = forms.RelationshipForm(
        request.POST,
        kinds=ContactRelationship.Kind.choices,
        contacts=Contact.objects.in_scope(scope).exclude(pk=contact.pk),
    )
    if form.is_valid():
        try:
            conflicts.relationship_add(
                firm=scope.firm,
                actor=request.user,
                from_contact=contact,
                to_contact=form.cleaned_data["other"],
                kind=form.cleaned_data["kind"],
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Relationship recorded.")
    else:
        messages.error(
            request, "Choose the kind of relationship and the other contact."
        )
    return redirect("matters:contact_detail", firm_slug, contact.public_id)


# --- Conflict checks ---------------------------------------------------------


def conflict_check_list(request, firm_slug):
    scope = request.scope
    forbidden_if(not conflicts.may_run_checks(scope))
    decision = request.GET.get("decision", "")
    checks = conflict_selectors.check_list(
        scope=scope,
        decision=decision if decision in ConflictCheck.Decision.values else None,
    ).select_related("run_by", "decided_by", "matter")
    page = Paginator(checks, 50).get_page(request.GET.get("page"))
    page.object_list = conflict_selectors.checks_for_viewer(
        scope=scope, checks=page.object_list
    )
    return render(
        request,
        "web/matters/conflict_check_list.html",
        {
            "page": page,
            "decision": decision,
            "decisions": ConflictCheck.Decision.choices,
        },
    )


@require_http_methods(["GET", "POST"])
def conflict_check_new(request, firm_slug):
    scope = request.scope
    forbidden_if(not conflicts.may_run_checks(scope))
    form = forms.ConflictCheckForm(
        request.POST or None, initial={"names": request.GET.get("names", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            check = conflicts.conflict_check_run(
                scope=scope,
                names=form.name_list(),
                purpose=form.cleaned_data["purpose"],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            return redirect("matters:conflict_check_detail", firm_slug, check.public_id)
    return render(request, "web/matters/conflict_check_form.html", {"form": form})


def _check(scope, check_id) -> ConflictCheck:
    check = conflict_selectors.check_get(scope=scope, public_id=check_id)
    if check is None:
        raise Http404("No such conflict check.")
    return check


@require_http_methods(["GET", "POST"])
def conflict_check_detail(request, firm_slug, check_id):
    scope = request.scope
    forbidden_if(not conflicts.may_run_checks(scope))
    check = _check(scope, check_id)
    # Someone screened from (or not granted) the check's matter cannot weigh
    # its hits, which are not shown to them: they may not decide it either.
    hidden = conflict_selectors.check_for_viewer(scope=scope, check=check).matter_hidden
    form = (
        forms.DecisionForm(request.POST or None, hits=len(check.hits))
        if conflicts.may_decide(scope) and not hidden
        else None
    )
    if request.method == "POST":
        forbidden_if(form is None)
        if form.is_valid():
            try:
                conflicts.conflict_decide(
                    scope=scope,
                    check=check,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                )
            except ServiceError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, "Decision recorded.")
                if (
                    request.POST.get("back") == "matter"
                    and check.matter_id
                    and scope.can_see_matter(check.matter)
                ):
                    return redirect(
                        "matters:matter_detail", firm_slug, check.matter.public_id
                    )
                return redirect(
                    "matters:conflict_check_detail", firm_slug, check.public_id
                )
    hits = conflict_selectors.check_hits_for(scope=scope, check=check)
    audit_opened(
        request,
        check,
        action="conflict.check_viewed",
        matter=check.matter if check.matter_id else None,
        summary="Opened a conflict check and its hits",
    )
    return render(
        request,
        "web/matters/conflict_check_detail.html",
        {
            "check": conflict_selectors.check_for_viewer(scope=scope, check=check),
            "hits": hits,
            "form": form,
            "may_open": check.allows_opening and check.matter_id is None,
        },
    )


# --- Opening a matter --------------------------------------------------------


def _party_rows(scope, check):
    """One row per searched name, offering the contacts the check found for it
    (those the person may see: a contact known only through a matter hidden
    from them is not offered)."""
    hits = conflict_selectors.check_hits_for(scope=scope, check=check)
    rows = []
    for name in check.names:
        found = [
            (h["contact"], f"{h['contact_name']} (existing contact, {h['score']}%)")
            for h in hits
            if h["name"] == name
            and h["contact"]
            and not h.get("related")
            and h["score"] >= 90
        ]
        rows.append((name, list(dict.fromkeys(found))))
    return rows


@require_http_methods(["GET", "POST"])
def matter_open(request, firm_slug, check_id):
    scope = request.scope
    forbidden_if(not conflicts.may_run_checks(scope))
    check = _check(scope, check_id)
    if not check.allows_opening or check.matter_id is not None:
        messages.error(
            request,
            "A matter opens only on a cleared (or waived) conflict check that has "
            "not opened a matter yet.",
        )
        return redirect("matters:conflict_check_detail", firm_slug, check.public_id)
    form = forms.MatterOpenForm(
        request.POST or None,
        attorneys=conflict_selectors.responsible_attorneys(scope=scope),
        parties=_party_rows(scope, check),
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                parties = []
                for row in form.parties():
                    if row["contact"]:
                        contact = _contact(scope, row["contact"])
                    else:
                        contact = conflicts.contact_save(
                            firm=scope.firm,
                            actor=request.user,
                            kind=row["kind"],
                            name=row["name"],
                            phone_region=firm_region(scope.firm),
                        )
                    parties.append((contact, row["role"]))
                matter = conflicts.matter_open(
                    scope=scope,
                    check=check,
                    parties=parties,
                    title=form.cleaned_data["title"],
                    practice_area=form.cleaned_data["practice_area"],
                    responsible_attorney=form.cleaned_data["responsible_attorney"],
                    description=form.cleaned_data["description"],
                    key_facts=form.cleaned_data["key_facts"],
                )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Matter {matter.number} opened.")
            if scope.can_see_matter(matter):
                return redirect("matters:matter_detail", firm_slug, matter.public_id)
            return redirect("matters:conflict_check_detail", firm_slug, check.public_id)
    return render(
        request, "web/matters/matter_open.html", {"form": form, "check": check}
    )


# --- Ethical screens ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
def matter_screens(request, firm_slug, matter_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    matter = access_matter(scope, matter_id)
    form = forms.ScreenForm(
        request.POST or None, users=conflict_selectors.screenable_users(scope=scope)
    )
    if request.method == "POST" and form.is_valid():
        try:
            matter_screen_add(scope=scope, matter=matter, **form.cleaned_data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['user']} walled off.")
            return redirect("matters:matter_screens", firm_slug, matter.public_id)
    screens = (
        MatterScreen.objects.in_scope(scope)
        .filter(matter=matter)
        .select_related("user")
    )
    return render(
        request,
        "web/matters/matter_screens.html",
        {"matter": matter, "screens": screens, "form": form},
    )


@require_POST
def matter_screen_delete(request, firm_slug, matter_id, screen_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    matter = access_matter(scope, matter_id)
    screen = access_object(
        MatterScreen,
        scope,
        screen_id,
        queryset=MatterScreen.objects.in_scope(scope).filter(matter=matter),
    )
    matter_screen_remove(scope=scope, screen=screen)
    messages.success(request, "Screen removed.")
    return redirect(
        reverse("matters:matter_screens", args=[firm_slug, matter.public_id])
    )


# --- Import and export -------------------------------------------------------


def _upload_dir(scope) -> Path:
    path = Path(settings.VAR_DIR) / "uploads" / str(scope.firm.public_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


@require_http_methods(["GET", "POST"])
def import_page(request, firm_slug):
    """Check a file first (nothing written), then import it whole on request.

    The checked upload is kept on the server under a random token, so the
    person confirms the import without uploading again.
    """
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    form = forms.ImportForm()
    result = None
    pending = request.session.get("pending_import")
    if request.method == "POST" and request.POST.get("confirm") and pending:
        path = _upload_dir(scope) / pending["token"]
        if not path.exists():
            messages.error(request, "The checked file is gone; upload it again.")
            return redirect("matters:import_page", firm_slug)
        result = import_file(
            firm=scope.firm,
            actor=request.user,
            kind=pending["kind"],
            file=path.read_bytes(),
            layout=pending["layout"],
            mapping=pending["mapping"],
            filename=pending["filename"],
        )
        path.unlink(missing_ok=True)
        del request.session["pending_import"]
        if result.written:
            messages.success(request, result.summary())
            return redirect("matters:contact_list", firm_slug)
    elif request.method == "POST":
        form = forms.ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            result = import_file(
                firm=scope.firm,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file=content,
                layout=form.cleaned_data["layout"],
                mapping=form.cleaned_data["mapping_dict"] or None,
                dry_run=True,
                filename=upload.name,
            )
            if result.ok:
                token = secrets.token_urlsafe(16)
                (_upload_dir(scope) / token).write_bytes(content)
                request.session["pending_import"] = {
                    "token": token,
                    "kind": form.cleaned_data["kind"],
                    "layout": form.cleaned_data["layout"],
                    "mapping": form.cleaned_data["mapping_dict"] or None,
                    "filename": upload.name,
                }
    return render(request, "web/matters/import.html", {"form": form, "result": result})


@sensitive
def contact_export(request, firm_slug):
    """Every contact of the firm in one file: the password is asked again
    (web/accounts/reauth.py), as for every bulk export of client data."""
    scope = request.scope
    forbidden_if(not scope.is_firm_member)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{scope.firm.slug}-contacts.csv"'
    )
    stream = io.StringIO()
    export_contacts_csv(stream=stream, scope=scope, actor=request.user)
    response.write(stream.getvalue())
    return response
