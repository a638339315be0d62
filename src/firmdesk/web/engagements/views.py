"""Engagements with providers: their staff, confidentiality agreements and
need-to-know grants; the firm's people and absences; a provider's staff
roster. Views stay thin: rows come through the Scope (access_* helpers and
``Model.objects.in_scope``), writes go through services."""

import datetime
import zoneinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from firmdesk.access.selectors import (
    access_engagement,
    access_object,
    current_assignments_of_provider,
    engagement_roster,
)
from firmdesk.common.errors import ServiceError
from firmdesk.compliance.ending import ending_status, staff_left
from firmdesk.conflicts.services import prior_employers_check
from firmdesk.documents.models import SignedAgreement
from firmdesk.documents.selectors import (
    nda_by_assignment,
    provider_staff_agreements,
    signed_agreements_of,
)
from firmdesk.engagements import services as engagement_services
from firmdesk.engagements.models import (
    Assignment,
    Engagement,
    MatterGrant,
)
from firmdesk.engagements.selectors import assignable_staff, assigned_staff
from firmdesk.insights import permissions as insights_permissions
from firmdesk.insights import pilots
from firmdesk.insights.figures import period_figures
from firmdesk.matters.models import Matter
from firmdesk.orgs import services as org_services
from firmdesk.orgs.models import (
    Membership,
    Organization,
    StaffProfile,
)
from firmdesk.orgs.selectors import provider_administered_by
from firmdesk.web.pages import (
    apply_service_error,
    apply_validation_error,
    day_in_range,
    forbidden_if,
)
from firmdesk.work import services as work_services
from firmdesk.work.selectors import engagement_week_review

from . import forms

# --- Engagements -----------------------------------------------------------------


def engagement_list(request, firm_slug):
    scope = request.scope
    forbidden_if(not scope.is_firm_member)
    engagements = (
        Engagement.objects.in_scope(scope)
        .select_related("provider")
        .annotate(staff_count=Count("assignments", distinct=True))
    )
    return render(
        request, "web/engagements/engagement_list.html", {"engagements": engagements}
    )


@require_http_methods(["GET", "POST"])
def engagement_new(request, firm_slug):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    form = forms.EngagementForm(request.POST or None, firm=scope.firm)
    if request.method == "POST" and form.is_valid():
        fields = form.engagement_fields()
        try:
            engagement = engagement_services.engagement_create(scope=scope, **fields)
        except ServiceError as error:
            apply_service_error(form, error)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"Engagement “{engagement}” created.")
            return redirect(
                "engagements:engagement_detail", firm_slug, engagement.public_id
            )
    return render(
        request,
        "web/engagements/engagement_form.html",
        {"form": form, "engagement": None},
    )


def engagement_detail(request, firm_slug, engagement_id):
    scope = request.scope
    engagement = access_engagement(scope, engagement_id)
    today_ = timezone.localdate(timezone=scope.firm.tz)
    rows = engagement_roster(scope=scope, engagement=engagement, today=today_)
    grants = (
        MatterGrant.objects.in_scope(scope)
        .filter(engagement=engagement)
        .select_related("matter", "user")
    )
    signed = list(signed_agreements_of(scope, engagement))
    kept = {s.agreement_id: s for s in signed if s.agreement_id}
    for row in rows:
        agreement = row["agreement"]
        row["signed"] = kept.get(agreement.pk) if agreement else None
    masters = [s for s in signed if s.kind == SignedAgreement.Kind.MASTER]
    return render(
        request,
        "web/engagements/engagement_detail.html",
        {
            "engagement": engagement,
            "rows": rows,
            "grants": grants,
            "master": masters[0] if masters else None,
            "earlier_masters": masters[1:],
            "live": engagement.is_live(today_),
            "pilot_targets": pilots.target_lines(engagement),
            "pilot_page": pilots.is_pilot(engagement)
            and insights_permissions.may_read(scope),
            "ending": ending_status(scope=scope, engagement=engagement),
        },
    )


