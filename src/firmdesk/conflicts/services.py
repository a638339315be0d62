"""Writes of the conflicts app, and the search they are all about.

Contacts, their aliases and relationships are written here so the conflict
index (``ConflictKey``) changes in the same transaction as the contact: every
process sees the same index, and a rolled-back change leaves no keys behind.
A check is recorded with its hits; a person decides it; a matter opens only
with a cleared or waived check.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from operator import attrgetter, itemgetter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.common.phones import Strictness, phone_e164
from firmdesk.matters.models import (
    Contact,
    ContactAlias,
    ContactRelationship,
    Matter,
    MatterParty,
)
from firmdesk.matters.services import is_firm_attorney, may_maintain
from firmdesk.notify.hooks import publish
from firmdesk.orgs.models import Organization, StaffProfile

from . import selectors
from .engine import MIN_SCORE, NameMatch, compare, tie_break
from .keys import contact_key_hashes, contact_keys, key_hash, query_keys
from .models import ConflictCheck, ConflictKey
from .normalize import normalize_name

ALIAS_FACTOR = 0.99
HOP_PENALTY = 6
ROLE_ORDER = [r.value for r in MatterParty.Role]

INVERSE = {
    "parent": "subsidiary of",
    "subsidiary": "parent of",
    "affiliate": "affiliate of",
    "spouse": "spouse of",
    "family": "family member of",
    "officer": "has as officer or director",
    "owner": "owned by",
    "insurer": "insured by",
    "guarantor": "guaranteed by",
    "payer": "fees paid by",
    "employer": "employed by",
}


# --- Hits ------------------------------------------------------------------


@dataclass
class Hit:
    """One contact a searched name may refer to, shown to a person to decide."""

    name: str  # the name searched
    contact_id: int
    contact: str  # public id
    contact_name: str
    contact_kind: str
    matched_name: str  # the name or alias that matched
    matched_as: str  # "name", or the alias kind ("Maiden name")
    score: int
    reason: str
    matter: str = ""  # number of the most relevant matter, if any
    matter_id: str = ""
    matter_title: str = ""
    matter_status: str = ""
    role: str = ""
    roles: list[dict] = field(default_factory=list)
    path: str = ""  # for a related party: how it is related
    via: list[str] = field(default_factory=list)  # the path's contacts (public ids)
    related: bool = False
    is_prospective: bool = False

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("contact_id")
        return data


def _role_phrase(role: selectors.Role) -> str:
    status = f" ({role.status_label})" if role.status_label != "open" else ""
    return f"{role.role_label.lower()} in {role.matter_number}{status}"


def _role_rank(role: selectors.Role):
    return (role.matter_closed, ROLE_ORDER.index(role.role))


def _with_roles(hit: Hit, roles: list[selectors.Role]) -> Hit:
    ordered = sorted(roles, key=_role_rank)
    hit.roles = [
        {
            "matter": r.matter_number,
            "matter_id": r.matter_public_id,
            "matter_title": r.matter_title,
            "matter_status": r.status_label,
            "role": r.role_label,
        }
        for r in ordered
    ]
    if ordered:
        first = ordered[0]
        hit.matter = first.matter_number
        hit.matter_id = first.matter_public_id
        hit.matter_title = first.matter_title
        hit.matter_status = first.status_label
        hit.role = first.role_label
    elif hit.is_prospective:
        hit.role = "Prospective client"
    else:
        hit.role = "No matter"
    return hit


def _where(cand, roles: list[selectors.Role]) -> str:
    if roles:
        return f"{cand.name}, {_role_phrase(sorted(roles, key=_role_rank)[0])}"
    if cand.is_prospective:
        return f"{cand.name}, prospective client (never retained)"
    return cand.name


ALIAS_LABELS = dict(ContactAlias.Kind.choices)


def _best_match(name: str, kind: str | None, cand) -> tuple[NameMatch, str, str]:
    best: tuple[NameMatch, str, str] | None = None
    for text, alias_kind in [(cand.name, "")] + cand.aliases:
        match = compare(name, kind, text, cand.kind)
        if match is None:
            continue
        if alias_kind:
            label = ALIAS_LABELS.get(alias_kind, "alias")
            match.score *= ALIAS_FACTOR
            match.reasons.insert(0, f"{label.lower()} on file: {text}")
        if best is None or match.score > best[0].score:
            best = (match, text, ALIAS_LABELS.get(alias_kind, "") or "name")
    return best if best is not None else (NameMatch(0.0), "", "")


def _detail_match(keys: dict[str, int]) -> str:
    if any(k.startswith("E:") for k in keys):
        return "same e-mail address"
    if any(k.startswith("T:") for k in keys):
        return "same phone number"
    return ""


def _search_one(*, firm, name: str, kind: str | None, limit: int) -> list[Hit]:
    keys = query_keys(name, kind)
    found = selectors.candidates(
        firm=firm, ids_weights=selectors.candidate_ids(firm=firm, keys=keys)
    )
    detail = _detail_match(keys)
    direct: list[tuple[float, float, Hit]] = []
    for cand in found:
        if detail:
            match, text, matched_as = NameMatch(100.0, [detail]), cand.name, "name"
        else:
            match, text, matched_as = _best_match(name, kind, cand)
        if match.score < MIN_SCORE:
            continue
        hit = Hit(
            name=name,
            contact_id=cand.id,
            contact=cand.public_id,
            contact_name=cand.name,
            contact_kind=cand.kind,
            matched_name=text,
            matched_as=matched_as,
            score=round(match.score),
            reason=match.reason,
            is_prospective=cand.is_prospective,
        )
        direct.append((match.score, tie_break(name, text) + cand.weight, hit))
    # Among equal scores, parties in open matters come first: look up the
    # roles of the best few (not of every name that passed).
    direct.sort(key=lambda d: (-d[0], -d[1]))
    direct = direct[: 3 * limit]
    roles = selectors.roles_of(firm=firm, ids=[h.contact_id for _, _, h in direct])
    direct.sort(key=lambda d: (-d[0], *_role_order(roles.get(d[2].contact_id)), -d[1]))
    hits = [h for _, _, h in direct[:limit]]
    related = _related_hits(firm=firm, direct=hits)
    roles.update(selectors.roles_of(firm=firm, ids=related))
    for hit in hits:
        _with_roles(hit, roles.get(hit.contact_id, []))
    for contact_id, (hit, steps, cand) in related.items():
        own = roles.get(contact_id, [])
        if not own and not cand.is_prospective:
            continue
        hit.path = " → ".join(steps + [_where(cand, own)])
        hit.reason = f"related party: {hit.path}"
        hits.append(_with_roles(hit, own))
    order = {id(h): i for i, h in enumerate(hits)}
    hits.sort(key=lambda h: (-h.score, h.related, order[id(h)]))
    return hits[:limit]


def _role_order(roles) -> tuple[bool, bool]:
    """Among equal scores, parties in open matters first, then in any matter."""
    if not roles:
        return (True, True)
    return (all(r.matter_closed for r in roles), False)


def _related_hits(*, firm, direct: list[Hit]) -> dict[int, tuple[Hit, list, object]]:
    """Contacts one or two relationships away from a direct hit.

    Returns contact id → (hit, path steps, contact); the caller keeps those
    that have a matter role or came as a prospective client.
    """
    seen = {h.contact_id for h in direct}
    frontier = {h.contact_id: (h, [h.contact_name], [h.contact]) for h in direct}
    out: dict[int, tuple[Hit, list, object]] = {}
    for hop in (1, 2):
        if not frontier:
            break
        edges = selectors.relationships_of(firm=firm, ids=frontier)
        reached: dict[int, tuple[Hit, list[str], str, list[str]]] = {}
        for src, kind, dst in edges:
            for here, there, label in (
                (src, dst, ContactRelationship.Kind(kind).label),
                (dst, src, INVERSE[kind]),
            ):
                if here not in frontier or there in seen or there in reached:
                    continue
                origin, steps, via = frontier[here]
                reached[there] = (origin, steps, label, via)
        if not reached:
            break
        contacts = selectors.contacts_by_id(firm=firm, ids=reached)
        next_frontier = {}
        for contact_id, (origin, steps, label, via) in reached.items():
            cand = contacts.get(contact_id)
            if cand is None:
                continue
            seen.add(contact_id)
            hit = Hit(
                name=origin.name,
                contact_id=cand.id,
                contact=cand.public_id,
                contact_name=cand.name,
                contact_kind=cand.kind,
                matched_name=origin.matched_name,
                matched_as=origin.matched_as,
                score=max(0, origin.score - HOP_PENALTY * hop),
                reason="",
                related=True,
                is_prospective=cand.is_prospective,
                via=list(via),
            )
            out[contact_id] = (hit, steps + [label], cand)
            next_frontier[contact_id] = (
                origin,
                steps + [label, cand.name],
                via + [cand.public_id],
            )
        frontier = next_frontier
    return out


def conflict_search(
    *, firm, names: list[str], kind: str | None = None, limit: int = 20
) -> list[Hit]:
    """Ranked hits for each searched name (at most ``limit`` per name).

    Searches every contact and alias of the firm (closed matters, former and
    prospective clients, contacts with no matter) through the index, scores
    only the candidates found there, and follows relationships two steps
    out to parties with a matter role. It decides nothing.
    """
    if kind not in (None, "person", "organization"):
        raise ServiceError("Kind is either person or organization.", field="kind")
    hits: list[Hit] = []
    for name in _clean_names(names):
        hits.extend(_search_one(firm=firm, name=name, kind=kind, limit=limit))
    return hits


def _clean_names(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        name = " ".join((name or "").split())
        if name and name not in out:
            out.append(name)
    return out


# --- Index maintenance -----------------------------------------------------


STAGE = "conflict_key_stage"
KEY_TABLE = ConflictKey._meta.db_table
# Rows per write of ``contacts_index_new``.
NEW_KEYS_BATCH = 50_000


@dataclass(frozen=True)
class IndexedContact:
    """A contact as the index sees it: its name first, then its aliases."""

    pk: int
    kind: str
    names: list[str]
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)


def _write_keys(
    rows: list[tuple[int, int, int]], *, table: str = KEY_TABLE, using=None
) -> None:
    """Insert (firm_id, key hash, contact_id) rows as fast as the database allows."""
    if not rows:
        return
    conn = using or connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY {table} (firm_id, key, contact_id) FROM STDIN"  # noqa: S608
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} (firm_id, key, contact_id) "  # noqa: S608
                "VALUES (%s, %s, %s)",
                rows,
            )


def _reindex_contact(contact: Contact) -> int:
    ConflictKey.objects.filter(firm_id=contact.firm_id, contact=contact).delete()
    aliases = list(
        ContactAlias.objects.for_firm(contact.firm_id)
        .filter(contact=contact)
        .values_list("name", flat=True)
    )
    keys = contact_keys(
        kind=contact.kind,
        names=[contact.name, *aliases],
        emails=contact.emails or [],
        phones=contact.phones or [],
    )
    _write_keys([(contact.firm_id, key_hash(k), contact.pk) for k in keys])
    return len(keys)


def _index_rows(firm_id: int, contacts, aliases: dict[int, list[str]]):
    rows = []
    for pk, kind, name, emails, phones in contacts:
        for key in contact_key_hashes(
            kind=kind,
            names=[name, *aliases.get(pk, ())],
            emails=emails or [],
            phones=phones or [],
        ):
            rows.append((firm_id, key, pk))
    return rows


def _aliases_by_contact(aliases, contact_ids=None) -> dict[int, list[str]]:
    """Alias names by contact, from a queryset of the firm's aliases."""
    if contact_ids is not None:
        aliases = aliases.filter(contact_id__in=contact_ids)
    out: dict[int, list[str]] = {}
    for contact_id, name in aliases.values_list("contact_id", "name"):
        out.setdefault(contact_id, []).append(name)
    return out


