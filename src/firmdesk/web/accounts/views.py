"""Signing in: the sign-in page and two-factor."""

import base64
from urllib.parse import quote

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.password_validation import password_validators_help_texts
from django.db import transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from firmdesk.orgs.sessions import rekey
from firmdesk.web.pages import see_other

from . import forms, reauth, services
from .reauth import sensitive


class LoginView(auth_views.LoginView):
    template_name = "web/accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # "/" sends each person where their work is (today.views.landing_url).
        return reverse("today:home")


def _next_url(request) -> str:
    return _safe_next(request, request.GET.get("next", ""))


@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Set up an authenticator app (first time) or enter today's code."""
    next_url = _next_url(request)
    confirmed = services.authenticator_of(request.user)
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
            otp_login(request, device)
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = services.recovery_codes_create(user=request.user)
                return _show_codes(request, codes, next_url=next_url, first=True)
            if services.recovery_device_of(request.user) is None:
                # Set up before recovery codes existed: nothing to fall back on.
                messages.warning(
                    request,
                    "You have no recovery codes yet. Make them now on your "
                    "Recovery codes page, and keep them where you would find them "
                    "if your phone were lost.",
                )
            return redirect(next_url)
        else:
            form.add_error(
                "token",
                "That code did not match. Check that your phone's clock is right and "
                "type the code that is showing now.",
            )
    context = {
        "form": form,
        "setting_up": confirmed is None,
        "next": next_url,
        "has_codes": confirmed is not None
        and services.recovery_codes_left(request.user) > 0,
        "codes_made": services.recovery_device_of(request.user) is not None,
    }
    if confirmed is None:
        # django-otp builds the otpauth URI (issuer: settings.OTP_TOTP_ISSUER).
        uri = device.config_url
        secret = base64.b32encode(device.bin_key).decode()
        context.update(secret=secret, qr_svg=segno.make(uri).svg_inline(scale=4))
    return render(request, "web/accounts/two_factor.html", context)


@require_http_methods(["GET", "POST"])
def two_factor_recovery(request):
    """Sign in with a recovery code when the phone is lost or not at hand."""
    next_url = _next_url(request)
    if services.authenticator_of(request.user) is None:
        query = urlencode({"next": next_url})
        return redirect(f"{reverse('accounts:two_factor')}?{query}")
    form = forms.RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.recovery_code_throttled(request.user):
            form.add_error(
                "code",
                "Several wrong codes in a row. Wait a few seconds, then type the "
                "code again.",
            )
            return _recovery_page(request, form, next_url)
        device, left = services.recovery_code_use(
            user=request.user, typed=form.cleaned_data["code"]
        )
        if device is None:
            form.add_error(
                "code",
                "That code did not work: it is wrong, or it was used already (each "
                "code works once). Check it and type another of your codes.",
            )
        else:
            otp_login(request, device)
            if left <= services.RECOVERY_CODES_LOW:
                messages.warning(
                    request,
                    f"You have {services.counted(left, 'recovery code')} left. "
                    "Make new ones now, on your recovery codes page.",
                )
            else:
                messages.info(
                    request, f"Signed in with a recovery code; {left} codes left."
                )
            return redirect(next_url)
    return _recovery_page(request, form, next_url)


def _recovery_page(request, form, next_url):
    return render(
        request,
        "web/accounts/two_factor_recovery.html",
        {"form": form, "next": next_url},
    )


