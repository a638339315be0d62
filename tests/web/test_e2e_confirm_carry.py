"""Between parts (issue 20): a sensitive form sent after the confirmation
window closed comes back as the confirm page carrying what was typed
(accounts' ``@sensitive``). For ending an engagement that includes the
export's passphrase, for the sensitive fields a client's tax ID: neither the
confirm page nor the page after it may be kept by a browser or a proxy."""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from firmdesk.engagements.models import Engagement
from tests.compliance.ending_helpers import PASSPHRASE
from tests.factories import PASSWORD
from tests.web.test_engagement_ending import _ending, end_url, unconfirmed


def test_a_stale_ending_carries_the_passphrase_only_in_pages_never_stored(
    firm, firm_admin, engagement
):
    admin = unconfirmed(firm_admin)
    typed = _ending(reason="Moving reception in-house")

    asked = admin.post(end_url(firm, engagement), typed)

    assert "Confirm it is you" in asked.content.decode()
    assert PASSPHRASE in asked.content.decode()  # nothing typed is lost...
    assert "no-store" in asked["Cache-Control"]  # ...and nothing keeps it

    # Signed in with an authenticator (tests.factories.sign_in): its code too.
    device = TOTPDevice.objects.get(user=firm_admin)
    code = f"{TOTP(device.bin_key).token():06d}"
    confirmed = admin.post(
        end_url(firm, engagement),
        {**typed, "_confirm": "1", "password": PASSWORD, "token": code},
    )

    assert "Press <strong>Continue</strong>" in confirmed.content.decode()
    assert "no-store" in confirmed["Cache-Control"]
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.ACTIVE

    ended = admin.post(end_url(firm, engagement), typed)

    assert ended.status_code == 302
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.ENDED
