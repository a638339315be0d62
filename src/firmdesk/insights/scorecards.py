"""Provider scorecards: candidate providers side by side on weighted criteria.

The firm gives each criterion a weight from 0 (not counted) to 5 and each
candidate a score from 1 to 5 per criterion, with a note. A candidate's
weighted score is Σ weight × score ÷ Σ weight over the criteria that count:
a figure out of 5, comparable between candidates however the weights add
up. A criterion that counts and has no score makes the candidate
*incomplete*: the page says which criteria are missing and gives no total,
so an unscored criterion is never read as a 0.

When a candidate is a provider on FirmDesk, the facts FirmDesk holds about
its staff (background checks and training on record, staff who left) are
shown beside the scores: counts over its whole roster, never a person.

Who may: the firm's attorneys and admins (``permissions.may_plan``). Every
change runs in one transaction with its audit event.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, Q

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.orgs.models import Organization, StaffProfile, TrainingRecord

from . import formulas, permissions
from .models import Criterion, Scorecard, ScorecardCandidate

WEIGHTS = range(0, 6)
SCORES = range(1, 6)
HUNDREDTH = Decimal("0.01")
TURNOVER_WINDOW = datetime.timedelta(days=365)


@dataclass(frozen=True)
class CriterionInfo:
    key: str
    label: str
    asks: str  # the sub-points of issue 18, item 5, as a question to the provider
    default_weight: int


CRITERIA: tuple[CriterionInfo, ...] = (
    CriterionInfo(
        Criterion.EXPERIENCE,
        Criterion.EXPERIENCE.label,
        "Years of work for law firms, and for firms in your state: its courts, "
        "filing rules and deadlines.",
        4,
    ),
    CriterionInfo(
        Criterion.VETTING,
        Criterion.VETTING.label,
        "Background checks on every staff member; training in legal workflows "
        "and in handling client data; how many staff leave in a year (turnover).",
        5,
    ),
    CriterionInfo(
        Criterion.AVAILABILITY,
        Criterion.AVAILABILITY.label,
        "The hours they cover in your time zone; how fast an urgent request is "
        "answered; a named backup contact when your usual contact is away.",
        4,
    ),
    CriterionInfo(
        Criterion.TECHNOLOGY,
        Criterion.TECHNOLOGY.label,
        "They work in the systems you use (practice management, calendar, "
        "documents, e-mail, phones) and keep no copy of your data elsewhere.",
        3,
    ),
    CriterionInfo(
        Criterion.REFERENCES,
        Criterion.REFERENCES.label,
        "Law firms like yours, in size and practice, who will speak to their work.",
        3,
    ),
    CriterionInfo(
        Criterion.PRICING,
        Criterion.PRICING.label,
        "A clear price (per hour, per task or monthly), what costs extra, the "
        "minimum term and the notice to end.",
        4,
    ),
    CriterionInfo(
        Criterion.SECURITY,
        Criterion.SECURITY.label,
        "Signed confidentiality agreements, two-factor sign-in, encrypted "
        "devices, how a breach is reported, and what happens to your data at "
        "the end.",
        5,
    ),
)
CRITERION_KEYS = tuple(c.key for c in CRITERIA)
LABELS = {c.key: c.label for c in CRITERIA}


def default_weights() -> dict[str, int]:
    return {c.key: c.default_weight for c in CRITERIA}


# --- The score -----------------------------------------------------------------


def weighted_score(
    weights: dict[str, int], scores: dict[str, int]
) -> tuple[Decimal | None, list[str]]:
    """(Σ weight × score ÷ Σ weight to the hundredth, the criteria that count
    and have no score). The score is None while any is missing, and when no
    criterion counts."""
    counted = [key for key in CRITERION_KEYS if weights.get(key, 0) > 0]
    missing = [key for key in counted if scores.get(key) is None]
    if missing or not counted:
        return None, missing
    total_weight = sum(weights[key] for key in counted)
    weighted = sum(weights[key] * scores[key] for key in counted)
    return (Decimal(weighted) / total_weight).quantize(
        HUNDREDTH, ROUND_HALF_UP
    ), missing


# --- Facts FirmDesk holds about a provider ---------------------------------------


@dataclass
class ProviderFacts:
    """A provider's whole roster on FirmDesk, in counts."""

    staff: int = 0
    checked: int = 0  # a clear background check on record
    trained: int = 0  # at least one training record current today
    left: int = 0  # marked as left in the last 12 months

    @property
    def checked_percent(self) -> Decimal | None:
        return formulas.percent(self.checked, self.staff)

    @property
    def trained_percent(self) -> Decimal | None:
        return formulas.percent(self.trained, self.staff)

    @property
    def turnover_percent(self) -> Decimal | None:
        """Left in the last 12 months, of those on the roster now or who left
        in that time."""
        return formulas.turnover_rate(self.left, self.staff + self.left)