@require_http_methods(["GET", "POST"])
def engagement_edit(request, firm_slug, engagement_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    engagement = access_engagement(scope, engagement_id)
    if engagement.status == Engagement.Status.ENDED:
        messages.error(
            request, "This engagement has ended and can no longer be changed."
        )
        return redirect(
            "engagements:engagement_detail", firm_slug, engagement.public_id
        )
    form = forms.EngagementForm(
        request.POST or None, instance=engagement, firm=scope.firm
    )
    if request.method == "POST" and form.is_valid():
        fields = form.engagement_fields()
        fields.pop("provider")
        try:
            engagement_services.engagement_update(
                scope=scope, engagement=engagement, **fields
            )
        except ServiceError as error:
            apply_service_error(form, error)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Engagement saved.")
            return redirect(
                "engagements:engagement_detail", firm_slug, engagement.public_id
            )
    return render(
        request,
        "web/engagements/engagement_form.html",
        {"form": form, "engagement": engagement},
    )


@require_http_methods(["GET", "POST"])
def engagement_assign(request, firm_slug, engagement_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    engagement = access_engagement(scope, engagement_id)
    form = forms.AssignForm(
        request.POST or None,
        engagement=engagement,
        staff=assignable_staff(engagement=engagement),
    )
    if request.method == "POST" and form.is_valid():
        try:
            engagement_services.assignment_create(
                scope=scope,
                engagement=engagement,
                user=form.cleaned_data["user"],
                functions=form.cleaned_data["functions"],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            person = form.cleaned_data["user"]
            messages.success(
                request,
                f"{person} assigned. They see nothing of the firm until they "
                "sign the confidentiality agreement (FirmDesk shows it to them "
                "when they sign in) or you record their signature.",
            )
            _warn_prior_employers(request, scope, person)
            return redirect(
                "engagements:engagement_detail", firm_slug, engagement.public_id
            )
    return render(
        request,
        "web/engagements/engagement_assign.html",
        {"form": form, "engagement": engagement},
    )


def _warn_prior_employers(request, scope, person) -> None:
    """Rule 1.10 for outside staff: their former employers against the firm's
    parties, shown to the firm admin at the moment of assignment."""
    hits = prior_employers_check(firm=scope.firm, user=person)
    if not hits:
        return
    found = "; ".join(
        f"{h.name} ~ {h.contact_name}"
        + (f" ({h.role.lower()} in {h.matter})" if h.matter else "")
        for h in hits[:5]
    )
    messages.warning(
        request,
        f"Check before opening matters to {person}: their former employers match "
        f"parties of the firm — {found}. Consider an ethical screen on those "
        "matters.",
    )


@require_http_methods(["GET", "POST"])
def assignment_end(request, firm_slug, engagement_id, assignment_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    engagement = access_engagement(scope, engagement_id)
    assignment = access_object(
        Assignment,
        scope,
        assignment_id,
        queryset=Assignment.objects.in_scope(scope).filter(engagement=engagement),
    )
    if request.method == "POST":
        engagement_services.assignment_end(scope=scope, assignment=assignment)
        messages.success(request, f"{assignment.user} no longer has access.")
        return redirect(
            "engagements:engagement_detail", firm_slug, engagement.public_id
        )
    return render(
        request,
        "web/confirm.html",
        {
            "title": f"Remove {assignment.user} from {engagement}?",
            "body": "They lose access to the firm's data at once.",
            "button": "Remove from engagement",
            "cancel": reverse(
                "engagements:engagement_detail", args=[firm_slug, engagement.public_id]
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def engagement_grant(request, firm_slug, engagement_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    engagement = access_engagement(scope, engagement_id)
    open_matters = Matter.objects.in_scope(scope).exclude(Matter.closed_q())
    form = forms.GrantForm(
        request.POST or None,
        matters=open_matters,
        staff=assigned_staff(scope=scope, engagement=engagement),
    )
    if request.method == "POST" and form.is_valid():
        try:
            engagement_services.matter_grant(
                scope=scope,
                engagement=engagement,
                matter=form.cleaned_data["matter"],
                user=form.cleaned_data["user"],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['matter']} opened.")
            return redirect(
                "engagements:engagement_detail", firm_slug, engagement.public_id
            )
    return render(
        request,
        "web/engagements/engagement_grant.html",
        {
            "form": form,
            "engagement": engagement,
            "no_consent": open_matters.filter(client_consent_on__isnull=True)
            if scope.firm.require_client_consent
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
def grant_revoke(request, firm_slug, engagement_id, grant_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    engagement = access_engagement(scope, engagement_id)
    grant = access_object(
        MatterGrant,
        scope,
        grant_id,
        queryset=MatterGrant.objects.in_scope(scope).filter(engagement=engagement),
    )
    who = grant.user or "everyone assigned"
    if request.method == "POST":
        engagement_services.matter_grant_revoke(scope=scope, grant=grant)
        messages.success(request, f"{grant.matter} is no longer open to {who}.")
        return redirect(
            "engagements:engagement_detail", firm_slug, engagement.public_id
        )
    return render(
        request,
        "web/confirm.html",
        {
            "title": f"Withdraw access to {grant.matter}?",
            "body": f"{who} will no longer see this matter, from this moment. "
            "Tasks given to them on it stay visible to them.",
            "button": "Withdraw access",
            "cancel": reverse(
                "engagements:engagement_detail", args=[firm_slug, engagement.public_id]
            ),
        },
    )


# --- Weekly review ---------------------------------------------------------------


def _week_monday(value: str | None, today: datetime.date) -> datetime.date:
    """``2026-W47`` → that week's Monday; anything unreadable → this week's.
    A week the calendar cannot hold (``9999-W52``) is not found: stepping a
    week either side of it would overflow."""
    if value:
        try:
            year, week = value.upper().split("-W")
            monday = datetime.date.fromisocalendar(int(year), int(week), 1)
        except ValueError:
            pass
        else:
            if not day_in_range(monday):
                raise Http404("No such week here.")
            return monday
    return today - datetime.timedelta(days=today.weekday())


def _week_param(monday: datetime.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def engagement_weekly(request, firm_slug, engagement_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_member)
    engagement = access_engagement(scope, engagement_id)
    tz = scope.firm.tz
    today = timezone.localdate(timezone=tz)
    monday = _week_monday(request.GET.get("week"), today)
    start = datetime.datetime.combine(monday, datetime.time.min, tzinfo=tz)
    next_monday = monday + datetime.timedelta(days=7)
    end = datetime.datetime.combine(next_monday, datetime.time.min, tzinfo=tz)
    review = engagement_week_review(
        scope, engagement, start=start, end=end, now=timezone.now()
    )
    sunday = monday + datetime.timedelta(days=6)
    # The week's figures come from the insights roll-up, with the dashboard's
    # formulas (issue 18, 8a): one source for each figure.
    figures = period_figures(
        scope.firm, monday, sunday, engagement=engagement, today=today
    )
    this_monday = today - datetime.timedelta(days=today.weekday())
    return render(
        request,
        "web/engagements/weekly_review.html",
        {
            "engagement": engagement,
            "r": review,
            "figures": figures,
            "screened": bool(scope.screened_matter_ids),
            "monday": monday,
            "sunday": sunday,
            "week": _week_param(monday),
            "previous_week": _week_param(monday - datetime.timedelta(days=7)),
            "next_week": _week_param(next_monday) if monday < this_monday else None,
            "is_this_week": monday == this_monday,
            "firm_tz": tz,
        },
    )


# --- People and absences ---------------------------------------------------------


def people(request, firm_slug):
    scope = request.scope
    forbidden_if(not scope.is_firm_member)
    members = (
        Membership.objects.filter(organization=scope.firm, is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    )
    assignments = (
        Assignment.objects.in_scope(scope)
        .filter(
            engagement__status__in=[Engagement.Status.PILOT, Engagement.Status.ACTIVE]
        )
        .select_related("user", "engagement__provider")
    )
    signed = nda_by_assignment(scope=scope, assignments=assignments)
    rows = [{"assignment": a, "agreement": signed.get(a.pk)} for a in assignments]
    return render(
        request,
        "web/engagements/people.html",
        {"members": members, "rows": rows},
    )


def _handed_over(moved: int) -> str:
    """The sentence that follows a roster change which handed open work over."""
    if moved == 1:
        return " 1 open task was handed over."
    return f" {moved} open tasks were handed over." if moved else ""


def _absence_page(request, *, org, person, back_url):
    form = forms.AbsenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org_services.absence_record(
                actor=request.user, org=org, user=person, **form.cleaned_data
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            moved = work_services.tasks_hand_over_if_unavailable(person)
            messages.success(
                request,
                f"Absence recorded for {person}." + _handed_over(moved),
            )
            return redirect(request.path)
    absences = person.absences.all()[:50]
    return render(
        request,
        "web/engagements/absences.html",
        {
            "form": form,
            "person": person,
            "absences": absences,
            "org": org,
            "back_url": back_url,
        },
    )


@require_http_methods(["GET", "POST"])
def person_absences(request, firm_slug, user_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    membership = (
        Membership.objects.filter(
            organization=scope.firm, user__public_id=user_id, is_active=True
        )
        .select_related("user")
        .first()
    )
    if membership is None:
        raise Http404("No such person in this firm.")
    return _absence_page(
        request,
        org=scope.firm,
        person=membership.user,
        back_url=reverse("engagements:people", args=[firm_slug]),
    )


# --- Provider space --------------------------------------------------------------


def _provider_for_admin(request, provider_slug) -> Organization:
    """The provider whose admin the user is, or 404."""
    provider = provider_administered_by(user=request.user, provider_slug=provider_slug)
    if provider is None:
        raise Http404("Not here.")
    return provider


def provider_staff(request, provider_slug):
    provider = _provider_for_admin(request, provider_slug)
    profiles = (
        StaffProfile.objects.filter(organization=provider)
        .select_related("user")
        .order_by("status", "user__full_name")
    )
    today_ = timezone.localdate(timezone=provider.tz)
    absent = set(
        provider.staff_profiles.filter(
            user__absences__start__lte=today_, user__absences__end__gte=today_
        ).values_list("user_id", flat=True)
    )
    assignments = {}
    for a in current_assignments_of_provider(provider=provider, today=today_):
        assignments.setdefault(a.user_id, []).append(a.firm.name)
    agreements = provider_staff_agreements(provider=provider)
    rows = [
        {
            "profile": p,
            "absent": p.user_id in absent,
            "firms": sorted(assignments.get(p.user_id, [])),
            "agreements": agreements.get(p.user_id, []),
        }
        for p in profiles
    ]
    return render(
        request,
        "web/engagements/provider_staff.html",
        {"provider": provider, "rows": rows},
    )


@require_http_methods(["GET", "POST"])
def provider_staff_absences(request, provider_slug, user_id):
    provider = _provider_for_admin(request, provider_slug)
    profile = (
        StaffProfile.objects.filter(organization=provider, user__public_id=user_id)
        .select_related("user")
        .first()
    )
    if profile is None:
        raise Http404("No such staff member.")
    return _absence_page(
        request,
        org=provider,
        person=profile.user,
        back_url=reverse("engagements:provider_staff", args=[provider_slug]),
    )


@require_http_methods(["GET", "POST"])
def provider_staff_left(request, provider_slug, user_id):
    provider = _provider_for_admin(request, provider_slug)
    profile = (
        StaffProfile.objects.filter(
            organization=provider,
            user__public_id=user_id,
            status=StaffProfile.Status.ACTIVE,
        )
        .select_related("user")
        .first()
    )
    if profile is None:
        raise Http404("No such staff member.")
    # "Today" where the person works: in the evening in New York it is already
    # tomorrow on the server's clock.
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(profile.time_zone))
    form = forms.LeftForm(request.POST or None, initial={"left_on": today})
    if request.method == "POST" and form.is_valid():
        # Signed out and feed addresses revoked in every firm they served.
        staff_left(
            actor=request.user,
            provider=provider,
            profile=profile,
            left_on=form.cleaned_data["left_on"],
        )
        moved = work_services.tasks_hand_over_if_unavailable(profile.user)
        messages.success(
            request,
            f"{profile.user} marked as left; their access ended." + _handed_over(moved),
        )
        return redirect("engagements:provider_staff", provider_slug)
    return render(
        request,
        "web/engagements/staff_left.html",
        {"form": form, "profile": profile, "provider": provider},
    )
