"""Signing in: the sign-in page and two-factor."""

import base64
from urllib.parse import quote

import segno
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import forms, reauth


class LoginView(auth_views.LoginView):
    template_name = "web/accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # "/" sends each person where their work is (today.views.landing_url).
        return reverse("today:home")


@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Set up an authenticator app (first time) or enter today's code."""
    next_url = request.GET.get("next") or reverse("today:home")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse("today:home")
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    device = confirmed
    if device is None:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=request.user, name="Authenticator app", confirmed=False
            )
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error(
                "token",
                "Too many wrong codes in a row. Wait half a minute, then type the "
                "code that is showing now.",
            )
        elif device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(next_url)
        else:
            form.add_error(
                "token",
                "That code did not match. Check that your phone's clock is right and "
                "type the code that is showing now.",
            )
    context = {"form": form, "setting_up": confirmed is None, "next": next_url}
    if confirmed is None:
        secret = base64.b32encode(device.bin_key).decode()
        uri = (
            f"otpauth://totp/FirmDesk:{quote(request.user.email)}"
            f"?secret={secret}&issuer=FirmDesk"
        )
        context.update(secret=secret, qr_svg=segno.make(uri).svg_inline(scale=4))
    return render(request, "web/accounts/two_factor.html", context)


def _confirm_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _safe_next(request, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}):
        return candidate
    return reverse("today:home")


def _carried_fields(post) -> list[tuple[str, str]]:
    """The fields of a stale POST to send on, without the confirm form's own."""
    skip = {"csrfmiddlewaretoken", "password", "token", "_confirm", "_next"}
    return [(k, v) for k in post for v in post.getlist(k) if k not in skip]


@require_http_methods(["GET", "POST"])
def confirm(request):
    """Type your password (and code) again before a sensitive action."""
    next_url = _safe_next(request, request.GET.get("next", ""))
    device = _confirm_device(request.user)
    form = forms.ConfirmForm(request.POST or None, user=request.user, device=device)
    if request.method == "POST" and form.is_valid():
        reauth.mark_confirmed(request)
        audit_sign_in_event(request, "account.confirmed")
        return redirect(next_url)
    return render(
        request,
        "web/accounts/confirm.html",
        {"form": form, "next": next_url, "carried": []},
    )


def confirm_stale_post(request):
    """A sensitive form sent after the confirmation window closed: ask for the
    password here, keep what was typed, and send it on when confirmed."""
    device = _confirm_device(request.user)
    carried = _carried_fields(request.POST)
    confirming = "_confirm" in request.POST
    form = forms.ConfirmForm(
        request.POST if confirming else None, user=request.user, device=device
    )
    if confirming and form.is_valid():
        reauth.mark_confirmed(request)
        audit_sign_in_event(request, "account.confirmed")
        return render(
            request,
            "web/accounts/confirm_continue.html",
            {"action": request.get_full_path(), "carried": carried},
        )
    return render(
        request,
        "web/accounts/confirm.html",
        {
            "form": form,
            "action": request.get_full_path(),
            "carried": carried,
            "stale": True,
        },
        status=200,
    )


def audit_sign_in_event(request, action: str) -> None:
    """Confirmations are recorded in the trail of every organisation the
    person belongs to, where that organisation's admins can see them."""
    from firmdesk.audit.services import audit_record
    from firmdesk.orgs.models import Membership

    for membership in Membership.objects.filter(
        user=request.user, is_active=True
    ).select_related("organization"):
        audit_record(
            org=membership.organization,
            actor=request.user,
            action=action,
            summary=f"{request.user} confirmed their password for a sensitive action",
        )