_CONTACT_FIELDS = ("pk", "kind", "name", "emails", "phones")


class _Staged:
    """Keys written to a scratch table and moved into the index sorted, so
    the index is written in order rather than page by random page
    (PostgreSQL; SQLite writes straight into the index)."""

    def __init__(self, conn):
        self.conn = conn
        self.on = conn.vendor == "postgresql"

    def __enter__(self):
        if self.on:
            with self.conn.cursor() as cursor:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {STAGE} (firm_id bigint, "
                    "key bigint, contact_id bigint)"
                )
        return self

    def write(self, rows) -> None:
        _write_keys(rows, table=STAGE if self.on else KEY_TABLE, using=self.conn)

    def __exit__(self, exc_type, exc, tb):
        # On an error the caller's transaction rolls the scratch table back.
        if not self.on or exc_type is not None:
            return
        with self.conn.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(
                f"INSERT INTO {KEY_TABLE} (firm_id, key, contact_id) "  # noqa: S608
                f"SELECT firm_id, key, contact_id FROM {STAGE} "
                "ORDER BY firm_id, key, contact_id"
            )
            cursor.execute(f"DROP TABLE {STAGE}")


def _rebuild(
    firm_id: int, contacts, aliases, *, conn, batch: int = 5000, progress=None
) -> tuple[int, int]:
    """Write the keys of every contact in ``contacts`` (a queryset of one
    firm's contacts, none of which has keys yet). Returns (contacts, keys)."""
    total = contacts.count() if progress is not None else 0
    alias_names = _aliases_by_contact(aliases)
    written = done = last = 0
    with _Staged(conn) as stage:
        while True:
            chunk = list(
                contacts.filter(pk__gt=last)
                .order_by("pk")
                .values_list(*_CONTACT_FIELDS)[:batch]
            )
            if not chunk:
                break
            rows = _index_rows(firm_id, chunk, alias_names)
            stage.write(rows)
            written += len(rows)
            done += len(chunk)
            last = chunk[-1][0]
            if progress is not None:
                progress(done, total)
    return done, written


