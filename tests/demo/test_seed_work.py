"""`firmdesk seed`: playbooks, tasks, reviews, comments, flags and breaches in
realistic proportions, consistent with their firm, usable by the queue pages."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from firmdesk.engagements.models import Assignment
from firmdesk.orgs.models import Membership, Organization
from firmdesk.work.models import (
    Comment,
    Flag,
    Playbook,
    PlaybookAcknowledgement,
    PlaybookVersion,
    Review,
    SlaBreach,
    Task,
)
from firmdesk.work.routing import onboarding_gaps
from firmdesk.work.starter import STARTER_PLAYBOOKS

FINISHED = ("done", "approved", "cancelled")
LIFECYCLE = (
    "created_at",
    "routed_at",
    "first_response_at",
    "submitted_at",
    "approved_at",
    "completed_at",
)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Three firms seeded once for the module (the seed takes seconds)."""
    with django_db_blocker.unblock():
        call_command("seed", scale="small", firms=3, seed=31, stdout=io.StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def work(seeded, db):
    return Task.unscoped.filter(firm__slug__startswith="s31-")


def test_every_firm_gets_the_starter_playbooks_some_edited(work):
    firms = Organization.objects.filter(kind="firm", slug__startswith="s31-")
    for firm in firms:
        playbooks = Playbook.unscoped.filter(firm=firm)
        assert playbooks.count() == len(STARTER_PLAYBOOKS)
        assert not playbooks.exclude(current_version__playbook=F("pk")).exists()
        assert PlaybookVersion.unscoped.filter(firm=firm, number=2).count() == 3
        assert (
            not playbooks.filter(current_version__number=1)
            .filter(versions__number=2)
            .exists()
        )


def test_seeded_staff_are_onboarded_so_routing_finds_them(work):
    today = timezone.localdate()
    live = Assignment.unscoped.filter(
        firm__slug__startswith="s31-", engagement__status__in=["active", "pilot"]
    ).select_related("engagement__firm", "user")
    assert live.exists()
    for assignment in live:
        gaps = onboarding_gaps(
            engagement=assignment.engagement,
            user=assignment.user,
            functions=assignment.functions,
            today=today,
        )
        assert gaps == [], (assignment, gaps)


def test_seeded_tasks_have_realistic_proportions(work):
    n = work.count()
    assert n == 3 * 40 * 5
    statuses = Counter(work.values_list("status", flat=True))
    finished = sum(statuses[s] for s in FINISHED) / n
    assert 0.85 <= finished <= 0.95
    assert all(statuses[s] for s in Task.OPEN_STATUSES), statuses
    assert 0.08 <= work.filter(engagement__isnull=True).count() / n <= 0.25
    assert 0.05 <= work.filter(matter__isnull=True).count() / n <= 0.25
    rework = Counter(work.values_list("rework_count", flat=True))
    assert rework[0] / n > 0.75 and rework[1] > rework[2] > 0
    assert set(work.values_list("priority", flat=True)) == {
        "low",
        "normal",
        "high",
        "urgent",
    }
    assert 0.4 <= Comment.unscoped.filter(task__in=work).count() / n <= 0.8
    now = timezone.now()
    backlog = list(work.filter(status__in=Task.WORKING_STATUSES))
    assert any(t.is_overdue(now) for t in backlog)
    assert not all(t.is_overdue(now) for t in backlog)
    late = [t for t in work.filter(status__in=["done", "approved"]) if not t.on_time]
    assert 0.02 <= len(late) / n <= 0.15
    reasons = set(
        Review.unscoped.filter(decision="returned").values_list("reason", flat=True)
    )
    assert reasons == set(Review.Reason.values)


def test_seeded_task_histories_are_in_lifecycle_order(work):
    now = timezone.now()
    for task in work:
        times = [getattr(task, name) for name in LIFECYCLE]
        known = [t for t in times if t is not None]
        assert known == sorted(known), task.pk
        assert known[-1] <= now
        if task.status in ("done", "approved") and task.review_required:
            assert task.approved_at is not None and task.submitted_at is not None
        if task.status == "done":
            assert task.completed_at is not None
        if task.status in ("open", "in_progress", "returned", "cancelled"):
            assert task.submitted_at is None and task.approved_at is None
        # Finished when last approved, done or cancelled; never while open.
        if task.status == "done":
            assert task.closed_at == task.completed_at
        elif task.status == "approved":
            assert task.closed_at == task.approved_at
        elif task.status == "cancelled":
            assert task.created_at <= task.closed_at <= now
        else:
            assert task.closed_at is None
        ticked = task.checklist_done
        if task.status in ("done", "approved", "submitted"):
            assert ticked == len(task.checklist) > 0
        if task.status == "open":
            assert ticked == 0


def test_every_return_and_approval_has_its_review(work):
    reviews = Counter(
        Review.unscoped.filter(task__in=work).values_list("task_id", "decision")
    )
    for task in work:
        assert reviews[(task.pk, "returned")] == task.rework_count, task.pk
        assert reviews[(task.pk, "approved")] == (task.approved_at is not None)
    for review in Review.unscoped.filter(task__in=work).select_related("task"):
        assert review.created_at >= review.task.created_at
        assert (review.reason != "") == (review.decision == "returned")


def test_flags_and_breaches_follow_the_tasks(work):
    open_flags = Flag.unscoped.filter(task__in=work, resolved_at__isnull=True)
    assert open_flags.exists()
    assert not open_flags.exclude(task__status__in=Task.OPEN_STATUSES).exists()
    breached = work.filter(sla_breached_at__isnull=False)
    assert breached.exists()
    assert set(breached.values_list("pk", flat=True)) == set(
        SlaBreach.unscoped.filter(task__in=work).values_list("task_id", flat=True)
    )
    assert not SlaBreach.unscoped.exclude(due_at=F("task__due_at")).exists()


def test_seeded_work_never_links_across_firms(work):
    assert (
        not work.exclude(engagement__isnull=True)
        .exclude(engagement__firm=F("firm"))
        .exists()
    )
    assert not work.exclude(playbook_version__firm=F("firm")).exists()
    assert (
        not work.exclude(matter__isnull=True).exclude(matter__firm=F("firm")).exists()
    )
    assert not work.exclude(playbook_version__playbook__function=F("function")).exists()
    for model in (Review, Comment, Flag, SlaBreach):
        assert not model.unscoped.exclude(task__firm=F("firm")).exists(), model
    assert not PlaybookVersion.unscoped.exclude(playbook__firm=F("firm")).exists()
    assert not PlaybookAcknowledgement.unscoped.exclude(
        playbook__firm=F("firm")
    ).exists()
    members = set(Membership.objects.values_list("organization_id", "user_id"))
    served = {
        (a.engagement_id, a.user_id, f)
        for a in Assignment.unscoped.all()
        for f in a.functions
    }
    for task in work:
        assert (task.firm_id, task.requester_id) in members
        if task.assignee_id is None:
            assert task.needs_routing
        elif task.engagement_id is None:
            assert (task.firm_id, task.assignee_id) in members
        else:
            assert (task.engagement_id, task.assignee_id, task.function) in served


def _sign_in(client, user):
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Test authenticator", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_queue_pages_work_on_seeded_data(work, client, django_assert_max_num_queries):
    busiest = Counter(
        work.filter(
            status__in=Task.OPEN_STATUSES, engagement__isnull=False
        ).values_list("assignee", flat=True)
    ).most_common(1)[0][0]
    task = work.filter(assignee_id=busiest, status__in=Task.OPEN_STATUSES).first()
    _sign_in(client, task.assignee)
    for path in ("/queue/", "/queue/team/"):
        with django_assert_max_num_queries(80):
            response = client.get(path)
        assert response.status_code == 200, path
        assert task.title in response.content.decode()
    submitted = work.filter(status="submitted").select_related("requester", "firm")
    review = submitted.first()
    client.logout()
    _sign_in(client, review.requester)
    response = client.get(f"/f/{review.firm.slug}/review/")
    assert response.status_code == 200
    assert review.title in response.content.decode()
