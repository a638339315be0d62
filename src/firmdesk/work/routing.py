"""Who gets a new task.

A task of an outside engagement goes to a staff member of that engagement who
has access to the firm under the access rule (``access.rule.staff_reasons``:
assigned now, a valid confidentiality agreement, not left, not absent, on a live
engagement; judged on their own date), does the task's function, has
acknowledged the engagement's playbooks for their functions and has current
training records ("onboarded"), and is inside their working hours now in their
own time zone. Among those, the one with the least open work (across every
firm they serve) gets it; ties go to the one who was given a task least recently,
then by name. Outside everybody's hours, the engagement's after-hours cover gets
it if they pass every other check; otherwise the task waits and the worker tries
again every minute, so it goes to whoever starts first.
"""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Count, F, Max
from django.utils import timezone

from firmdesk.access.rule import staff_reasons
from firmdesk.access.system import workload
from firmdesk.common.times import clock
from firmdesk.engagements.agreement_texts import Standing, current_text, standings
from firmdesk.engagements.models import Assignment, ConfidentialityAgreement
from firmdesk.orgs.business_hours import BusinessCalendar
from firmdesk.orgs.models import Absence, Function, TrainingRecord

from .models import Playbook, PlaybookAcknowledgement, Task


@dataclass
class Candidate:
    user: object
    open_tasks: int = 0
    last_routed_at: datetime.datetime | None = None
    problems: list[str] = field(default_factory=list)
    in_hours: bool = False
    local_time: str = ""

    @property
    def eligible(self) -> bool:
        return not self.problems


def onboarding_gaps(*, engagement, user, functions, today) -> list[str]:
    """What still stands between a staff member and work on this engagement."""
    return _Onboarding.load(engagement, [user]).gaps(user, functions, today)


@dataclass
class _Onboarding:
    """Playbooks acknowledged and training records of a team, read once."""

    engagement: object
    playbooks: list
    acknowledged: dict
    training: dict

    @classmethod
    def load(cls, engagement, users) -> "_Onboarding":
        firm = engagement.firm
        playbooks = list(
            Playbook.objects.for_firm(firm)
            .filter(
                is_active=True,
                function__in=engagement.functions,
                current_version__isnull=False,
            )
            .select_related("current_version")
        )
        acknowledged: dict[int, set[int]] = {}
        for user_id, playbook_id in (
            PlaybookAcknowledgement.objects.for_firm(firm)
            .filter(user__in=users, playbook__in=playbooks)
            .values_list("user_id", "playbook_id")
        ):
            acknowledged.setdefault(user_id, set()).add(playbook_id)
        training: dict[int, list] = {}
        for record in TrainingRecord.objects.filter(profile__user__in=users).annotate(
            user_id=F("profile__user_id")
        ):
            training.setdefault(record.user_id, []).append(record)
        return cls(engagement, playbooks, acknowledged, training)

    def gaps(self, user, functions, today) -> list[str]:
        gaps = []
        wanted = set(functions) & set(self.engagement.functions)
        done = self.acknowledged.get(user.pk, set())
        missing = [
            p for p in self.playbooks if p.function in wanted and p.pk not in done
        ]
        if missing:
            titles = ", ".join(f"“{p.current_version.title}”" for p in missing[:3])
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            gaps.append(f"has not acknowledged the playbooks {titles}{more}")
        records = self.training.get(user.pk, [])
        if not records:
            gaps.append("has no training record")
        else:
            # A renewal is a new record: only the latest of each title counts.
            latest = {r.title: r for r in sorted(records, key=lambda r: r.completed_on)}
            expired = [r for r in latest.values() if not r.is_current(today)]
            if expired:
                gaps.append(
                    f"training “{expired[0].title}” expired on "
                    f"{expired[0].expires_on:%b %-d, %Y}"
                )
        return gaps