def index_rebuild(
    *, firm, batch: int = 5000, progress: Callable[[int, int], None] | None = None
) -> int:
    """Rewrite the firm's whole index in one transaction (after a bulk load).

    Other processes keep searching the old index until the new one commits.
    Returns the number of keys written.
    """
    with transaction.atomic():
        ConflictKey.objects.filter(firm=firm).delete()
        done, written = _rebuild(
            firm.pk,
            Contact.objects.for_firm(firm),
            ContactAlias.objects.for_firm(firm),
            conn=connection,
            batch=batch,
            progress=progress,
        )
        audit_record(
            org=firm,
            actor=None,
            action="conflict.index_rebuilt",
            summary=f"Conflict index rebuilt: {done} contacts, {written} keys",
        )
    _refresh_statistics()
    return written


def index_rebuild_all(contact_model, alias_model, *, conn) -> int:
    """Every firm's index from scratch, into an empty key table: the
    migration that changed the key scheme runs this (with its own models),
    so no firm ever searches a half-old index. Returns the keys written."""
    contacts = contact_model._base_manager.using(conn.alias)
    aliases = alias_model._base_manager.using(conn.alias)
    written = 0
    firm_ids = contacts.order_by("firm_id").values_list("firm_id", flat=True)
    for firm_id in firm_ids.distinct():
        written += _rebuild(
            firm_id,
            contacts.filter(firm_id=firm_id),
            aliases.filter(firm_id=firm_id),
            conn=conn,
        )[1]
    return written


