"""`firmdesk demo`: loads once, then changes nothing, and gives each login the
access the docs (docs/demo.md) say it has."""

import base64
import io
import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from firmdesk.access.scope import firms_for_user, resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.audit.services import audit_verify
from firmdesk.conflicts.models import ConflictKey
from firmdesk.demo.contacts import PAST_MATTERS
from firmdesk.demo.services import DEMO_PASSWORD, PEOPLE
from firmdesk.engagements.agreement_texts import current_text
from firmdesk.engagements.models import (
    Assignment,
    ConfidentialityAgreement,
    Engagement,
    MatterGrant,
    nda_text,
    nda_text_hash,
)
from firmdesk.matters.models import (
    Contact,
    ContactAlias,
    ContactRelationship,
    Matter,
    MatterParty,
)
from firmdesk.orgs.models import Membership, Organization, StaffProfile, User
from firmdesk.work.models import Task

# The five being worked on, the one opened for the lead retained through intake
# (demo_intake), and the firm's past.
HALE_MATTERS = 6 + PAST_MATTERS
SECRET_IN_LINK = re.compile(
    r"otpauth://totp/FirmDesk%3A(\S+?)%40(\S+?)\?secret=([A-Z2-7]+)"
)


def row_counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "organisations": Organization.objects.count(),
        "memberships": Membership.objects.count(),
        "staff profiles": StaffProfile.objects.count(),
        "engagements": Engagement.unscoped.count(),
        "assignments": Assignment.unscoped.count(),
        "agreements": ConfidentialityAgreement.unscoped.count(),
        "matters": Matter.unscoped.count(),
        "contacts": Contact.unscoped.count(),
        "aliases": ContactAlias.unscoped.count(),
        "relationships": ContactRelationship.unscoped.count(),
        "parties": MatterParty.unscoped.count(),
        "conflict index keys": ConflictKey.objects.count(),
        "grants": MatterGrant.unscoped.count(),
        "tasks": Task.unscoped.count(),
        "devices": TOTPDevice.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }


def printed_secrets(output: str) -> dict[str, str]:
    return {
        f"{local}@{domain}": secret
        for local, domain, secret in SECRET_IN_LINK.findall(output)
    }


@pytest.fixture
def demo(demo_loaded, db):
    return {org.slug: org for org in Organization.objects.all()}


def person(email: str) -> User:
    return User.objects.get(email=email)


def matter_numbers(qs) -> set[str]:
    return {number.split("-")[1] for number in qs.values_list("number", flat=True)}


def test_loading_the_demo_twice_creates_nothing_the_second_time(db):
    call_command("demo", quiet=True)
    first = row_counts()
    call_command("demo", quiet=True)
    assert row_counts() == first
    assert first["users"] == len(PEOPLE) + 1
    assert first["organisations"] == 4
    assert first["engagements"] == 3
    # Nine working matters, the one opened for the lead retained at Hale &
    # Ortiz, and each firm's past loaded as pre-existing.
    assert first["matters"] == 10 + 2 * PAST_MATTERS
    assert 400 <= first["contacts"] <= 600
    assert first["assignments"] == 7
    # One each, and the two people on Brandt & Kimura's pilot signed its
    # version 2 again (demo_security).
    assert first["agreements"] == first["assignments"] + 2


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_printed_authenticator_secrets_are_the_same_every_run(db):
    first = printed_secrets(run_demo())
    assert printed_secrets(run_demo()) == first
    provider_people = {
        p.email for p in PEOPLE if not p.org.startswith(("hale", "brandt"))
    }
    assert set(first) == provider_people
    assert len(set(first.values())) == len(first)
    # As on a new machine: the devices are made afresh, with the same secrets, so
    # an authenticator app set up once keeps working after `var/` is deleted.
    TOTPDevice.objects.all().delete()
    assert printed_secrets(run_demo()) == first


def test_quiet_prints_nothing(db):
    out = io.StringIO()
    call_command("demo", quiet=True, stdout=out)
    assert out.getvalue() == ""


def test_printed_secret_gives_codes_the_device_accepts(db):
    output = run_demo()
    secret = printed_secrets(output)["assistant@northstar.example"]
    # The same secret is in the table, for typing into an app by hand.
    assert secret in output.split("otpauth://")[0]
    device = TOTPDevice.objects.get(user__email="assistant@northstar.example")
    assert device.confirmed
    assert not device.verify_token(totp(base64.b32decode(secret)) ^ 1)
    device.throttle_reset()  # a failed code makes the device wait before the next
    assert device.verify_token(totp(base64.b32decode(secret)))


def test_provider_people_have_an_authenticator_and_firm_people_do_not(demo):
    with_device = set(TOTPDevice.objects.values_list("user__email", flat=True))
    provider_members = set(
        Membership.objects.filter(organization__kind="provider").values_list(
            "user__email", flat=True
        )
    )
    assert with_device == provider_members


def test_every_demo_login_takes_the_printed_password(demo):
    for spec in PEOPLE:
        user = person(spec.email)
        assert user.check_password(DEMO_PASSWORD)
        validate_password(DEMO_PASSWORD, user)
    admin = person("admin@firmdesk.local")
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)


