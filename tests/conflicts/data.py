"""Data for the labelled-set test and the benchmark: the labelled parties, and
many other names from Faker (fixed seed, several locales, people and
companies) to bury them in."""

import datetime
import random
import time
from collections.abc import Iterator

from faker import Faker

from firmdesk.conflicts.services import (
    contact_save,
    index_rebuild,
    matter_import_pre_existing,
    relationship_add,
)
from firmdesk.matters.models import Contact

from .labelled_pairs import PARTIES, RELATIONSHIPS

# Roughly the mix of names a US firm with international clients meets.
LOCALES = {
    "en_US": 45,
    "en_GB": 7,
    "es_MX": 8,
    "es_ES": 4,
    "de_DE": 5,
    "fr_FR": 5,
    "it_IT": 4,
    "pt_BR": 5,
    "pl_PL": 3,
    "ru_RU": 3,
    "zh_CN": 4,
    "vi_VN": 3,
    "ko_KR": 1,
    "ja_JP": 1,
    "nl_NL": 2,
}
ORG_SHARE = 0.35


def noise_names(n: int, *, seed: int = 20240531) -> Iterator[tuple[str, str]]:
    """``n`` (kind, name) pairs, the same for the same seed."""
    faker = Faker(list(LOCALES))
    faker.seed_instance(seed)
    rng = random.Random(seed)
    locales = list(LOCALES)
    weights = list(LOCALES.values())
    for _ in range(n):
        gen = faker[rng.choices(locales, weights)[0]]
        if rng.random() < ORG_SHARE:
            yield "organization", gen.company()
        else:
            yield "person", gen.name()


def load_noise(firm, names, *, batch: int = 5000) -> int:
    """Bulk-create contacts (no keys: call ``index_rebuild`` afterwards)."""
    buffer: list[Contact] = []
    count = 0
    for kind, name in names:
        buffer.append(Contact(firm=firm, kind=kind, name=name[:300]))
        if len(buffer) >= batch:
            Contact.unscoped.bulk_create(buffer, batch_size=batch)
            count += len(buffer)
            buffer = []
    if buffer:
        Contact.unscoped.bulk_create(buffer, batch_size=batch)
        count += len(buffer)
    return count


def load_parties(firm) -> dict[str, int]:
    """The labelled parties, their aliases, matters and relationships, written
    through the services. Returns party key → contact id."""
    contacts = {}
    for party in PARTIES:
        contacts[party.key] = contact_save(
            firm=firm,
            actor=None,
            kind=party.kind,
            name=party.name,
            aliases=[(name, kind) for kind, name in party.aliases],
            is_prospective=party.prospective,
        )
    by_matter: dict[str, list] = {}
    for party in PARTIES:
        if party.matter:
            by_matter.setdefault(party.matter, []).append(party)
    for number, parties in by_matter.items():
        closed = all(p.status == "closed" for p in parties)
        matter_import_pre_existing(
            firm=firm,
            actor=None,
            number=number,
            title=f"Matter {number}",
            note="Labelled set",
            parties=[(contacts[p.key], p.role) for p in parties],
            opened_on=datetime.date(2015, 1, 1),
            closed_on=datetime.date(2020, 1, 1) if closed else None,
        )
    for src, kind, dst in RELATIONSHIPS:
        relationship_add(
            firm=firm,
            actor=None,
            from_contact=contacts[src],
            kind=kind,
            to_contact=contacts[dst],
        )
    return {key: c.pk for key, c in contacts.items()}


def build_labelled_firm(firm, *, noise: int, seed: int = 20240531) -> dict:
    """Parties plus ``noise`` other names in one firm's index; timings."""
    started = time.perf_counter()
    party_ids = load_parties(firm)
    load_noise(firm, noise_names(noise, seed=seed))
    loaded = time.perf_counter()
    keys = index_rebuild(firm=firm)
    done = time.perf_counter()
    return {
        "party_ids": party_ids,
        "keys": keys,
        "load_seconds": loaded - started,
        "index_seconds": done - loaded,
    }