def _refresh_statistics() -> None:
    """Table statistics after a bulk load, so the planner looks candidates up
    by contact rather than reading every row of the firm (SQLite, without
    statistics, prefers the firm index for aliases and relationships)."""
    tables = [
        m._meta.db_table
        for m in (ConflictKey, Contact, ContactAlias, ContactRelationship, MatterParty)
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def contacts_index_bulk(
    *,
    firm,
    contact_ids,
    batch: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Rewrite the keys of many contacts at once (an import), in the caller's
    transaction. Returns the number of keys written."""
    ids = sorted(set(contact_ids))
    written = 0
    contacts = Contact.objects.for_firm(firm)
    aliases = ContactAlias.objects.for_firm(firm)
    with transaction.atomic(), _Staged(connection) as stage:
        for start in range(0, len(ids), batch):
            chunk_ids = ids[start : start + batch]
            ConflictKey.objects.filter(
                firm_id=firm.pk, contact_id__in=chunk_ids
            ).delete()
            chunk = list(
                contacts.filter(pk__in=chunk_ids).values_list(*_CONTACT_FIELDS)
            )
            rows = _index_rows(firm.pk, chunk, _aliases_by_contact(aliases, chunk_ids))
            stage.write(rows)
            written += len(rows)
            if progress is not None:
                progress(min(start + batch, len(ids)), len(ids))
    return written


def contacts_index_new(*, firm_id: int, contacts: Iterable[IndexedContact]) -> int:
    """Write the keys of contacts that have none yet, just written in bulk
    (the seed), from their names, e-mails and phones as given: nothing is
    read back. The keys are the ones ``contact_save`` would write.

    One firm's rows are written in the index's own order (firm, key,
    contact), so a load that goes firm after firm, each newer than the last,
    only ever appends to the index instead of writing it page by random page.
    Returns the number of keys written."""
    rows = [
        (firm_id, key, contact.pk)
        for contact in sorted(contacts, key=attrgetter("pk"))
        for key in contact_key_hashes(
            kind=contact.kind,
            names=contact.names,
            emails=contact.emails,
            phones=contact.phones,
        )
    ]
    # By key alone: the sort is stable, so each key's contacts stay in order,
    # and a quarter of the time of comparing whole rows.
    rows.sort(key=itemgetter(1))
    for start in range(0, len(rows), NEW_KEYS_BATCH):
        _write_keys(rows[start : start + NEW_KEYS_BATCH])
    return len(rows)


# --- Contacts, aliases, relationships --------------------------------------


def _clean_aliases(aliases) -> list[tuple[str, str]]:
    kinds = set(ContactAlias.Kind.values)
    out: list[tuple[str, str]] = []
    for item in aliases or []:
        if isinstance(item, str):
            name, kind = item, ContactAlias.Kind.AKA
        elif isinstance(item, dict):
            name, kind = item.get("name", ""), item.get("kind") or "aka"
        else:
            name, kind = item
        name = " ".join((name or "").split())
        if not name:
            continue
        if kind not in kinds:
            raise ServiceError(
                f"“{kind}” is not a kind of alias; use one of {', '.join(kinds)}.",
                field="aliases",
            )
        if (name, kind) not in out:
            out.append((name, kind))
    return out


def _clean_emails(emails) -> list[str]:
    out: list[str] = []
    for email in emails or []:
        email = (email or "").strip().lower()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            raise ServiceError(
                f"“{email}” is not an e-mail address.", field="emails"
            ) from None
        if email not in out:
            out.append(email)
    return out


def _clean_phones(phones, region: str) -> list[str]:
    out: list[str] = []
    for phone in phones or []:
        if not (phone or "").strip():
            continue
        e164 = phone_e164(phone, region, strictness=Strictness.LOCAL_OK)
        if e164 is None:
            raise ServiceError(
                f"“{phone}” is not a phone number we can read. Write it with its "
                "country code, such as +1 212 555 0100.",
                field="phones",
            )
        if e164 not in out:
            out.append(e164)
    return out


def _same_firm(firm, *objs) -> None:
    for obj in objs:
        if obj is not None and obj.firm_id != firm.pk:
            raise ServiceError(f"{obj._meta.verbose_name} belongs to another firm.")


def contact_save(
    *,
    firm,
    actor,
    contact: Contact | None = None,
    kind: str,
    name: str,
    aliases=(),
    emails=(),
    phones=(),
    address: str = "",
    date_of_birth: datetime.date | None = None,
    tax_id: str = "",
    is_prospective: bool = False,
    notes: str = "",
    phone_region: str = "US",
) -> Contact:
    """Create or update a contact and its aliases; rewrite its index keys.

    ``aliases`` are names (``"Peggy Jones"``), ``(name, kind)`` pairs or
    ``{"name": ..., "kind": ...}``; they replace the contact's aliases.
    Phones are stored in E.164.
    """
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError("Give the contact a name.", field="name")
    if kind not in Contact.Kind.values:
        raise ServiceError("A contact is a person or an organization.", field="kind")
    _same_firm(firm, contact)
    wanted_aliases = _clean_aliases(aliases)
    creating = contact is None
    contact = contact or Contact(firm=firm)
    contact.kind = kind
    contact.name = name
    contact.emails = _clean_emails(emails)
    contact.phones = _clean_phones(phones, phone_region)
    contact.address = address or ""
    contact.date_of_birth = date_of_birth
    contact.tax_id = tax_id or ""
    contact.is_prospective = is_prospective
    contact.notes = notes or ""
    try:
        contact.full_clean()
    except ValidationError as exc:
        field_name, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(" ".join(messages), field=field_name) from None
    with transaction.atomic():
        contact.save()
        existing = {
            (a.name, a.kind): a
            for a in ContactAlias.objects.for_firm(firm).filter(contact=contact)
        }
        for pair, alias in existing.items():
            if pair not in wanted_aliases:
                alias.delete()
        for alias_name, alias_kind in wanted_aliases:
            if (alias_name, alias_kind) not in existing:
                ContactAlias(
                    firm=firm, contact=contact, name=alias_name, kind=alias_kind
                ).save()
        _reindex_contact(contact)
        audit_record(
            org=firm,
            actor=actor,
            action="contact.created" if creating else "contact.updated",
            obj=contact,
            summary=f"{'Added' if creating else 'Changed'} contact {contact.name}",
            detail={"aliases": [a for a, _ in wanted_aliases]},
        )
    return contact


def contact_alias_add(
    *, firm, actor, contact: Contact, name: str, kind: str = "aka"
) -> ContactAlias:
    _same_firm(firm, contact)
    cleaned = _clean_aliases([(name, kind)])
    if not cleaned:
        raise ServiceError("Give the alias a name.", field="name")
    ((name, kind),) = cleaned
    with transaction.atomic():
        alias, _ = ContactAlias.objects.for_firm(firm).get_or_create(
            firm=firm, contact=contact, name=name, kind=kind
        )
        _reindex_contact(contact)
        audit_record(
            org=firm,
            actor=actor,
            action="contact.alias_added",
            obj=contact,
            summary=f"{contact.name}: added {alias}",
        )
    return alias


def contact_alias_remove(*, firm, actor, alias: ContactAlias) -> None:
    _same_firm(firm, alias)
    contact = alias.contact
    with transaction.atomic():
        alias.delete()
        _reindex_contact(contact)
        audit_record(
            org=firm,
            actor=actor,
            action="contact.alias_removed",
            obj=contact,
            summary=f"{contact.name}: removed {alias}",
        )


def relationship_add(
    *, firm, actor, from_contact: Contact, kind: str, to_contact: Contact
) -> ContactRelationship:
    """Record that ``from_contact`` is <kind> ``to_contact`` (parent of, …).

    Relationships are followed when a search runs, so no keys change.
    """
    _same_firm(firm, from_contact, to_contact)
    if kind not in ContactRelationship.Kind.values:
        raise ServiceError(f"“{kind}” is not a kind of relationship.", field="kind")
    rel = ContactRelationship(
        firm=firm, from_contact=from_contact, to_contact=to_contact, kind=kind
    )
    try:
        rel.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages)) from None
    with transaction.atomic():
        rel, _ = ContactRelationship.objects.for_firm(firm).get_or_create(
            firm=firm, from_contact=from_contact, to_contact=to_contact, kind=kind
        )
        audit_record(
            org=firm,
            actor=actor,
            action="contact.related",
            obj=from_contact,
            summary=str(rel),
        )
    return rel


def relationship_remove(*, firm, actor, relationship: ContactRelationship) -> None:
    _same_firm(firm, relationship)
    with transaction.atomic():
        summary = str(relationship)
        relationship.delete()
        audit_record(
            org=firm,
            actor=actor,
            action="contact.unrelated",
            summary=f"Removed: {summary}",
        )


# --- Checks ----------------------------------------------------------------


def may_edit_contacts(*, scope) -> bool:
    """The firm's people, and outside staff who keep its contacts or take its
    intake."""
    return scope.is_firm_member or bool(scope.functions & {"crm", "intake"})


def may_run_checks(scope) -> bool:
    """The firm's people, and outside staff with the intake function."""
    return scope.works_on("intake")


def conflict_check_run(*, scope, names: list[str], purpose: str = "") -> ConflictCheck:
    """Search the names and record the check with its hits, waiting for an
    attorney's decision (even with no hits: the engine never clears)."""
    if not may_run_checks(scope):
        raise ServiceError("Only the firm and its intake staff run conflict checks.")
    return conflict_check_record(
        firm=scope.firm, run_by=scope.user, names=names, purpose=purpose
    )


def conflict_check_record(
    *,
    firm,
    run_by,
    names: list[str],
    purpose: str = "",
    kind: str = ConflictCheck.Kind.OPENING,
    matter: Matter | None = None,
) -> ConflictCheck:
    """``conflict_check_run`` without a person behind it: the screen of a lead
    that arrived through the firm's public form (``run_by`` None). A party
    check (``kind`` PARTY) names the open matter the party joined."""
    names = _clean_names(names)
    if not names:
        raise ServiceError("Give at least one name to check.", field="names")
    hits = conflict_search(firm=firm, names=names)
    check = ConflictCheck(
        firm=firm,
        run_by=run_by,
        run_at=timezone.now(),
        names=names,
        hits=[h.to_dict() for h in hits],
        purpose=(purpose or "").strip()[:200],
        kind=kind,
        matter=matter,
    )
    with transaction.atomic():
        check.save()
        audit_record(
            org=firm,
            actor=run_by,
            action="conflict.check_run",
            obj=check,
            summary=f"Conflict check of {', '.join(names)}: {len(hits)} hit(s)",
            detail={"names": names, "hits": len(hits)},
        )
    return check


def may_decide(scope) -> bool:
    """Only an attorney (or firm admin) of the firm decides a check."""
    return scope.is_firm_member and scope.has_role("attorney", "firm_admin")


WAIVER_NOTE = (
    "A waiver needs a note on the informed consent obtained: who consented, "
    "when and how it was confirmed in writing."
)
CLEAR_NOTE = (
    "The search found possible matches. Say in the note why none of them is a "
    "conflict (for example “different person: other date of birth”)."
)


def decision_note_problem(decision: str, note: str, *, hits: int) -> str:
    """What is missing from the note for this decision, or "" if nothing: a
    waiver always needs one, and so does clearing a check that found hits."""
    if note.strip():
        return ""
    if decision == ConflictCheck.Decision.WAIVED:
        return WAIVER_NOTE
    if decision == ConflictCheck.Decision.CLEAR and hits:
        return CLEAR_NOTE
    return ""


def conflict_decide(
    *, scope, check: ConflictCheck, decision: str, note: str = ""
) -> ConflictCheck:
    """An attorney (or firm admin) clears a check, finds a conflict, or waives
    it with a note on the consent obtained. Clearing a check that found hits
    needs a note too (``decision_note_problem``): nothing is decided by
    default or without a word on why."""
    if not may_decide(scope):
        raise ServiceError("Only an attorney of the firm can decide a conflict check.")
    _same_firm(scope.firm, check)
    choices = {
        ConflictCheck.Decision.CLEAR,
        ConflictCheck.Decision.CONFLICT,
        ConflictCheck.Decision.WAIVED,
    }
    if decision not in choices:
        raise ServiceError("Decide clear, conflict or waived.", field="decision")
    note = (note or "").strip()
    with transaction.atomic():
        check = (
            ConflictCheck.objects.for_firm(scope.firm)
            .select_for_update()
            .get(pk=check.pk)
        )
        if check.opened_matter:
            raise ServiceError(
                "A matter was opened on this check; run a new check to decide again."
            )
        problem = decision_note_problem(decision, note, hits=len(check.hits))
        if problem:
            raise ServiceError(problem, field="note")
        check.decision = decision
        check.decision_note = note
        check.decided_by = scope.user
        check.decided_at = timezone.now()
        check.save(
            update_fields=[
                "decision",
                "decision_note",
                "decided_by",
                "decided_at",
                "updated_at",
            ]
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="conflict.decided",
            obj=check,
            summary=f"Conflict check of {', '.join(check.names)}: "
            f"{check.get_decision_display()}",
            detail={"decision": decision, "hits": len(check.hits)},
        )
    return check


# --- Opening matters -------------------------------------------------------


def _number_format() -> str:
    return getattr(settings, "FIRMDESK_MATTER_NUMBER_FORMAT", "{year}-{seq:04d}")


def next_matter_number(*, firm, today: datetime.date | None = None) -> str:
    """The next number in the firm's scheme. Call inside the transaction that
    saves the matter, after locking the firm row (``matter_open`` does)."""
    today = today or timezone.localdate(timezone=firm.tz)
    fmt = _number_format()
    head, _, tail = fmt.partition("{seq")
    tail = tail.partition("}")[2]
    prefix = head.format(year=today.year)
    suffix = tail.format(year=today.year)
    pattern = re.compile(re.escape(prefix) + r"(\d+)" + re.escape(suffix) + "$")
    seq = 0
    for number in (
        Matter.objects.for_firm(firm)
        .filter(number__startswith=prefix)
        .values_list("number", flat=True)
    ):
        m = pattern.match(number)
        if m:
            seq = max(seq, int(m.group(1)))
    return fmt.format(year=today.year, seq=seq + 1)


def _covered(check: ConflictCheck, contact: Contact) -> bool:
    """Whether the check searched this contact's name (or found the contact)."""
    if any(h.get("contact") == str(contact.public_id) for h in check.hits):
        return True
    searched = {normalize_name(n, contact.kind) for n in check.names}
    names = [contact.name, *contact.aliases.values_list("name", flat=True)]
    return any(normalize_name(n, contact.kind) in searched for n in names)


def _clean_parties(firm, parties) -> list[tuple[Contact, str]]:
    out = []
    for contact, role in parties or []:
        _same_firm(firm, contact)
        if role not in MatterParty.Role.values:
            raise ServiceError(f"“{role}” is not a party role.", field="parties")
        if (contact, role) not in out:
            out.append((contact, role))
    return out


def _create_parties(firm, matter, parties) -> None:
    for contact, role in parties:
        MatterParty(firm=firm, matter=matter, contact=contact, role=role).save()


def matter_open(
    *,
    scope,
    number: str | None = None,
    title: str,
    practice_area: str = "",
    responsible_attorney=None,
    parties=(),
    check: ConflictCheck,
    description: str = "",
    key_facts: str = "",
) -> Matter:
    """Open a matter on a cleared or waived conflict check, with its parties.

    Every party must have been searched by the check. The number comes from
    the firm's scheme unless given; numbers never repeat.
    """
    firm = scope.firm
    if not may_run_checks(scope):
        raise ServiceError("Only the firm and its intake staff open matters.")
    _same_firm(firm, check)
    title = (title or "").strip()
    if not title:
        raise ServiceError("Give the matter a title.", field="title")
    parties = _clean_parties(firm, parties)
    if responsible_attorney is not None and not is_firm_attorney(
        responsible_attorney, firm
    ):
        raise ServiceError(
            f"{responsible_attorney} is not an attorney of {firm}.",
            field="responsible_attorney",
        )
    with transaction.atomic():
        # One opening at a time per firm, so two never take the same number.
        list(Organization.objects.select_for_update().filter(pk=firm.pk))
        check = (
            ConflictCheck.objects.for_firm(firm).select_for_update().get(pk=check.pk)
        )
        if not check.allows_opening:
            raise ServiceError(
                "This conflict check has not been cleared. An attorney must clear "
                "it (or waive it with the clients' consent) before the matter opens.",
                field="check",
            )
        if check.matter_id is not None:
            raise ServiceError(
                "This conflict check already opened a matter; run a new check.",
                field="check",
            )
        missing = [c.name for c, _ in parties if not _covered(check, c)]
        if missing:
            raise ServiceError(
                f"The conflict check did not search {', '.join(missing)}. "
                "Run a check that includes every party.",
                field="parties",
            )
        today = timezone.localdate(timezone=firm.tz)
        if number:
            number = number.strip()
            if Matter.objects.for_firm(firm).filter(number=number).exists():
                raise ServiceError(f"Matter number {number} is taken.", field="number")
        else:
            number = next_matter_number(firm=firm, today=today)
        matter = Matter(
            firm=firm,
            number=number,
            title=title,
            practice_area=practice_area or "",
            status=Matter.Status.OPEN,
            responsible_attorney=responsible_attorney,
            opened_on=today,
            description=description or "",
            key_facts=key_facts or "",
        )
        matter.save()
        _create_parties(firm, matter, parties)
        check.matter = matter
        check.save(update_fields=["matter", "updated_at"])
        audit_record(
            org=firm,
            actor=scope.user,
            action="matter.opened",
            obj=matter,
            matter=matter,
            summary=f"Opened {matter.number} {matter.title} on a "
            f"{check.get_decision_display().lower()} conflict check",
            detail={"check": str(check.public_id), "parties": len(parties)},
        )
        publish(
            "matter.opened",
            firm=firm,
            obj=matter,
            actor=scope.user,
            matter=matter,
            practice_area=matter.practice_area,
            opened_on=matter.opened_on,
            conflict_check=str(check.public_id),
            conflict_decision=check.decision,
        )
    return matter


def matter_import_pre_existing(
    *,
    firm,
    actor,
    number: str,
    title: str,
    note: str,
    practice_area: str = "",
    parties=(),
    opened_on: datetime.date | None = None,
    closed_on: datetime.date | None = None,
    description: str = "",
    responsible_attorney=None,
) -> Matter:
    """A matter that existed before FirmDesk (import, demo): exempt from the
    check, marked "pre-existing" with a note saying where it came from."""
    number = (number or "").strip()
    title = (title or "").strip()
    note = (note or "").strip()
    if not number:
        raise ServiceError("An imported matter keeps its number.", field="number")
    if not title:
        raise ServiceError("Give the matter a title.", field="title")
    if not note:
        raise ServiceError(
            "Say where the matter comes from (it is exempt from the conflict check).",
            field="note",
        )
    parties = _clean_parties(firm, parties)
    with transaction.atomic():
        if Matter.objects.for_firm(firm).filter(number=number).exists():
            raise ServiceError(f"Matter number {number} is taken.", field="number")
        matter = Matter(
            firm=firm,
            number=number,
            title=title,
            practice_area=practice_area or "",
            status=Matter.Status.PRE_EXISTING,
            opened_on=opened_on,
            closed_on=closed_on,
            description=description or "",
            note=note,
            responsible_attorney=responsible_attorney,
        )
        matter.save()
        _create_parties(firm, matter, parties)
        audit_record(
            org=firm,
            actor=actor,
            action="matter.imported",
            obj=matter,
            matter=matter,
            summary=f"Imported {matter.number} {matter.title} as pre-existing",
            detail={"note": note[:200], "parties": len(parties)},
        )
    return matter


def matters_import_pre_existing(*, firm, matters: list[Matter]) -> list[Matter]:
    """Save many imported matters at once as "pre-existing" (exempt from the
    check). Each needs a number and a note; the caller writes the audit event."""
    for matter in matters:
        if matter.firm_id != firm.pk:
            raise ServiceError(f"Matter {matter.number} belongs to another firm.")
        if not (matter.number or "").strip():
            raise ServiceError("An imported matter keeps its number.", field="number")
        if not (matter.note or "").strip():
            raise ServiceError(
                f"Matter {matter.number}: say where it comes from.", field="note"
            )
        matter.status = Matter.Status.PRE_EXISTING
    with transaction.atomic():
        return Matter.objects.for_firm(firm).bulk_create(matters)


# --- Parties after opening ----------------------------------------------------


def _party_check(*, scope, matter: Matter, name: str, role: str, why: str):
    return conflict_check_record(
        firm=scope.firm,
        run_by=scope.user,
        names=[name],
        purpose=f"{why} on {matter.number}: {name} ({MatterParty.Role(role).label})",
        kind=ConflictCheck.Kind.PARTY,
        matter=matter,
    )


def _check_party_change(scope, matter: Matter, role: str) -> None:
    if not may_maintain(scope):
        raise ServiceError("Only an attorney or admin of the firm changes parties.")
    _same_firm(scope.firm, matter)
    if matter.is_closed:
        raise ServiceError(f"{matter.number} is closed. Reopen it to change parties.")
    if role not in MatterParty.Role.values:
        raise ServiceError("Choose the party's role.", field="role")


def matter_party_add(
    *, scope, matter: Matter, name: str, kind: str, role: str
) -> tuple[MatterParty, ConflictCheck]:
    """Add a party to an open matter and search its name, as at opening.

    The name is searched before anything is written, so a new contact does not
    find itself. An existing contact of the same kind and name (as the person
    may see it) is reused; otherwise a contact is added. The check waits for
    an attorney's decision on the matter page; the party is on the matter
    meanwhile, since it is already in the case."""
    _check_party_change(scope, matter, role)
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError("Give the party's name as written.", field="name")
    if kind not in Contact.Kind.values:
        raise ServiceError("Choose person or organisation.", field="kind")
    with transaction.atomic():
        contact = (
            Contact.objects.in_scope(scope)
            .filter(kind=kind, name__iexact=name)
            .order_by("pk")
            .first()
        )
        if contact is not None and (
            MatterParty.objects.for_firm(scope.firm)
            .filter(matter=matter, contact=contact, role=role)
            .exists()
        ):
            raise ServiceError(
                f"{contact.name} is already a party to {matter.number} as "
                f"{MatterParty.Role(role).label.lower()}.",
                field="name",
            )
        check = _party_check(
            scope=scope, matter=matter, name=name, role=role, why="New party"
        )
        if contact is None:
            contact = contact_save(
                firm=scope.firm, actor=scope.user, kind=kind, name=name
            )
        party = MatterParty(firm=scope.firm, matter=matter, contact=contact, role=role)
        party.save()
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="matter.party_added",
            obj=matter,
            matter=matter,
            summary=f"{contact.name} added to {matter.number} as "
            f"{party.get_role_display().lower()}",
            detail={"check": str(check.public_id), "hits": len(check.hits)},
        )
    return party, check


def matter_party_change(
    *, scope, party: MatterParty, name: str, role: str
) -> tuple[MatterParty, ConflictCheck | None]:
    """Change a party's role, or correct its name. A new name is searched
    (a party check, as for a new party) and the old one stays on the contact
    as a former name, so the conflict index still finds it."""
    matter = party.matter
    _check_party_change(scope, matter, role)
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError("Give the party's name as written.", field="name")
    contact = party.contact
    renamed = name != contact.name
    if not renamed and role == party.role:
        return party, None
    with transaction.atomic():
        if (
            role != party.role
            and MatterParty.objects.for_firm(scope.firm)
            .filter(matter=matter, contact=contact, role=role)
            .exists()
        ):
            raise ServiceError(
                f"{contact.name} is already a party to {matter.number} as "
                f"{MatterParty.Role(role).label.lower()}.",
                field="role",
            )
        check = None
        if renamed:
            check = _party_check(
                scope=scope, matter=matter, name=name, role=role, why="Renamed party"
            )
            old = contact.name
            contact.name = name
            contact.save(update_fields=["name", "updated_at"])
            ContactAlias.objects.for_firm(scope.firm).get_or_create(
                firm=scope.firm,
                contact=contact,
                name=old,
                kind=ContactAlias.Kind.FORMER,
            )
            _reindex_contact(contact)
        before = party.get_role_display()
        party.role = role
        party.save(update_fields=["role", "updated_at"])
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="matter.party_changed",
            obj=matter,
            matter=matter,
            summary=f"{matter.number}: party {contact.name} "
            f"({before} → {party.get_role_display()})",
            detail={"renamed": renamed, "check": str(check.public_id) if check else ""},
        )
    return party, check