def candidates(task: Task, now: datetime.datetime) -> list[Candidate]:
    """Everyone on the task's engagement, with what keeps each from taking it."""
    engagement = task.engagement
    if engagement is None:
        return []
    firm = engagement.firm
    assignments = list(
        Assignment.objects.for_firm(firm)
        .filter(engagement=engagement)
        .select_related("user", "user__staff_profile")
        .order_by("user__full_name")
    )
    users = [a.user for a in assignments]
    open_counts = dict(
        workload(Task, assignees=users)
        .filter(status__in=Task.OPEN_STATUSES)
        .values("assignee")
        .annotate(n=Count("pk"))
        .values_list("assignee", "n")
    )
    last_routed = dict(
        workload(Task, assignees=users)
        .filter(routed_at__isnull=False)
        .values("assignee")
        .annotate(last=Max("routed_at"))
        .values_list("assignee", "last")
    )
    signed = standings(
        ConfidentialityAgreement.objects.for_firm(firm)
        .filter(engagement=engagement, signer__in=users)
        .values_list("signer_id", "expires_on", "text_sha256"),
        current_sha=current_text(engagement).sha256,
    )
    onboarding = _Onboarding.load(engagement, users)
    recent = now.date() - datetime.timedelta(days=2)
    absences = list(Absence.objects.filter(user__in=users, end__gte=recent))
    result = []
    for assignment in assignments:
        user = assignment.user
        profile = getattr(user, "staff_profile", None)
        tz = profile.time_zone if profile else firm.time_zone
        local = timezone.localtime(now, zoneinfo.ZoneInfo(tz))
        today = local.date()
        c = Candidate(
            user=user,
            open_tasks=open_counts.get(user.pk, 0),
            last_routed_at=last_routed.get(user.pk),
            local_time=clock(local, local.tzinfo),
        )
        c.problems = staff_reasons(
            engagement=engagement,
            assignment=assignment,
            profile_status=profile.status if profile and user.is_active else None,
            agreed_until=signed.get(user.pk, Standing()).agreed_until,
            earlier_text=signed.get(user.pk, Standing()).earlier_text,
            absent=any(
                a.user_id == user.pk and a.start <= today <= a.end for a in absences
            ),
            today=today,
        )
        if task.function not in assignment.functions:
            c.problems.append(f"does not do {Function(task.function).label.lower()}")
        if not c.problems:
            c.problems.extend(onboarding.gaps(user, assignment.functions, today))
        c.in_hours = profile is not None and (
            BusinessCalendar.for_staff(profile).is_open_at(now)
        )
        result.append(c)
    return result


def _load(c: Candidate):
    epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    return (c.open_tasks, c.last_routed_at or epoch, c.user.full_name)


def choose(
    task: Task, now: datetime.datetime, *, exclude=None
) -> tuple[object | None, str]:
    """The assignee for ``task`` now, or None, and a sentence saying why."""
    team = candidates(task, now)
    everyone = [c for c in team if c.user.pk not in (exclude or ())]
    if not everyone:
        if team:
            return None, "Waiting: no one else on the engagement can take it."
        return None, "Waiting: no one is assigned to this engagement yet."
    eligible = [c for c in everyone if c.eligible]
    working = [c for c in eligible if c.in_hours]
    if working:
        best = min(working, key=_load)
        return best.user, (
            f"Given to {best.user.full_name}: the least open work "
            f"({best.open_tasks}) of {len(working)} available now."
        )
    cover = task.engagement.after_hours_staff_id
    for c in eligible:
        if c.user.pk == cover:
            return c.user, (
                f"Given to {c.user.full_name}, the after-hours cover: no one else "
                "is inside their working hours now."
            )
    if eligible:
        names = "; ".join(
            f"{c.user.full_name} (it is {c.local_time})" for c in eligible[:4]
        )
        return None, (
            "Waiting: no one is inside their working hours now — "
            f"{names}. It goes to the first whose hours begin."
        )
    reasons = "; ".join(
        f"{c.user.full_name} {' and '.join(c.problems)}" for c in everyone[:4]
    )
    return None, f"Waiting: no one can take it — {reasons}."


def eligibility_problems(task: Task, user, now: datetime.datetime) -> list[str]:
    """Why ``user`` may not be given ``task`` by hand (working hours aside)."""
    for c in candidates(task, now):
        if c.user.pk == user.pk:
            return c.problems
    return ["is not assigned to this engagement"]