def _show_codes(request, codes: list[str], *, next_url: str, first: bool):
    """The codes, once: on the page and as a .txt to save, in this one
    response; FirmDesk never shows them again."""
    text = render_to_string(
        "web/accounts/recovery_codes.txt", {"codes": codes, "user": request.user}
    )
    response = render(
        request,
        "web/accounts/recovery_codes_new.html",
        {
            "codes": codes,
            "next": next_url,
            "first": first,
            "download_href": "data:text/plain;charset=utf-8," + quote(text),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET"])
def recovery_codes(request):
    """How many recovery codes are left, and making new ones."""
    if services.authenticator_of(request.user) is None:
        return redirect("accounts:two_factor")
    left = services.recovery_codes_left(request.user)
    return render(
        request,
        "web/accounts/recovery_codes.html",
        {"left": left, "low": left <= services.RECOVERY_CODES_LOW},
    )


@require_POST
@sensitive
def recovery_codes_regenerate(request):
    if services.authenticator_of(request.user) is None:
        return redirect("accounts:two_factor")
    codes = services.recovery_codes_create(user=request.user, regenerated=True)
    return _show_codes(
        request, codes, next_url=reverse("accounts:recovery_codes"), first=False
    )


@require_http_methods(["GET"])
def sessions(request):
    """Where you are signed in."""
    return render(
        request,
        "web/accounts/sessions.html",
        {
            "rows": services.open_sessions_of(request.user),
            "current_key": request.session.session_key,
        },
    )


@require_POST
def sessions_end_others(request):
    ended = services.sessions_end_others(
        user=request.user,
        keep=request.session.session_key,
        reason="Signed out from another browser (Where you are signed in)",
    )
    if ended:
        messages.success(
            request,
            f"Signed out of {services.counted(ended, 'other session')}. "
            "Only this browser is signed in now.",
        )
    else:
        messages.info(request, "You were not signed in anywhere else.")
    return see_other(reverse("accounts:sessions"))


@require_http_methods(["GET", "POST"])
def password_change(request):
    """Change your password; every other session of yours ends."""
    form = forms.PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            old_key = request.session.session_key
            update_session_auth_hash(request, form.user)
            rekey(old_key, request.session.session_key)
            services.password_changed(
                user=request.user, keep=request.session.session_key
            )
        messages.success(
            request,
            "Your password is changed. Every other browser where you were signed "
            "in has been signed out.",
        )
        return see_other(reverse("accounts:password_change"))
    return render(
        request,
        "web/accounts/password_change.html",
        {"form": form, "rules": password_validators_help_texts()},
    )


@require_http_methods(["GET", "POST"])
def member_sign_out(request, firm_slug, user_id):
    """A firm admin signs one of the firm's members out of every browser."""
    member = services.firm_member(scope=request.scope, public_id=user_id)
    if request.method == "POST":
        ended = services.member_sign_out_everywhere(scope=request.scope, member=member)
        messages.success(
            request,
            f"{member} is signed out everywhere ({services.counted(ended, 'session')}"
            " ended). They can sign in again with "
            "their password.",
        )
        return see_other(reverse("engagements:people", args=[firm_slug]))
    return render(
        request,
        "web/accounts/member_sign_out.html",
        {
            "member": member,
            "open_sessions": services.open_sessions_of(member).count(),
        },
    )


def _confirm_device(user):
    return services.authenticator_of(user)


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
    password here, keep what was typed, and send it on when confirmed.

    What was typed travels in the page as hidden fields (an export's
    passphrase, a client's tax ID): neither page may be kept by the browser
    or a proxy, so both are ``no-store``."""
    device = _confirm_device(request.user)
    carried = _carried_fields(request.POST)
    confirming = "_confirm" in request.POST
    form = forms.ConfirmForm(
        request.POST if confirming else None, user=request.user, device=device
    )
    if confirming and form.is_valid():
        reauth.mark_confirmed(request)
        audit_sign_in_event(request, "account.confirmed")
        response = render(
            request,
            "web/accounts/confirm_continue.html",
            {"action": request.get_full_path(), "carried": carried},
        )
    else:
        response = render(
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
    add_never_cache_headers(response)
    return response


def audit_sign_in_event(request, action: str) -> None:
    """Confirmations are recorded in the trail of every organisation that
    answers for the person, where its admins can see them."""
    services.audit_account_event(
        user=request.user,
        action=action,
        summary=f"{request.user} confirmed their password for a sensitive action",
    )