def matter_party_remove(*, scope, party: MatterParty) -> None:
    """Take a party off a matter. The contact stays on file and in the
    conflict index. The last client stays: add the new client first."""
    matter = party.matter
    _check_party_change(scope, matter, party.role)
    with transaction.atomic():
        clients = MatterParty.objects.for_firm(scope.firm).filter(
            matter=matter, role=MatterParty.Role.CLIENT
        )
        if party.role == MatterParty.Role.CLIENT and clients.count() == 1:
            raise ServiceError(
                f"{party.contact.name} is the only client of {matter.number}. "
                "Add the new client first, then remove this one."
            )
        summary = f"{party.contact.name} ({party.get_role_display().lower()})"
        party.delete()
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="matter.party_removed",
            obj=matter,
            matter=matter,
            summary=f"{matter.number}: removed {summary}",
        )


# --- Provider staff --------------------------------------------------------


def employer_name(item) -> str:
    """The employer's name in one entry of ``StaffProfile.prior_employers``.

    Profiles store ``{"employer": …, "role": …, "from": …, "to": …}`` (the demo,
    the seed); entries written as ``{"name": …}`` or a bare string are read too,
    so no profile's history is skipped because of how it was typed in."""
    if isinstance(item, dict):
        name = item.get("employer") or item.get("name") or ""
    else:
        name = item
    return str(name).strip()


def prior_employers_check(*, firm, user) -> list[Hit]:
    """The staff member's prior employers searched against the firm's parties,
    for the firm to see before (or when) the person is assigned."""
    profile = StaffProfile.objects.filter(user=user).first()
    if profile is None:
        return []
    names = [name for name in map(employer_name, profile.prior_employers or []) if name]
    return conflict_search(firm=firm, names=names, kind="organization")