def provider_facts(provider_ids, today: datetime.date) -> dict[int, ProviderFacts]:
    """provider id → its facts; two queries for any number of providers."""
    ids = [pk for pk in set(provider_ids) if pk is not None]
    if not ids:
        return {}
    facts = {pk: ProviderFacts() for pk in ids}
    active = Q(status=StaffProfile.Status.ACTIVE)
    for row in (
        StaffProfile.objects.filter(organization_id__in=ids)
        .values("organization_id")
        .annotate(
            staff=Count("pk", filter=active),
            checked=Count(
                "pk",
                filter=active
                & Q(
                    background_check_result=StaffProfile.CheckResult.CLEAR,
                    background_check_date__isnull=False,
                ),
            ),
            left=Count(
                "pk",
                filter=Q(
                    status=StaffProfile.Status.LEFT,
                    left_on__gt=today - TURNOVER_WINDOW,
                    left_on__lte=today,
                ),
            ),
        )
    ):
        one = facts[row["organization_id"]]
        one.staff, one.checked, one.left = row["staff"], row["checked"], row["left"]
    for trained in (
        TrainingRecord.objects.filter(
            profile__organization_id__in=ids,
            profile__status=StaffProfile.Status.ACTIVE,
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .values("profile__organization_id")
        .annotate(trained=Count("profile_id", distinct=True))
    ):
        facts[trained["profile__organization_id"]].trained = trained["trained"]
    return facts


# --- The side-by-side page -------------------------------------------------------


@dataclass
class Cell:
    criterion: str
    score: int | None
    note: str


@dataclass
class CandidateRow:
    candidate: ScorecardCandidate
    score: Decimal | None
    missing: list[str]
    cells: list[Cell]
    rank: int | None = None
    facts: ProviderFacts | None = None

    @property
    def missing_labels(self) -> list[str]:
        return [LABELS[key] for key in self.missing]


@dataclass
class Comparison:
    scorecard: Scorecard
    criteria: list[tuple[CriterionInfo, int]]  # with its weight
    rows: list[CandidateRow] = field(default_factory=list)

    @property
    def total_weight(self) -> int:
        return sum(weight for _, weight in self.criteria)

    @property
    def by_criterion(self) -> list[tuple[CriterionInfo, int, list[Cell]]]:
        """The table's rows: each criterion, its weight, and every
        candidate's cell in the order of ``rows``."""
        return [
            (info, weight, [row.cells[i] for row in self.rows])
            for i, (info, weight) in enumerate(self.criteria)
        ]

    @property
    def has_facts(self) -> bool:
        return any(row.facts is not None for row in self.rows)


def comparison(scorecard: Scorecard, *, today: datetime.date) -> Comparison:
    """The candidates ranked by weighted score, highest first (equal scores
    share a rank); incomplete candidates after them, unranked, by name."""
    weights = weights_of(scorecard)
    candidates = list(
        ScorecardCandidate.objects.for_firm(scorecard.firm_id)
        .filter(scorecard=scorecard)
        .select_related("provider")
        .order_by("name", "pk")
    )
    facts = provider_facts([c.provider_id for c in candidates], today)
    rows = []
    for candidate in candidates:
        score, missing = weighted_score(weights, candidate.scores)
        rows.append(
            CandidateRow(
                candidate=candidate,
                score=score,
                missing=missing,
                cells=[
                    Cell(key, candidate.scores.get(key), candidate.notes.get(key, ""))
                    for key in CRITERION_KEYS
                ],
                facts=facts.get(candidate.provider_id),
            )
        )
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0)))
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row.score is None:
            break
        if row.score != previous:
            rank, previous = position, row.score
        row.rank = rank
    return Comparison(
        scorecard=scorecard,
        criteria=[(c, weights[c.key]) for c in CRITERIA],
        rows=rows,
    )


def weights_of(scorecard: Scorecard) -> dict[str, int]:
    """The scorecard's weights; a criterion it does not name has weight 0."""
    return {key: int(scorecard.weights.get(key, 0)) for key in CRITERION_KEYS}


def scorecards_of(firm):
    return (
        Scorecard.objects.for_firm(firm)
        .annotate(candidate_count=Count("candidates"))
        .order_by("-created_at")
    )


# --- Checks ----------------------------------------------------------------------


def check_weights(weights: dict) -> dict[str, int]:
    clean = {}
    for key in CRITERION_KEYS:
        value = weights.get(key)
        if value is None or value == "":
            value = 0
        if not isinstance(value, int) or value not in WEIGHTS:
            raise ServiceError(
                f"Give “{LABELS[key]}” a weight from 0 (not counted) to 5.",
                field=f"weight_{key}",
            )
        clean[key] = value
    if not any(clean.values()):
        raise ServiceError(
            "Give at least one criterion a weight above 0: a scorecard with "
            "every weight at 0 cannot rank anyone."
        )
    return clean


