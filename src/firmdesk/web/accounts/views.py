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

from . import forms


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
