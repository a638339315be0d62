"""Export contacts as CSV in the ``firmdesk`` layout (docs/import-export.md).

One row per contact in a role on a matter; a contact with no matter gets one
row with the matter columns empty. Importing the file into an empty firm gives
back the same contacts, aliases, employers and parties.
"""

import csv
from collections import defaultdict

from firmdesk.audit.services import audit_record
from firmdesk.matters.models import (
    Contact,
    ContactAlias,
    ContactRelationship,
    MatterParty,
)

from .importing import FIRMDESK_COLUMNS, alias_text

CHUNK = 2000
# A cell starting with one of these is a formula to Excel (and a way to run
# one from a name typed into a public intake form): the export writes it with
# a leading apostrophe, which the import removes again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _querysets(scope, firm):
    """Contacts, aliases, employer links and parties: through the Scope when
    there is one (a page), else firm-wide (the command line)."""
    if scope is not None:
        contacts = Contact.objects.in_scope(scope)
        parties = MatterParty.objects.in_scope(scope)
        aliases = ContactAlias.objects.in_scope(scope)
        links = ContactRelationship.objects.in_scope(scope)
    else:
        contacts = Contact.objects.for_firm(firm)
        parties = MatterParty.objects.for_firm(firm)
        aliases = ContactAlias.objects.for_firm(firm)
        links = ContactRelationship.objects.for_firm(firm)
    return contacts, parties, aliases, links


def export_contacts_csv(
    *, stream, scope=None, firm=None, actor=None, excel_bom: bool = True
) -> int:
    """Write the contacts ``scope`` may see (or all of ``firm``'s) to ``stream``.

    ``stream`` is a text stream (a file opened with ``newline=""``, or a page's
    response). Provider staff's Scope limits the rows to contacts and parties
    of matters they may see. ``excel_bom`` starts the file with a byte-order
    mark so that Excel reads accents correctly. Returns the number of rows and
    records one audit event.
    """
    if (scope is None) == (firm is None):
        raise ValueError("Give either a scope or a firm.")
    firm = scope.firm if scope is not None else firm
    actor = scope.user if scope is not None else actor
    contacts, parties, aliases, links = _querysets(scope, firm)
    visible = contacts.values("pk")

    alias_map: dict[int, list[str]] = defaultdict(list)
    for contact_id, name, kind in (
        aliases.filter(contact_id__in=visible)
        .order_by("contact_id", "name", "pk")
        .values_list("contact_id", "name", "kind")
    ):
        alias_map[contact_id].append(alias_text(name, kind))
    employers: dict[int, list[str]] = defaultdict(list)
    for person_id, company in (
        links.filter(
            kind=ContactRelationship.Kind.EMPLOYER,
            to_contact_id__in=visible,
            from_contact_id__in=visible,
        )
        .order_by("to_contact_id", "from_contact__name")
        .values_list("to_contact_id", "from_contact__name")
    ):
        employers[person_id].append(company)
    roles: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        parties.filter(contact_id__in=visible)
        .order_by("contact_id", "matter__number", "role")
        .values_list(
            "contact_id",
            "matter__number",
            "matter__title",
            "role",
            "matter__status",
            "matter__practice_area",
            "matter__opened_on",
            "matter__closed_on",
        )
    ):
        roles[row[0]].append(row[1:])

    if excel_bom:
        stream.write("\ufeff")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(FIRMDESK_COLUMNS)
    rows = 0
    for pk, kind, name, emails, phones, address, prospective, notes in (
        contacts.order_by("name", "pk")
        .values_list(
            "pk",
            "kind",
            "name",
            "emails",
            "phones",
            "address",
            "is_prospective",
            "notes",
        )
        .iterator(chunk_size=CHUNK)
    ):
        contact_cells = [
            kind,
            name,
            "; ".join(alias_map.get(pk, ())),
            "; ".join(emails or []),
            "; ".join(phones or []),
            address,
            "; ".join(employers.get(pk, ())),
            "yes" if prospective else "",
            notes,
        ]
        for number, title, role, status, area, opened, closed in roles.get(
            pk, [(None,) * 7]
        ):
            writer.writerow(
                _cell(value)
                for value in contact_cells
                + [
                    number or "",
                    title or "",
                    role or "",
                    status or "",
                    area or "",
                    opened.isoformat() if opened else "",
                    closed.isoformat() if closed else "",
                ]
            )
            rows += 1
    audit_record(
        org=firm,
        actor=actor,
        action="contacts.exported",
        summary=f"Exported {rows:,} contact rows as CSV",
        detail={"rows": rows, "scoped": scope is not None},
    )
    return rows
