"""Reads for the conflict engine: candidates from the index, their names,
relationships and matter roles, conflict checks as a scope may see them, and
who opening a matter or screening one may name.

Every query filters on the firm first; the index is never read across firms.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, Sum, Value, When

from firmdesk.engagements.models import Assignment, Engagement
from firmdesk.matters.models import (
    Contact,
    ContactAlias,
    ContactRelationship,
    MatterParty,
)
from firmdesk.orgs.models import Membership, User

from .models import ConflictCheck, ConflictKey

# How many candidates, ranked by shared keys, a search scores.
CANDIDATE_CAP = 300
# Relationship edges followed from one contact (a large employer may have
# thousands of employees; the first ones are enough to raise the flag).
EDGE_CAP = 50


@dataclass
class Candidate:
    id: int
    public_id: str
    kind: str
    name: str
    is_prospective: bool
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (name, kind)
    weight: int = 0


@dataclass(frozen=True)
class Role:
    matter_public_id: str
    matter_number: str
    matter_title: str
    matter_status: str
    matter_closed: bool
    role: str

    @property
    def role_label(self) -> str:
        return MatterParty.Role(self.role).label if self.role else ""

    @property
    def status_label(self) -> str:
        if self.matter_closed:
            return "closed"
        return {"pre_existing": "pre-existing"}.get(
            self.matter_status, self.matter_status
        )


def candidate_ids(*, firm, keys: dict[str, int], cap: int = CANDIDATE_CAP):
    """Contacts sharing any key, best first by the summed weight of shared keys."""
    if not keys:
        return []
    by_weight: dict[int, list[str]] = defaultdict(list)
    for key, weight in keys.items():
        by_weight[weight].append(key)
    if len(by_weight) == 1:
        (weight,) = by_weight
        score = Sum(Value(weight))
    else:
        score = Sum(
            Case(
                *(
                    When(key__in=group, then=Value(weight))
                    for weight, group in sorted(by_weight.items(), reverse=True)
                ),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
    rows = (
        ConflictKey.objects.filter(firm_id=firm.pk, key__in=list(keys))
        .values("contact_id")
        .annotate(w=score)
        .order_by("-w", "contact_id")[:cap]
    )
    return [(r["contact_id"], r["w"]) for r in rows]


def candidates(*, firm, ids_weights) -> list[Candidate]:
    weights = dict(ids_weights)
    if not weights:
        return []
    found = {
        row[0]: Candidate(
            id=row[0],
            public_id=str(row[1]),
            kind=row[2],
            name=row[3],
            is_prospective=row[4],
            weight=weights[row[0]],
        )
        for row in Contact.objects.for_firm(firm)
        .filter(pk__in=list(weights))
        .order_by()
        .values_list("id", "public_id", "kind", "name", "is_prospective")
    }
    for contact_id, name, kind in (
        ContactAlias.objects.for_firm(firm)
        .filter(contact_id__in=list(found))
        .order_by()
        .values_list("contact_id", "name", "kind")
    ):
        found[contact_id].aliases.append((name, kind))
    return list(found.values())


def contacts_by_id(*, firm, ids) -> dict[int, Candidate]:
    return {
        row[0]: Candidate(
            id=row[0],
            public_id=str(row[1]),
            kind=row[2],
            name=row[3],
            is_prospective=row[4],
        )
        for row in Contact.objects.for_firm(firm)
        .filter(pk__in=list(ids))
        .order_by()
        .values_list("id", "public_id", "kind", "name", "is_prospective")
    }


def relationships_of(*, firm, ids) -> list[tuple[int, str, int]]:
    """Edges (from, kind, to) touching any of the contacts."""
    ids = list(ids)
    if not ids:
        return []
    rows = (
        ContactRelationship.objects.for_firm(firm)
        .filter(Q(from_contact_id__in=ids) | Q(to_contact_id__in=ids))
        .values_list("from_contact_id", "kind", "to_contact_id")
        .order_by("id")[: EDGE_CAP * len(ids)]
    )
    return list(rows)


def roles_of(*, firm, ids) -> dict[int, list[Role]]:
    out: dict[int, list[Role]] = defaultdict(list)
    ids = list(ids)
    if not ids:
        return out
    for row in (
        MatterParty.objects.for_firm(firm)
        .filter(contact_id__in=ids)
        .values_list(
            "contact_id",
            "role",
            "matter__public_id",
            "matter__number",
            "matter__title",
            "matter__status",
            "matter__closed_on",
        )
        .order_by("-matter__opened_on", "matter__number")
    ):
        contact_id, role, public_id, number, title, status, closed_on = row
        out[contact_id].append(
            Role(
                matter_public_id=str(public_id),
                matter_number=number,
                matter_title=title,
                matter_status=status,
                matter_closed=status == "closed" or closed_on is not None,
                role=role,
            )
        )
    return out


# --- Checks ----------------------------------------------------------------


def check_list(*, scope, decision: str | None = None):
    qs = ConflictCheck.objects.in_scope(scope)
    if decision:
        qs = qs.filter(decision=decision)
    return qs


def check_get(*, scope, public_id) -> ConflictCheck | None:
    return ConflictCheck.objects.in_scope(scope).filter(public_id=public_id).first()


def check_hits_for(*, scope, check: ConflictCheck) -> list[dict]:
    """The check's hits as this scope may see them.

    A hit always shows (whoever runs intake must know there is one), but a
    matter the scope may not see (an ethical screen, need-to-know) is named
    only as "a matter you cannot see", for an attorney to review.
    """
    from firmdesk.matters.models import Matter

    hidden = "a matter you cannot see"
    mentioned = {r["matter_id"] for hit in check.hits for r in hit.get("roles", [])} | {
        hit["matter_id"] for hit in check.hits if hit.get("matter_id")
    }
    visible = {
        str(pid)
        for pid in Matter.objects.in_scope(scope)
        .filter(public_id__in=[m for m in mentioned if m])
        .values_list("public_id", flat=True)
    }
    out = []
    for hit in check.hits:
        hit = dict(hit)
        unseen = [r for r in hit.get("roles", []) if r.get("matter_id") not in visible]
        for role in unseen:
            if role.get("matter"):
                hit["path"] = hit.get("path", "").replace(role["matter"], hidden)
        if hit.get("matter_id") and hit["matter_id"] not in visible:
            hit.update(matter=hidden, matter_title="", matter_id="")
        hit["roles"] = [
            {**r, "matter": hidden, "matter_title": "", "matter_id": ""}
            if r in unseen
            else r
            for r in hit.get("roles", [])
        ]
        out.append(hit)
    return out


def responsible_attorneys(*, scope):
    """Who may be a new matter's responsible attorney: the firm's attorneys."""
    ids = [
        m.user_id
        for m in Membership.objects.filter(organization=scope.firm, is_active=True)
        if "attorney" in m.roles
    ]
    return User.objects.filter(pk__in=ids)


def screenable_users(*, scope):
    """Who an ethical screen may wall off from a matter: the firm's people and
    the staff assigned to its pilot or active engagements, never the person
    setting the screen up."""
    members = User.objects.filter(
        memberships__organization=scope.firm, memberships__is_active=True
    )
    outside = User.objects.filter(
        pk__in=Assignment.objects.in_scope(scope)
        .filter(
            engagement__status__in=[Engagement.Status.PILOT, Engagement.Status.ACTIVE]
        )
        .values("user_id")
    )
    return (
        (members | outside).exclude(pk=scope.user.pk).distinct().order_by("full_name")
    )