def test_assistant_works_for_both_firms(demo):
    scopes = firms_for_user(person("assistant@northstar.example"))
    assert [s.firm.slug for s in scopes] == ["brandt-kimura", "hale-ortiz"]


def test_assistant_sees_only_the_matters_granted_to_them(demo):
    assistant = person("assistant@northstar.example")
    hale = resolve_scope(assistant, demo["hale-ortiz"])
    brandt = resolve_scope(assistant, demo["brandt-kimura"])
    assert matter_numbers(Matter.objects.in_scope(hale)) == {"0001", "0002", "0004"}
    assert matter_numbers(Matter.objects.in_scope(brandt)) == {"0001"}
    assert Matter.objects.for_firm(demo["hale-ortiz"]).count() == HALE_MATTERS


def test_paralegal_sees_other_matters_than_the_assistant(demo):
    scope = resolve_scope(person("paralegal@northstar.example"), demo["hale-ortiz"])
    assert matter_numbers(Matter.objects.in_scope(scope)) == {"0001", "0003", "0004"}


def test_assistant_sees_a_task_on_a_matter_not_granted_but_not_the_matter(demo):
    scope = resolve_scope(person("assistant@northstar.example"), demo["hale-ortiz"])
    task = Task.objects.in_scope(scope).get(title__startswith="Move the mediation")
    assert not Matter.objects.in_scope(scope).filter(pk=task.matter_id).exists()
    assert not scope.can_see_matter(task.matter)


def test_firm_people_see_every_matter_of_their_own_firm_only(demo):
    attorney = person("attorney@hale-ortiz.example")
    scope = resolve_scope(attorney, demo["hale-ortiz"])
    assert Matter.objects.in_scope(scope).count() == HALE_MATTERS
    assert resolve_scope(attorney, demo["brandt-kimura"]) is None


@pytest.mark.parametrize(
    "email", ["assistant@bygone-assist.example", "admin@northstar.example"]
)
def test_former_provider_staff_and_provider_admin_see_no_client_data(demo, email):
    user = person(email)
    assert firms_for_user(user) == []
    assert resolve_scope(user, demo["hale-ortiz"]) is None


def test_engagements_are_active_pilot_and_ended(demo):
    today = timezone.localdate()
    hale, brandt = demo["hale-ortiz"], demo["brandt-kimura"]
    statuses = {
        (e.firm.slug, e.provider.slug): e
        for e in Engagement.unscoped.select_related("firm", "provider")
    }
    active = statuses[("hale-ortiz", "northstar")]
    pilot = statuses[("brandt-kimura", "northstar")]
    ended = statuses[("hale-ortiz", "bygone-assist")]
    assert active.status == "active" and active.is_live(today)
    assert pilot.status == "pilot" and pilot.is_live(today)
    assert 60 <= (pilot.pilot_evaluation - pilot.pilot_start).days <= 90
    assert ended.status == "ended" and ended.end_date < today
    for engagement in (active, pilot, ended):
        engagement.full_clean()
        assert engagement.turnaround_hours.keys() == set(engagement.functions)
        assert engagement.dispute_process
    assert {hale, brandt} == {active.firm, pilot.firm}


def test_every_assignment_has_an_agreement_on_its_engagements_current_text(demo):
    for assignment in Assignment.unscoped.select_related("engagement"):
        signed = {
            a.text_sha256
            for a in ConfidentialityAgreement.unscoped.filter(
                engagement=assignment.engagement, signer=assignment.user
            )
        }
        # First on the standard text; again where the firm changed it since.
        assert nda_text_hash(nda_text()) in signed
        assert current_text(assignment.engagement).sha256 in signed


def test_the_demo_is_in_each_organisations_audit_trail(demo):
    for org in demo.values():
        result = audit_verify(org=org)
        assert result.ok, result.problems
        assert result.checked > 0


def test_every_demo_task_follows_a_playbook_for_its_own_work(demo):
    from firmdesk.demo.seed_work import DEMO_TASK_PLAYBOOKS

    # The delegated demo tasks; the retained lead's engagement letter is made
    # by intake (below).
    tasks = Task.unscoped.filter(title__in=DEMO_TASK_PLAYBOOKS).select_related(
        "playbook_version__playbook"
    )
    assert tasks.count() == len(DEMO_TASK_PLAYBOOKS)
    for task in tasks:
        playbook = task.playbook_version.playbook
        assert playbook.key == DEMO_TASK_PLAYBOOKS[task.title], task.title
        assert playbook.function == task.function, task.title
        assert playbook.current_version_id == task.playbook_version_id
    # Several playbooks for one kind of work, as a firm may have.
    keys = {t.playbook_version.playbook.key for t in tasks if t.function == "documents"}
    assert keys == {"draft-letter", "prepare-filing"}
    # The retained lead's engagement letter follows the letter procedure, not
    # the oldest documents playbook (a demand letter).
    letter = Task.unscoped.select_related("playbook_version__playbook").get(
        title__startswith="Send the engagement letter"
    )
    assert letter.playbook_version.playbook.key == "draft-letter"
