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

from .keys import key_hash
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
    hashed = {key_hash(key): weight for key, weight in keys.items()}
    by_weight: dict[int, list[int]] = defaultdict(list)
    for key, weight in hashed.items():
        by_weight[weight].append(key)
    if len(by_weight) == 1:
        (weight,) = by_weight
        score = Sum(Value(weight))
    else:
        score = Sum(
            Case(
                *(
                    When(key__among=group, then=Value(weight))
                    for weight, group in sorted(by_weight.items(), reverse=True)
                ),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
    rows = (
        ConflictKey.objects.filter(firm_id=firm.pk, key__among=list(hashed))
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
        .filter(pk__among=list(weights))
        .order_by()
        .values_list("id", "public_id", "kind", "name", "is_prospective")
    }
    for contact_id, name, kind in (
        ContactAlias.objects.for_firm(firm)
        .filter(contact_id__among=list(found))
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
        .filter(pk__among=list(ids))
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
        .filter(Q(from_contact_id__among=ids) | Q(to_contact_id__among=ids))
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
        .filter(contact_id__among=ids)
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


HIDDEN_MATTER = "a matter you cannot open"
HIDDEN_PARTY = "a party of a matter you cannot open"
# Outside staff see only the contacts of matters opened to them: a hit on a
# contact in no matter (a prospective client, say) is hidden from them too.
HIDDEN_CONTACT = "someone on the firm's file you cannot see"


@dataclass
class CheckShown:
    """A conflict check as one viewer may see it (pages render this, never the
    model): a check that opened a matter the viewer may not see keeps its
    date, people and decision, but not the names searched (they are that
    matter's parties) nor the matter's number."""

    check: ConflictCheck
    matter_hidden: bool
    names: list[str]
    matter_number: str
    matter_public_id: str

    def __getattr__(self, name):
        # Everything else (dates, decision, who) is the check's own.
        if name in {"hits", "matter", "matter_id"}:
            raise AttributeError(name)
        return getattr(self.check, name)

    @property
    def hit_count(self) -> int:
        return len(self.check.hits)

    @property
    def purpose(self) -> str:
        """A party check's purpose names its matter and the party ("Add Jane
        Roe to M-2026-014"): not for someone who may not see that matter."""
        return "" if self.matter_hidden else self.check.purpose

    @property
    def decision_note(self) -> str:
        return "" if self.matter_hidden else self.check.decision_note

    @property
    def has_matter(self) -> bool:
        """The check opened a matter (a party check only names its matter)."""
        return self.check.opened_matter

    @property
    def is_party_check(self) -> bool:
        return self.check.kind == ConflictCheck.Kind.PARTY


def _visible_matter_ids(scope, matter_ids) -> set[int]:
    from firmdesk.matters.models import Matter

    ids = {m for m in matter_ids if m}
    if not ids:
        return set()
    return set(
        Matter.objects.in_scope(scope).filter(pk__in=ids).values_list("pk", flat=True)
    )


def checks_for_viewer(*, scope, checks) -> list[CheckShown]:
    """The checks (a page of them) as ``scope`` may see them, in one query."""
    checks = list(checks)
    visible = _visible_matter_ids(scope, [c.matter_id for c in checks])
    return [
        _shown(c, c.matter_id is not None and c.matter_id not in visible)
        for c in checks
    ]


def check_for_viewer(*, scope, check: ConflictCheck) -> CheckShown:
    return checks_for_viewer(scope=scope, checks=[check])[0]


def _shown(check: ConflictCheck, hidden: bool) -> CheckShown:
    if hidden:
        return CheckShown(check, True, [], HIDDEN_MATTER, "")
    matter = check.matter if check.matter_id else None
    return CheckShown(
        check,
        False,
        list(check.names),
        matter.number if matter else "",
        str(matter.public_id) if matter else "",
    )


def check_hits_for(*, scope, check: ConflictCheck) -> list[dict]:
    """The check's hits as this scope may see them.

    A hit always shows (whoever runs intake must know there is one), but a
    matter the scope may not see (an ethical screen, need-to-know) is named
    only as "a matter you cannot open", without number or title; a contact
    the scope may not see (known to the firm only through such matters) shows
    without its name, aliases or relationships. A check that opened a matter
    the scope may not see shows no hits at all (``CheckShown.matter_hidden``):
    they are about that matter's parties.
    """
    from firmdesk.matters.models import Contact, Matter

    if check.matter_id and not _visible_matter_ids(scope, [check.matter_id]):
        return []
    mentioned = {r["matter_id"] for hit in check.hits for r in hit.get("roles", [])} | {
        hit["matter_id"] for hit in check.hits if hit.get("matter_id")
    }
    states = {
        str(pid): _matter_state(status, closed_on)
        for pid, status, closed_on in Matter.objects.in_scope(scope)
        .filter(public_id__in=[m for m in mentioned if m])
        .values_list("public_id", "status", "closed_on")
    }
    visible = set(states)
    contacts = {hit["contact"] for hit in check.hits if hit.get("contact")}
    contacts |= {c for hit in check.hits for c in hit.get("via", [])}
    seen_contacts = {
        str(pid)
        for pid in Contact.objects.in_scope(scope)
        .filter(public_id__in=contacts)
        .values_list("public_id", flat=True)
    }
    restricted = Contact.scope_filter(scope) != Q()
    shown = [_hit_shown(hit, visible, seen_contacts, restricted) for hit in check.hits]
    for hit in shown:
        # The matter's status now (it may have closed since the search), with
        # "pre-existing" as where it came from, not as a status.
        if hit.get("matter_id") in states:
            hit["matter_status"] = states[hit["matter_id"]]
        hit["roles"] = [
            {**role, "matter_status": states[role["matter_id"]]}
            if role.get("matter_id") in states
            else role
            for role in hit.get("roles", [])
        ]
    return shown


def _matter_state(status: str, closed_on) -> str:
    state = "closed" if status == "closed" or closed_on is not None else "open"
    return f"pre-existing, {state}" if status == "pre_existing" else state


def _hit_shown(
    hit: dict, visible: set[str], seen_contacts: set[str], restricted: bool
) -> dict:
    hit = dict(hit)
    roles = hit.get("roles", [])
    unseen = [r for r in roles if r.get("matter_id") not in visible]
    hidden_matter = bool(hit.get("matter_id")) and hit["matter_id"] not in visible
    if hit.get("contact") not in seen_contacts:
        # Known only through matters the viewer may not see: the name that was
        # searched and the kind of role stay, everything naming the contact goes.
        in_matters = bool(roles or hit.get("matter_id"))
        return {
            **hit,
            "contact": "",
            "contact_name": HIDDEN_PARTY if in_matters else HIDDEN_CONTACT,
            "matched_name": "",
            "matched_as": "name",
            "reason": (
                "Similar to a party of a matter you cannot open: an attorney "
                "who can open it must review this hit."
                if in_matters
                else "Similar to someone on the firm's file that you cannot see: "
                "an attorney of the firm must review this hit."
            ),
            "path": "",
            "via": [],
            "matter": HIDDEN_MATTER if in_matters else "",
            "matter_title": "",
            "matter_id": "",
            "matter_status": "",
            "roles": [_role_hidden(r) for r in roles],
            "hidden": True,
        }
    if hit.get("path"):
        # A related party's path names the contacts it passes through and ends
        # with the matter it sits in ("…, client in M-1"). A path through a
        # contact the viewer may not see (or recorded before paths kept their
        # contacts) says only that the party is related; a path ending in a
        # hidden matter ends with the party's name.
        via = hit.get("via")
        if restricted and (not via or any(c not in seen_contacts for c in via)):
            hit["path"] = f"{hit['contact_name']}, related to a match for {hit['name']}"
        elif unseen:
            steps = hit["path"].split(" → ")
            hit["path"] = " → ".join(steps[:-1] + [hit["contact_name"]])
        hit["reason"] = f"related party: {hit['path']}"
    if hidden_matter:
        hit.update(
            matter=HIDDEN_MATTER, matter_title="", matter_id="", matter_status=""
        )
    hit["roles"] = [_role_hidden(r) if r in unseen else r for r in roles]
    hit["hidden"] = False
    return hit


def _role_hidden(role: dict) -> dict:
    return {
        **role,
        "matter": HIDDEN_MATTER,
        "matter_title": "",
        "matter_id": "",
        "matter_status": "",
    }


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