def check_scores(scores: dict, notes: dict) -> tuple[dict[str, int], dict[str, str]]:
    clean_scores, clean_notes = {}, {}
    for key in CRITERION_KEYS:
        value = scores.get(key)
        if value is not None and value != "":
            if not isinstance(value, int) or value not in SCORES:
                raise ServiceError(
                    f"Score “{LABELS[key]}” from 1 (poor) to 5 (excellent), or "
                    "leave it empty until you know.",
                    field=f"score_{key}",
                )
            clean_scores[key] = value
        note = (notes.get(key) or "").strip()
        if note:
            clean_notes[key] = note
    return clean_scores, clean_notes


def _require_planner(scope) -> None:
    if not permissions.may_plan(scope):
        raise ServiceError("Only the firm's attorneys and admins can change this.")


def _check_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError(
            "Give the scorecard a title, such as “Intake support 2026”.", field="title"
        )
    return title


# --- Services ---------------------------------------------------------------------


def scorecard_create(*, scope, title: str, weights: dict) -> Scorecard:
    _require_planner(scope)
    title = _check_title(title)
    weights = check_weights(weights)
    with transaction.atomic():
        scorecard = Scorecard.objects.create(
            firm=scope.firm, title=title, weights=weights, created_by=scope.user
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="scorecard.created",
            obj=scorecard,
            summary=f"Provider scorecard “{title}” created",
            detail={"weights": weights},
        )
    return scorecard


def scorecard_update(
    *, scope, scorecard: Scorecard, title: str, weights: dict
) -> Scorecard:
    _require_planner(scope)
    title = _check_title(title)
    weights = check_weights(weights)
    before = {"title": scorecard.title, "weights": scorecard.weights}
    with transaction.atomic():
        scorecard.title, scorecard.weights = title, weights
        scorecard.save(update_fields=["title", "weights", "updated_at"])
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="scorecard.updated",
            obj=scorecard,
            summary=f"Provider scorecard “{title}” changed",
            detail={"before": before, "after": {"title": title, "weights": weights}},
        )
    return scorecard


def scorecard_delete(*, scope, scorecard: Scorecard) -> None:
    _require_planner(scope)
    with transaction.atomic():
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="scorecard.deleted",
            obj=scorecard,
            summary=f"Provider scorecard “{scorecard.title}” deleted",
        )
        scorecard.delete()


@dataclass
class CandidateData:
    """What the candidate form gives: scores and notes by criterion."""

    name: str
    provider: Organization | None = None
    scores: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)


def _check_candidate(scorecard: Scorecard, data: CandidateData, *, exclude=None):
    name = " ".join((data.name or "").split())
    if not name:
        raise ServiceError("Give the candidate's name.", field="name")
    if data.provider is not None and data.provider.kind != Organization.Kind.PROVIDER:
        raise ServiceError("Choose a provider from the list.", field="provider")
    same_name = (
        ScorecardCandidate.objects.for_firm(scorecard.firm_id)
        .filter(scorecard=scorecard, name__iexact=name)
        .exclude(pk=exclude)
    )
    if same_name.exists():
        raise ServiceError(
            f"“{name}” is already on this scorecard: change that candidate, or "
            "give this one another name.",
            field="name",
        )
    scores, notes = check_scores(data.scores, data.notes)
    return name, scores, notes


def candidate_create(
    *, scope, scorecard: Scorecard, data: CandidateData
) -> ScorecardCandidate:
    _require_planner(scope)
    name, scores, notes = _check_candidate(scorecard, data)
    with transaction.atomic():
        candidate = ScorecardCandidate.objects.create(
            firm=scope.firm,
            scorecard=scorecard,
            name=name,
            provider=data.provider,
            scores=scores,
            notes=notes,
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="scorecard.candidate_added",
            obj=candidate,
            summary=f"“{name}” added to the scorecard “{scorecard.title}”",
            detail={"scores": scores},
        )
    return candidate


def candidate_update(
    *, scope, candidate: ScorecardCandidate, data: CandidateData
) -> ScorecardCandidate:
    _require_planner(scope)
    scorecard = candidate.scorecard
    name, scores, notes = _check_candidate(scorecard, data, exclude=candidate.pk)
    before = {"name": candidate.name, "scores": candidate.scores}
    with transaction.atomic():
        candidate.name, candidate.provider = name, data.provider
        candidate.scores, candidate.notes = scores, notes
        candidate.save(
            update_fields=["name", "provider", "scores", "notes", "updated_at"]
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="scorecard.candidate_changed",
            obj=candidate,
            summary=f"“{name}” changed on the scorecard “{scorecard.title}”",
            detail={"before": before, "after": {"name": name, "scores": scores}},
        )
    return candidate


def candidate_remove(*, scope, candidate: ScorecardCandidate) -> None:
    _require_planner(scope)
    with transaction.atomic():
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="scorecard.candidate_removed",
            obj=candidate,
            summary=f"“{candidate.name}” removed from the scorecard "
            f"“{candidate.scorecard.title}”",
        )
        candidate.delete()
