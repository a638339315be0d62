"""``firmdesk token``: operators make, list and revoke API tokens."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from firmdesk.audit.models import AuditEvent
from firmdesk.integrations.models import ApiToken
from tests.api.helpers import Api, token_for


def token(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def _matters(firm) -> str:
    return reverse("api:list_matters", kwargs={"firm_slug": firm.slug})


def test_create_prints_only_the_token_which_works_for_the_persons_one_firm(
    firm, attorney, matter
):
    secret, told = token("create", "--user", "ATTORNEY@hale.test", "--name", "Clio")

    assert secret.startswith("fd_") and "\n" not in secret
    assert Api(secret).get(_matters(firm)).status_code == 200
    assert "shown only this once" in told and secret not in told
    made = ApiToken.objects.get()
    assert (made.firm, made.user, made.created_by) == (firm, attorney, None)
    event = AuditEvent.objects.get(action="api_token.created")
    assert event.actor is None and "by an operator" in event.summary


def test_someone_serving_two_firms_is_asked_which_and_told_their_slugs(
    firm, other_firm, assistant
):
    with pytest.raises(CommandError) as refused:
        token("create", "--user", assistant.email, "--name", "Bridge")
    assert "--firm" in str(refused.value)
    assert "hale-ortiz (Hale & Ortiz LLP)" in str(refused.value)
    assert "brandt-legal (Brandt Legal PC)" in str(refused.value)
    assert not ApiToken.objects.exists()

    secret, _ = token(
        "create",
        "--user",
        assistant.email,
        "--name",
        "Bridge",
        "--firm",
        "brandt-legal",
    )
    assert Api(secret).get(_matters(other_firm)).status_code == 200


def test_a_firm_the_person_cannot_act_for_or_an_unknown_person_is_refused(
    firm, other_firm, attorney, departed_assistant
):
    with pytest.raises(CommandError, match="cannot work for a firm “brandt-legal”"):
        token(
            "create", "--user", attorney.email, "--name", "X", "--firm", "brandt-legal"
        )
    with pytest.raises(CommandError, match="acts for no firm now"):
        token("create", "--user", departed_assistant.email, "--name", "X")
    with pytest.raises(CommandError, match="No one has the e-mail address"):
        token("create", "--user", "nobody@hale.test", "--name", "X")
    assert not ApiToken.objects.exists()


def test_revoke_by_prefix_stops_the_token_and_records_why(firm, attorney):
    secret = token_for(attorney, firm)
    prefix = ApiToken.objects.get().prefix

    said, _ = token("revoke", prefix, "--reason", "Laptop stolen")

    assert "stops working at once" in said
    assert Api(secret).get(_matters(firm)).status_code == 401
    assert ApiToken.objects.get().revoked_reason == "Laptop stolen"
    assert AuditEvent.objects.filter(org=firm, action="api_token.revoked").exists()
    with pytest.raises(CommandError, match="already revoked"):
        token("revoke", prefix)


def test_an_ambiguous_prefix_revokes_nothing_and_the_id_then_decides(
    firm, attorney, firm_staff
):
    first = ApiToken.objects.create(
        user=attorney, firm=firm, name="A", prefix="fd_same123", digest="a" * 64
    )
    ApiToken.objects.create(
        user=firm_staff, firm=firm, name="B", prefix="fd_same123", digest="b" * 64
    )
    with pytest.raises(CommandError, match="2 tokens start with"):
        token("revoke", "fd_same123")
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()

    token("revoke", str(first.public_id))

    assert list(ApiToken.objects.filter(revoked_at__isnull=False)) == [first]


def test_list_shows_live_and_revoked_tokens_but_never_a_secret(firm, attorney):
    live = token_for(attorney, firm, name="Live one")
    gone = token_for(attorney, firm, name="Gone one")
    token("revoke", str(ApiToken.objects.get(name="Gone one").public_id))

    text, _ = token("list", "--user", attorney.email)
    rows, _ = token("list", "--user", attorney.email, "--json")

    assert "Live one" in text and "Gone one" in text and "revoked" in text
    assert live not in text + rows and gone not in text + rows
    by_name = {row["name"]: row for row in json.loads(rows)}
    assert by_name["Live one"]["revoked_at"] is None
    assert by_name["Gone one"]["revoked_reason"] == "Revoked by an operator"
    assert by_name["Live one"]["firm"] == "hale-ortiz"
