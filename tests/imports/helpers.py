"""Helpers for the import and export tests: the sample files in data/ and a
snapshot of what a firm holds, to compare firms after a round trip."""

from pathlib import Path

from firmdesk.conflicts.importing import import_file
from firmdesk.conflicts.models import ConflictKey
from firmdesk.matters.models import (
    Contact,
    ContactAlias,
    ContactRelationship,
    Matter,
    MatterParty,
)

DATA = Path(__file__).parent / "data"


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()


def run(firm, name, *, kind="contacts", layout="firmdesk", actor=None, **kwargs):
    """import_file on a sample file from data/."""
    return import_file(
        firm=firm,
        actor=actor,
        kind=kind,
        layout=layout,
        file=data(name),
        filename=name,
        **kwargs,
    )


def counts(firm) -> dict[str, int]:
    return {
        "contacts": Contact.unscoped.filter(firm=firm).count(),
        "aliases": ContactAlias.unscoped.filter(firm=firm).count(),
        "relationships": ContactRelationship.unscoped.filter(firm=firm).count(),
        "matters": Matter.unscoped.filter(firm=firm).count(),
        "parties": MatterParty.unscoped.filter(firm=firm).count(),
        "keys": ConflictKey.objects.filter(firm=firm).count(),
    }


def snapshot(firm) -> dict[str, set]:
    """Everything a round trip must keep, by name rather than by id."""
    return {
        "contacts": {
            (
                c.kind,
                c.name,
                tuple(sorted(c.emails)),
                tuple(sorted(c.phones)),
                c.address,
                c.is_prospective,
                c.notes,
            )
            for c in Contact.unscoped.filter(firm=firm)
        },
        "aliases": set(
            ContactAlias.unscoped.filter(firm=firm).values_list(
                "contact__name", "name", "kind"
            )
        ),
        "relationships": set(
            ContactRelationship.unscoped.filter(firm=firm).values_list(
                "from_contact__name", "kind", "to_contact__name"
            )
        ),
        "matters": set(
            Matter.unscoped.filter(firm=firm).values_list(
                "number", "title", "status", "practice_area", "opened_on", "closed_on"
            )
        ),
        "parties": set(
            MatterParty.unscoped.filter(firm=firm).values_list(
                "matter__number", "contact__name", "role"
            )
        ),
    }
