"""Contacts for the demo and for ``seed``: people from several locales,
companies, law firms and insurers, their aliases, and the demo firms' past
matters with parties and relationships.

Names come from Faker, drawn once into pools per locale with a fixed seed and
recombined with ``random.Random``: one Faker call per name would make the
seeder slow, and pools keep every run the same.

The demo's structure (which matter has a witness, who is whose spouse) comes
from one random generator and its names from another, so a Faker release that
changes the names never changes the structure. Every demo row has a key that
does not come from Faker either: contacts and aliases a UUID derived from the
firm and a reference such as ``2022-0117:adverse``, matters their number,
parties and relationships the contacts they link. Loading again adds only what
is missing.
"""

import datetime
import random
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from anyascii import anyascii
from django.db import transaction
from faker import Faker

from firmdesk.audit.services import audit_record
from firmdesk.common.phones import DEFAULT_REGION, Strictness, phone_e164
from firmdesk.conflicts.services import (
    contacts_index_bulk,
    matter_import_pre_existing,
)
from firmdesk.matters.models import (
    Contact,
    ContactAlias,
    ContactRelationship,
    Matter,
    MatterParty,
)

PERSON = Contact.Kind.PERSON
ORG = Contact.Kind.ORGANIZATION
R = MatterParty.Role
K = ContactRelationship.Kind
A = ContactAlias.Kind

# --- Names (shared with seed) ----------------------------------------------


def _items(text: str) -> tuple[str, ...]:
    """Comma-separated words of a constant, wrapped as it is convenient."""
    return tuple(" ".join(item.split()) for item in text.split(",") if item.strip())


# Weights: most contacts of a US firm have English names, many Spanish ones.
LOCALES = {
    "en_US": 60,
    "es_MX": 12,
    "en_IN": 5,
    "vi_VN": 4,
    "pl_PL": 4,
    "de_DE": 4,
    "it_IT": 4,
    "fr_FR": 4,
    "pt_BR": 3,
}

# Words no generated name may contain: the demo's planted names are meant to
# be the only near-duplicates of the names its documented check searches.
RESERVED = frozenset(
    _items(
        """
        smith, smyth, smithe, smit, schmidt, schmitt, acme, globex, kowalski,
        kowalska, nowak, nowakowski, nowakowska, wisniewski, wisniewska
        """
    )
)

PLACES = _items(
    """
    Hudson, Lakeshore, Summit, Pioneer, Keystone, Evergreen, Prairie, Harbor
    Point, Northgate, Riverside, Blue Ridge, Granite, Cedar Hill, Ironwood,
    Bayview, Meridian, Silver Lake, Redwood, Fox River, Copperline, Stonebridge,
    Lighthouse, Maple Grove, Tri-County, Empire, Lincoln Park, Great Plains,
    Atlantic, Midtown, Oak Brook
    """
)
INDUSTRIES = _items(
    """
    Logistics, Construction, Medical Group, Properties, Manufacturing, Foods,
    Realty, Capital Partners, Health Services, Transport, Staffing, Roofing,
    Dental Associates, Auto Group, Supply, Software, Hospitality, Builders,
    Plumbing & Heating, Energy, Restaurant Group, Freight, Home Care, Printing,
    Imports
    """
)
LEGAL_FORMS = _items(
    """
    Inc., LLC, Corp., Co., L.P., LLC, Inc., Ltd.
    """
)
INSURERS = _items(
    """
    Great Lakes Mutual Insurance Company, Keystone Casualty Company, Pioneer
    Fire & Marine Insurance Co., Harborview Assurance Inc., Prairie State Auto
    Insurance Company, Evergreen Indemnity Corp., Northfield Casualty & Surety
    Co., Summit Mutual Insurance Group, Blue Ridge General Insurance Co.,
    Atlantic Shield Underwriters Inc.
    """
)
BANKS = _items(
    """
    Hudson Community Bank, Lakeside Savings Bank, Prairie State Bank & Trust,
    First Meridian National Bank, Granite Federal Credit Union, Union Square
    Savings Bank
    """
)
NICKNAMES = dict(
    pair.split("=")
    for pair in _items(
        """
    Robert=Bob, William=Bill, Elizabeth=Liz, Margaret=Peggy, Katherine=Kate,
    Michael=Mike, James=Jim, Jennifer=Jen, Christopher=Chris, Thomas=Tom,
    Joseph=Joe, Daniel=Dan, Patricia=Patty, Anthony=Tony, Alexander=Alex,
    Nicholas=Nick, Jonathan=Jon, Rebecca=Becky, Susan=Sue, Deborah=Debbie,
    Samuel=Sam, Benjamin=Ben, Matthew=Matt, Andrew=Andy, Edward=Ed,
    Steven=Steve, Timothy=Tim, Kimberly=Kim, Victoria=Vicky, Catherine=Cathy,
    Francisco=Paco, José=Pepe, Guadalupe=Lupe, Ignacio=Nacho, Roberto=Beto,
    Alejandro=Alex
    """
    )
)
CREDENTIALS = _items(
    """
    MD, Ph.D., P.E., CPA, MD, DDS
    """
)


def fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: for e-mail addresses."""
    return re.sub(r"[^a-z0-9]", "", anyascii(text).lower())


def is_reserved(name: str) -> bool:
    return any(fold(word) in RESERVED for word in re.split(r"[\s,&-]+", name))


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    female: bool
    middle: str = ""
    locale: str = "en_US"

    @property
    def name(self) -> str:
        return " ".join(filter(None, (self.first, self.middle, self.last)))


@dataclass
class _Pool:
    female: list[str]
    male: list[str]
    last_female: list[str]
    last_male: list[str]
    companies: list[str]


def _draw(make: Callable[[], str], n: int) -> list[str]:
    out: list[str] = []
    for _ in range(n):
        value = make()
        if value not in out and not is_reserved(value):
            out.append(value)
    return out


class Names:
    """Pools of names per locale, drawn once from Faker with a fixed seed.

    Every method takes the ``random.Random`` to pick with, so one set of pools
    serves callers that each keep their own sequence.
    """

    def __init__(self, seed: int, size: int = 150):
        self.pools: dict[str, _Pool] = {}
        for locale in LOCALES:
            fake = Faker(locale)
            fake.seed_instance(seed)
            self.pools[locale] = _Pool(
                female=_draw(fake.first_name_female, size),
                male=_draw(fake.first_name_male, size),
                last_female=_draw(fake.last_name_female, size),
                last_male=_draw(fake.last_name_male, size),
                # Not Faker's "Moon-Wells": it reads as a person's name.
                companies=[c for c in _draw(fake.company, size // 2) if " " in c],
            )
        us = Faker("en_US")
        us.seed_instance(seed)
        self.streets = _draw(us.street_address, size)
        self._locales = list(LOCALES)
        self._weights = list(LOCALES.values())

    def locale(self, rng: random.Random) -> str:
        return rng.choices(self._locales, self._weights)[0]

    def person(
        self,
        rng: random.Random,
        *,
        female: bool | None = None,
        locale: str | None = None,
        last: str | None = None,
    ) -> Person:
        locale = locale or self.locale(rng)
        pool = self.pools[locale]
        female = rng.random() < 0.5 if female is None else female
        first = rng.choice(pool.female if female else pool.male)
        if last is None:
            last = rng.choice(pool.last_female if female else pool.last_male)
            if locale == "es_MX" and rng.random() < 0.4:
                last = f"{last} {rng.choice(pool.last_male)}"
        middle = ""
        if locale == "en_US" and rng.random() < 0.12:
            middle = rng.choice("ABCDEFGHJKLMNPRSTW") + "."
        return Person(first, last, female, middle, locale)

    def surname(self, rng: random.Random, locale: str = "en_US") -> str:
        return rng.choice(self.pools[locale].last_male)

    def company(self, rng: random.Random) -> str:
        roll = rng.random()
        if roll < 0.12:
            locale = rng.choice(self._locales[1:])
            return rng.choice(self.pools[locale].companies)
        if roll < 0.3:
            return rng.choice(self.pools["en_US"].companies)
        form = rng.choice(LEGAL_FORMS)
        if roll < 0.55:
            return f"{self.surname(rng)} {rng.choice(INDUSTRIES)} {form}"
        return f"{rng.choice(PLACES)} {rng.choice(INDUSTRIES)} {form}"

    def holding(self, rng: random.Random, subsidiary: str) -> str:
        """A parent company: often named like its subsidiary, often not."""
        first = subsidiary.split()[0].rstrip(",")
        if rng.random() < 0.5 and not first.endswith("."):
            return f"{first} Holdings {rng.choice(('Inc.', 'Corp.', 'LLC'))}"
        return f"{rng.choice(PLACES)} {rng.choice(('Holdings', 'Group'))} Inc."

    def law_firm(self, rng: random.Random) -> str:
        a, b, c = (self.surname(rng) for _ in range(3))
        return rng.choice(
            (
                f"{a} & {b} LLP",
                f"{a}, {b} & {c} P.C.",
                f"Law Offices of {self.person(rng, locale='en_US').name}",
                f"{a} Law Group PLLC",
                f"{a} {b} LLP",
            )
        )

    def street(self, rng: random.Random) -> str:
        return rng.choice(self.streets)


def nickname_alias(person: Person) -> str | None:
    short = NICKNAMES.get(person.first)
    return f"{short} {person.last}" if short else None


def acronym(name: str) -> str | None:
    """ "HVL" for "Hudson Valley Logistics LLC"; None for shorter names."""
    words = [w for w in re.split(r"[\s,&-]+", name) if w and w[0].isupper()]
    words = [w for w in words if w.rstrip(".") not in {"Inc", "LLC", "Corp", "Co"}]
    if len(words) < 3:
        return None
    return "".join(w[0] for w in words)


def person_email(person: Person, rng: random.Random) -> str:
    first, last = fold(person.first), fold(person.last)
    local = rng.choice((f"{first}.{last}", f"{first[:1]}{last}", f"{first}{last}"))
    return f"{local}@example.{rng.choice(('com', 'net', 'org'))}"


def org_email(name: str) -> str:
    words = [fold(w) for w in name.split()[:2]]
    return f"info@{''.join(words) or 'office'}.example"


def phone(rng: random.Random, area_codes: tuple[str, ...], *, fiction=False) -> str:
    """A number in the 555 exchange; with ``fiction``, in 555-0100 to 0199,
    the lines US numbering keeps for films and books."""
    line = rng.randint(100, 199) if fiction else rng.randint(100, 9999)
    return f"+1{rng.choice(area_codes)}555{line:04d}"


# --- The demo firms' contacts and past matters ------------------------------

DEMO_NAMESPACE = uuid.UUID("5b0e8a6c-4f0e-4d7e-9f43-0f1d2c3b4a59")
PAST_MATTERS = 62
PROSPECTIVE = 22


def demo_uuid(firm_slug: str, what: str, ref: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"{firm_slug}/{what}/{ref}")


@dataclass
class ContactSpec:
    ref: str
    kind: str
    name: str
    aliases: list[tuple[str, str]] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    address: str = ""
    date_of_birth: datetime.date | None = None
    is_prospective: bool = False
    notes: str = ""


@dataclass
class MatterSpec:
    number: str
    title: str
    area: str
    opened_on: datetime.date
    closed_on: datetime.date | None = None
    description: str = ""


@dataclass
class World:
    """What one demo firm holds besides the matters the demo opens today."""

    contacts: dict[str, ContactSpec] = field(default_factory=dict)
    matters: list[MatterSpec] = field(default_factory=list)
    # (matter number, contact ref, role, note)
    parties: list[tuple[str, str, str, str]] = field(default_factory=list)
    # (from ref, kind, to ref): from is <kind> of to
    relationships: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class CurrentMatter:
    """One of the matters the demo's people work on, with the names its title
    was made of (its parties are made from them)."""

    area: str
    title: str
    cast: tuple[str, ...]


def current_matters(firm_slug: str, fake: Faker) -> list[CurrentMatter]:
    """The demo's working matters. The order of Faker calls is the order the
    titles have always been drawn in, so a database loaded before keeps
    titles that agree with the parties added to it now."""
    if firm_slug == "hale-ortiz":
        last, company = fake.last_name(), fake.company()
        decedent = fake.name()
        employee, employer = fake.name(), fake.company()
        tenant, street = fake.company(), fake.street_address()
        family = fake.last_name()
        return [
            CurrentMatter("Litigation", f"{last} v. {company}", (last, company)),
            CurrentMatter("Estate planning", f"Estate of {decedent}", (decedent,)),
            CurrentMatter(
                "Employment", f"{employee} v. {employer}", (employee, employer)
            ),
            CurrentMatter(
                "Real estate", f"{tenant}: lease of {street}", (tenant, street)
            ),
            CurrentMatter("Family law", f"In re Marriage of {family}", (family,)),
        ]
    plaintiff, defendant = fake.last_name(), fake.last_name()
    immigrant = fake.name()
    company, other = fake.company(), fake.company()
    settlor = fake.name()
    return [
        CurrentMatter(
            "Personal injury", f"{plaintiff} v. {defendant}", (plaintiff, defendant)
        ),
        CurrentMatter(
            "Immigration", f"{immigrant}: adjustment of status", (immigrant,)
        ),
        CurrentMatter("Litigation", f"{company} v. {other}", (company, other)),
        CurrentMatter("Estate planning", f"{settlor} Revocable Trust", (settlor,)),
    ]


_NAME_SUFFIXES = frozenset(
    ("jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "md", "dds", "phd")
)


def split_name(name: str) -> tuple[str, str]:
    """First and last name of a name as Faker writes it ("Dr. Ann Lee MD")."""
    words = [w for w in name.split() if w.lower() not in _NAME_SUFFIXES]
    words = [w for w in words if not w.endswith(".")] or words
    return words[0], words[-1]


REGIONS = {
    "hale-ortiz": (
        ("212", "646", "718", "917", "914", "201"),
        (
            "New York, NY 10016",
            "New York, NY 10027",
            "Brooklyn, NY 11215",
            "Queens, NY 11375",
            "Yonkers, NY 10701",
            "White Plains, NY 10601",
            "Hoboken, NJ 07030",
            "Stamford, CT 06901",
        ),
    ),
    "brandt-kimura": (
        ("312", "773", "847", "630", "708", "219"),
        (
            "Chicago, IL 60614",
            "Chicago, IL 60622",
            "Evanston, IL 60201",
            "Naperville, IL 60540",
            "Oak Park, IL 60302",
            "Joliet, IL 60435",
            "Gary, IN 46402",
            "Milwaukee, WI 53202",
        ),
    ),
}

DESCRIPTIONS = {
    "commercial": (
        "Breach of a supply contract: late deliveries and unpaid invoices.",
        "Dispute over a commercial lease guaranty.",
        "Claims under an asset purchase agreement.",
        "Unpaid invoices for construction work; mechanic's lien.",
        "Non-compete and trade secrets dispute with a former distributor.",
    ),
    "Employment": (
        "Wrongful termination after a complaint about unpaid overtime.",
        "Discrimination and retaliation claims.",
        "Unpaid wages and misclassification as a contractor.",
        "Severance negotiation and release.",
    ),
    "Real estate": (
        "Negotiation of a ten-year retail lease.",
        "Purchase of a mixed-use building; title and financing.",
        "Refinancing and loan documents.",
        "Dispute with the landlord over repairs and rent abatement.",
    ),
    "Estate planning": (
        "Wills, a revocable trust and powers of attorney.",
        "Update of the estate plan after a second marriage.",
        "Probate of the estate and distribution to the beneficiaries.",
    ),
    "Family law": (
        "Divorce with custody of two children.",
        "Post-judgment modification of support.",
        "Prenuptial agreement.",
    ),
    "Personal injury": (
        "Rear-end collision on the expressway; neck and back injuries.",
        "Slip and fall in a grocery store.",
        "Dog bite; homeowner's liability coverage.",
        "Injury at a construction site; third-party claim.",
    ),
    "Immigration": (
        "Employment-based petition and adjustment of status.",
        "Naturalization application.",
        "Family-based petition for a spouse.",
    ),
}
IMMIGRATION_TITLES = (
    "H-1B petition",
    "adjustment of status",
    "naturalization",
    "I-130 petition",
    "employment-based green card",
)
PROSPECTIVE_TOPICS = {
    PERSON: (
        "a car accident",
        "a divorce",
        "a wrongful termination",
        "a work visa",
        "a fall at a store",
        "a will for an elderly parent",
        "a dispute with a contractor",
    ),
    ORG: (
        "a contract dispute with a supplier",
        "a commercial lease",
        "unpaid invoices",
        "a partnership breaking up",
    ),
}
FIRM_AREAS = {
    "hale-ortiz": (
        ("commercial", 14),
        ("Employment", 9),
        ("Real estate", 8),
        ("Estate planning", 8),
        ("Family law", 7),
    ),
    "brandt-kimura": (
        ("Personal injury", 16),
        ("Immigration", 9),
        ("commercial", 9),
        ("Estate planning", 6),
        ("Employment", 6),
    ),
}


class _Builder:
    """Builds one firm's ``World``.

    ``rng`` decides the structure (who is party to what); ``pick`` picks the
    names; refs and matter numbers come from the structure only.
    """

    def __init__(self, firm_slug: str, anchor: datetime.date, names: Names):
        self.slug = firm_slug
        self.anchor = anchor
        self.names = names
        self.rng = random.Random(f"demo-structure/{firm_slug}")
        self.pick = random.Random(f"demo-names/{firm_slug}")
        self.areas, self.cities = REGIONS[firm_slug]
        self.world = World()
        self.used: set[str] = set()
        self.pools: dict[str, list[str]] = {}
        self.clients: list[str] = []
        self.female: dict[str, bool] = {}
        self.locales: dict[str, str] = {}
        self.details: set[str] = set()

    # -- contacts ---------------------------------------------------------

    def _details(self, spec: ContactSpec, person: Person | None) -> None:
        """E-mail, phone and address for some; never two contacts with the
        same e-mail or phone, which the conflict check reads as one person."""
        rng = self.rng
        if rng.random() < 0.7:
            email = person_email(person, self.pick) if person else org_email(spec.name)
            while email in self.details:
                local, _, domain = email.partition("@")
                email = f"{local}{self.pick.randint(1, 99)}@{domain}"
            self.details.add(email)
            spec.emails.append(email)
        if rng.random() < 0.6:
            number = phone(self.pick, self.areas, fiction=True)
            for _ in range(50):
                if number not in self.details:
                    break
                number = phone(self.pick, self.areas, fiction=True)
            self.details.add(number)
            e164 = phone_e164(number, DEFAULT_REGION, strictness=Strictness.LOCAL_OK)
            spec.phones.append(e164 or number)
        if rng.random() < 0.5:
            spec.address = (
                f"{self.names.street(self.pick)}\n{self.pick.choice(self.cities)}"
            )

    def _unique(self, make: Callable[[], str]) -> str:
        name = make()
        for _ in range(20):
            if name not in self.used:
                break
            name = make()
        self.used.add(name)
        return name

    def add(self, spec: ContactSpec) -> str:
        self.world.contacts[spec.ref] = spec
        self.used.add(spec.name)
        return spec.ref

    def person(
        self,
        ref: str,
        *,
        female: bool | None = None,
        locale: str | None = None,
        last: str | None = None,
        client: bool = False,
        known_as: Person | None = None,
    ) -> str:
        rng = self.rng
        female = rng.random() < 0.5 if female is None else female
        # Drawn whatever the answer, so the structure never depends on names.
        maiden_roll, nickname_roll = rng.random(), rng.random()
        want_maiden = female and maiden_roll < 0.25 and known_as is None
        if known_as is None:
            locale = locale or self.names.locale(self.rng)
            people: list[Person] = []

            def make() -> str:
                people.append(
                    self.names.person(
                        self.pick, female=female, locale=locale, last=last
                    )
                )
                return people[-1].name

            self._unique(make)
            known_as = people[-1]
        spec = ContactSpec(ref, PERSON, known_as.name)
        self.female[ref] = female
        self.locales[ref] = known_as.locale
        if want_maiden:
            maiden = self.names.surname(self.pick, known_as.locale)
            spec.aliases.append((f"{known_as.first} {maiden}", A.MAIDEN))
        nickname = nickname_alias(known_as)
        if nickname_roll < 0.5 and nickname:
            spec.aliases.append((nickname, A.AKA))
        self._details(spec, known_as)
        if client and rng.random() < 0.4:
            spec.date_of_birth = datetime.date(
                rng.randint(1945, 2002), rng.randint(1, 12), rng.randint(1, 28)
            )
        return self.add(spec)

    def org(self, ref: str, name: str | None = None) -> str:
        rng = self.rng
        want_acronym = rng.random() < 0.3
        want_former = rng.random() < 0.08
        name = name or self._unique(lambda: self.names.company(self.pick))
        spec = ContactSpec(ref, ORG, name)
        short = acronym(name)
        if want_acronym and short:
            spec.aliases.append((short, A.ACRONYM))
        if want_former:
            spec.aliases.append(
                (self._unique(lambda: self.names.company(self.pick)), A.PREDECESSOR)
            )
        self._details(spec, None)
        return self.add(spec)

    def relate(self, source: str, kind: str, target: str) -> None:
        self.world.relationships.append((source, kind, target))

    def party(self, number: str, ref: str, role: str, note: str = "") -> None:
        self.world.parties.append((number, ref, role, note))

    def from_pool(self, pool: str, size: int, make: Callable[[str], str]) -> str:
        refs = self.pools.setdefault(pool, [])
        if len(refs) < size and (not refs or self.rng.random() < 0.5):
            refs.append(make(f"{pool}-{len(refs) + 1}"))
            return refs[-1]
        return self.rng.choice(refs)

    def counsel(self, number: str) -> None:
        """Opposing counsel: an attorney and the law firm they work at."""

        def law_firm(ref: str) -> str:
            self.org(ref, self._unique(lambda: self.names.law_firm(self.pick)))
            lawyer = self.person(f"{ref}/attorney", locale="en_US")
            self.relate(ref, K.EMPLOYER, lawyer)
            return ref

        firm = self.from_pool("counsel", 9, law_firm)
        self.party(number, firm, R.OPPOSING_COUNSEL)
        self.party(number, f"{firm}/attorney", R.OPPOSING_COUNSEL)

    def expert(self, number: str, note: str) -> None:
        def make(ref: str) -> str:
            person = self.names.person(self.pick, locale="en_US")
            credential = self.pick.choice(CREDENTIALS)
            title = "Dr. " if credential in ("MD", "Ph.D.", "DDS") else ""
            named = Person(
                f"{title}{person.first}", f"{person.last}, {credential}", False
            )
            return self.person(ref, known_as=named)

        self.party(number, self.from_pool("expert", 6, make), R.EXPERT, note)

    def insurer(self) -> str:
        return self.from_pool(
            "insurer",
            8,
            lambda ref: self.org(ref, self._unique(lambda: self.pick.choice(INSURERS))),
        )

    def bank(self) -> str:
        return self.from_pool(
            "bank",
            3,
            lambda ref: self.org(ref, self._unique(lambda: self.pick.choice(BANKS))),
        )

    def client(self, number: str, kind: str = PERSON, **person) -> str:
        """A new client, or now and then one the firm has represented before."""
        repeat = [r for r in self.clients if self.world.contacts[r].kind == kind]
        if repeat and self.rng.random() < 0.12:
            return self.rng.choice(repeat)
        ref = f"{number}:client"
        if kind == PERSON:
            self.person(ref, client=True, **person)
        else:
            self.org(ref)
            if self.rng.random() < 0.35:
                officer = self.person(f"{ref}/officer")
                self.relate(officer, K.OFFICER, ref)
        self.clients.append(ref)
        return ref

    def company(self, ref: str) -> str:
        """An adverse company, with a parent now and then."""
        self.org(ref)
        if self.rng.random() < 0.25:
            parent = self.from_pool(
                "parent",
                6,
                lambda r: self.org(
                    r,
                    self._unique(
                        lambda: self.names.holding(
                            self.pick, self.world.contacts[ref].name
                        )
                    ),
                ),
            )
            self.relate(parent, K.PARENT, ref)
        return ref

    def family(self, ref: str) -> dict:
        """Locale and surname for a relative of the contact."""
        spec = self.world.contacts[ref]
        return {"locale": self.locales[ref], "last": spec.name.split()[-1]}

    @staticmethod
    def family_of(last: str) -> dict:
        """For a relative in a title's family (the titles are American)."""
        return {"locale": "en_US", "last": last}

    def short(self, ref: str) -> str:
        """How a title names the contact: a person by surname."""
        spec = self.world.contacts[ref]
        if spec.kind == ORG:
            return spec.name
        return spec.name.split()[-1].rstrip(",")

    # -- matters ----------------------------------------------------------

    def numbers(self, count: int, reserved: set[str]) -> list[tuple[str, int]]:
        """Numbers and years of ``count`` past matters, oldest first: a sample
        of what the firm opened over the last nine years."""
        rng = self.rng
        years = sorted(
            self.anchor.year - 1 - min(8, int(rng.expovariate(0.35)))
            for _ in range(count)
        )
        out = []
        for year in sorted(set(years)):
            n = years.count(year)
            taken = {int(r.split("-")[1]) for r in reserved if r.startswith(f"{year}-")}
            seqs = sorted(rng.sample([s for s in range(1, 260) if s not in taken], n))
            out += [(f"{year}-{seq:04d}", year) for seq in seqs]
        return out

    def dates(
        self, year: int, closed: bool
    ) -> tuple[datetime.date, datetime.date | None]:
        rng = self.rng
        opened = datetime.date(year, 1, 2) + datetime.timedelta(
            days=rng.randint(0, 360)
        )
        opened = min(opened, self.anchor - datetime.timedelta(days=20))
        if not closed:
            return opened, None
        closed_on = opened + datetime.timedelta(days=rng.randint(45, 900))
        if closed_on >= self.anchor - datetime.timedelta(days=10):
            return opened, None
        return opened, closed_on

    def matter(
        self,
        number: str,
        year: int,
        area: str,
        title: str,
        *,
        closed: bool | None = None,
        description: str | None = None,
    ) -> None:
        closed = self.rng.random() < 0.65 if closed is None else closed
        opened, closed_on = self.dates(year, closed)
        self.world.matters.append(
            MatterSpec(
                number=number,
                title=title,
                area="Litigation" if area == "commercial" else area,
                opened_on=opened,
                closed_on=closed_on,
                description=description or self.rng.choice(DESCRIPTIONS[area]),
            )
        )

    def past(self, number: str, year: int, area: str) -> None:
        rng = self.rng
        if area == "commercial":
            kind = ORG if rng.random() < 0.7 else PERSON
            client = self.client(number, kind)
            adverse = self.company(f"{number}:adverse")
            plaintiff, defendant = (
                (client, adverse) if rng.random() < 0.6 else (adverse, client)
            )
            title = f"{self.short(plaintiff)} v. {self.short(defendant)}"
            self.party(number, client, R.CLIENT)
            self.party(number, adverse, R.ADVERSE)
            self.counsel(number)
            if rng.random() < 0.5:
                employer = rng.choice((client, adverse))
                if self.world.contacts[employer].kind == ORG:
                    witness = self.person(f"{number}:witness")
                    self.relate(employer, K.EMPLOYER, witness)
                    self.party(number, witness, R.WITNESS, "Operations manager")
            if rng.random() < 0.3:
                self.expert(number, "Damages expert")
        elif area == "Employment":
            client = self.client(number)
            employer = self.company(f"{number}:adverse")
            self.relate(employer, K.EMPLOYER, client)
            title = f"{self.short(client)} v. {self.short(employer)}"
            self.party(number, client, R.CLIENT)
            self.party(number, employer, R.ADVERSE)
            self.counsel(number)
            if rng.random() < 0.6:
                witness = self.person(f"{number}:witness")
                self.relate(employer, K.EMPLOYER, witness)
                self.party(number, witness, R.WITNESS, "Former supervisor")
        elif area == "Real estate":
            client = self.client(number, ORG if rng.random() < 0.6 else PERSON)
            other = self.company(f"{number}:adverse")
            street = self.names.street(self.pick)
            title, note = rng.choice(
                (
                    (f"{self.short(client)}: lease of {street}", "Landlord"),
                    (f"{self.short(client)}: purchase of {street}", "Seller"),
                )
            )
            self.party(number, client, R.CLIENT)
            self.party(number, other, R.ADVERSE, note)
            if rng.random() < 0.4:
                self.party(number, self.bank(), R.RELATED, "Lender")
        elif area == "Estate planning":
            client = self.client(number)
            title = f"{self.world.contacts[client].name} estate plan"
            self.party(number, client, R.CLIENT)
            if rng.random() < 0.7:
                spouse = self.person(f"{client}/spouse", **self.family(client))
                self.relate(spouse, K.SPOUSE, client)
                self.party(number, spouse, R.RELATED, "Spouse")
            for n in range(rng.randint(1, 2)):
                child = self.person(f"{client}/child-{n + 1}", **self.family(client))
                self.relate(child, K.FAMILY, client)
                self.party(number, child, R.RELATED, "Beneficiary")
        elif area == "Family law":
            client = self.client(number)
            spec = self.world.contacts[client]
            last = spec.name.split()[-1]
            spouse = self.person(
                f"{number}:adverse",
                female=not self.female[client],
                **self.family(client),
            )
            self.relate(spouse, K.SPOUSE, client)
            title = f"In re Marriage of {last}"
            self.party(number, client, R.CLIENT)
            self.party(number, spouse, R.ADVERSE, "Spouse")
            self.counsel(number)
        elif area == "Personal injury":
            client = self.client(number)
            if rng.random() < 0.6:
                adverse = self.person(f"{number}:adverse")
                note = "Driver"
            else:
                adverse = self.company(f"{number}:adverse")
                note = "Property owner"
            insurer = self.insurer()
            self.relate(insurer, K.INSURER, adverse)
            title = f"{self.short(client)} v. {self.short(adverse)}"
            self.party(number, client, R.CLIENT)
            self.party(number, adverse, R.ADVERSE, note)
            self.party(number, insurer, R.RELATED, "Liability insurer")
            self.counsel(number)
            if rng.random() < 0.5:
                self.expert(number, "Treating physician")
            if rng.random() < 0.4:
                witness = self.person(f"{number}:witness")
                self.party(number, witness, R.WITNESS, "Eyewitness")
        else:  # Immigration
            locale = rng.choice(("es_MX", "en_IN", "vi_VN", "pl_PL", "pt_BR"))
            client = self.client(number, locale=locale)
            title = (
                f"{self.world.contacts[client].name}: {rng.choice(IMMIGRATION_TITLES)}"
            )
            self.party(number, client, R.CLIENT)
            if rng.random() < 0.6:
                employer = self.company(f"{number}:employer")
                self.relate(employer, K.EMPLOYER, client)
                self.party(number, employer, R.RELATED, "Petitioning employer")
            else:
                spouse = self.person(f"{client}/spouse", locale="en_US")
                self.relate(spouse, K.SPOUSE, client)
                self.party(number, spouse, R.RELATED, "Petitioning spouse")
        self.matter(number, year, area, title)

    def prospective(self, n: int) -> None:
        rng = self.rng
        ref = f"prospective-{n:02d}"
        if rng.random() < 0.8:
            self.person(ref)
        else:
            self.org(ref)
        when = self.anchor - datetime.timedelta(days=rng.randint(20, 1500))
        spec = self.world.contacts[ref]
        spec.is_prospective = True
        topic = rng.choice(PROSPECTIVE_TOPICS[self.world.contacts[ref].kind])
        spec.notes = (
            f"Consulted the firm in {when:%B %Y} about {topic}; did not retain it."
        )


def _current_parties(b: _Builder, number: str, index: int, m: CurrentMatter) -> None:
    """Parties of the demo's working matters, made from their titles' names."""
    slug = b.slug
    if slug == "hale-ortiz":
        if index == 0:
            last, company = m.cast
            client = b.person(f"{number}:client", **b.family_of(last))
            adverse = b.org(f"{number}:adverse", company)
            manager = b.person(f"{number}:witness")
            b.relate(adverse, K.EMPLOYER, manager)
            b.party(number, client, R.CLIENT)
            b.party(number, adverse, R.ADVERSE)
            b.party(number, manager, R.WITNESS, "Plant manager")
            b.counsel(number)
        elif index == 1:
            first, last = split_name(m.cast[0])
            decedent = b.person(
                f"{number}:decedent", known_as=Person(first, last, False)
            )
            executor = b.person(f"{number}:client", **b.family_of(last))
            b.relate(executor, K.FAMILY, decedent)
            b.party(number, executor, R.CLIENT, "Executor")
            b.party(number, decedent, R.RELATED, "Decedent")
            for n in (1, 2):
                heir = b.person(f"{number}:beneficiary-{n}", **b.family_of(last))
                b.relate(heir, K.FAMILY, decedent)
                b.party(number, heir, R.RELATED, "Beneficiary")
        elif index == 2:
            employee, employer = m.cast
            first, last = split_name(employee)
            client = b.person(f"{number}:client", known_as=Person(first, last, False))
            adverse = b.org(f"{number}:adverse", employer)
            b.relate(adverse, K.EMPLOYER, client)
            b.party(number, client, R.CLIENT)
            b.party(number, adverse, R.ADVERSE, "Former employer")
            b.counsel(number)
        elif index == 3:
            tenant, _ = m.cast
            client = b.org(f"{number}:client", tenant)
            landlord = b.company(f"{number}:adverse")
            b.party(number, client, R.CLIENT)
            b.party(number, landlord, R.ADVERSE, "Landlord")
        else:
            (last,) = m.cast
            client = b.person(f"{number}:client", female=True, **b.family_of(last))
            spouse = b.person(f"{number}:adverse", female=False, **b.family_of(last))
            b.relate(spouse, K.SPOUSE, client)
            b.party(number, client, R.CLIENT)
            b.party(number, spouse, R.ADVERSE, "Spouse")
            b.counsel(number)
        return
    if index == 0:
        plaintiff, defendant = m.cast
        client = b.person(f"{number}:client", last=plaintiff, locale="en_US")
        adverse = b.person(f"{number}:adverse", last=defendant, locale="en_US")
        insurer = b.insurer()
        b.relate(insurer, K.INSURER, adverse)
        b.party(number, client, R.CLIENT)
        b.party(number, adverse, R.ADVERSE, "Driver")
        b.party(number, insurer, R.RELATED, "Auto insurer of the defendant")
        b.counsel(number)
        b.expert(number, "Treating physician")
    elif index == 1:
        first, last = split_name(m.cast[0])
        client = b.person(f"{number}:client", known_as=Person(first, last, False))
        spouse = b.person(f"{number}:spouse", locale="en_US")
        b.relate(spouse, K.SPOUSE, client)
        b.party(number, client, R.CLIENT)
        b.party(number, spouse, R.RELATED, "Petitioning spouse")
    elif index == 2:
        company, other = m.cast
        client = b.org(f"{number}:client", company)
        adverse = b.org(f"{number}:adverse", other)
        b.party(number, client, R.CLIENT)
        b.party(number, adverse, R.ADVERSE)
        for n in (1, 2):
            witness = b.person(f"{number}:witness-{n}")
            b.relate(client, K.EMPLOYER, witness)
            b.party(number, witness, R.WITNESS)
        b.counsel(number)
    else:
        first, last = split_name(m.cast[0])
        client = b.person(f"{number}:client", known_as=Person(first, last, False))
        spouse = b.person(f"{number}:spouse", **b.family_of(last))
        b.relate(spouse, K.SPOUSE, client)
        b.party(number, client, R.CLIENT, "Settlor")
        b.party(number, spouse, R.RELATED, "Spouse")


# The near-duplicates a demo conflict check finds (docs/demo.md, "Try a
# conflict check"): years before the demo was loaded, and a fixed sequence.
PLANTED = {
    "hale-ortiz": {"smith": (4, 117), "acme": (1, 231)},
    "brandt-kimura": {"kowalski": (3, 88)},
}


def planted_number(firm_slug: str, which: str, anchor: datetime.date) -> str:
    years_back, seq = PLANTED[firm_slug][which]
    return f"{anchor.year - years_back}-{seq:04d}"


def _plant(b: _Builder) -> None:
    def number(which: str) -> tuple[str, int]:
        value = planted_number(b.slug, which, b.anchor)
        return value, int(value.split("-")[0])

    if b.slug == "hale-ortiz":
        # Bob Smyth finds Robert J. Smith: nickname and sound, closed matter.
        n, year = number("smith")
        client = b.org(f"{n}:client", "Harbor Point Roofing LLC")
        smith = b.add(
            ContactSpec(
                f"{n}:adverse",
                PERSON,
                "Robert J. Smith",
                emails=["rjsmith@example.net"],
                address="418 West 22nd Street\nNew York, NY 10011",
            )
        )
        b.party(n, client, R.CLIENT)
        b.party(n, smith, R.ADVERSE, "Building owner")
        b.counsel(n)
        b.matter(
            n,
            year,
            "commercial",
            "Harbor Point Roofing LLC v. Smith",
            closed=True,
            description="Unpaid invoices for roof repairs on Mr. Smith's building; "
            "settled and paid.",
        )
        # ACME Logistics, Inc. finds Acme Logistics Corp. (adverse, open), and
        # Globex Holdings finds its parent: a related-party hit with the path.
        n, year = number("acme")
        client = b.person(f"{n}:client", locale="en_US", client=True)
        acme = b.add(
            ContactSpec(
                f"{n}:adverse",
                ORG,
                "Acme Logistics Corp.",
                emails=["legal@acmelogistics.example"],
                address="55 Industrial Park Road\nQueens, NY 11378",
            )
        )
        globex = b.add(
            ContactSpec(
                "globex",
                ORG,
                "Globex Holdings Inc.",
                aliases=[("Globex Corporation", A.FORMER)],
                address="1 Globex Plaza\nStamford, CT 06901",
            )
        )
        b.relate(globex, K.PARENT, acme)
        b.party(n, client, R.CLIENT)
        b.party(n, acme, R.ADVERSE, "Former employer")
        b.counsel(n)
        b.matter(
            n,
            year,
            "Employment",
            f"{b.short(client)} v. Acme Logistics Corp.",
            closed=False,
            description="Wrongful termination after a workplace injury report.",
        )
        return
    # Peggy Nowak finds Margaret A. Kowalski through her maiden name, and
    # Tomasz Wisniewski finds a prospective client who never retained the firm.
    n, year = number("kowalski")
    client = b.person(f"{n}:client", client=True)
    kowalski = b.add(
        ContactSpec(
            f"{n}:adverse",
            PERSON,
            "Margaret A. Kowalski",
            aliases=[("Margaret Nowak", A.MAIDEN)],
            address="2240 North Milwaukee Avenue\nChicago, IL 60647",
        )
    )
    insurer = b.insurer()
    b.party(n, client, R.CLIENT)
    b.party(n, kowalski, R.ADVERSE, "Driver")
    b.party(n, insurer, R.RELATED, "Auto insurer of the defendant")
    b.counsel(n)
    b.matter(
        n,
        year,
        "Personal injury",
        f"{b.short(client)} v. Kowalski",
        closed=True,
        description="Intersection collision; settled within the policy limits.",
    )
    b.add(
        ContactSpec(
            "prospective-wisniewski",
            PERSON,
            "Tomasz Wiśniewski",
            is_prospective=True,
            notes="Consulted the firm about a warehouse injury; did not retain "
            "the firm. Shared the facts of his claim at the consultation.",
        )
    )


def demo_world(
    firm_slug: str,
    anchor: datetime.date,
    names: Names,
    current: list[tuple[str, CurrentMatter]],
) -> World:
    """The firm's contacts and past matters. ``current`` is the demo's working
    matters as (number, spec); ``anchor`` the day the demo was first loaded."""
    b = _Builder(firm_slug, anchor, names)
    for index, (number, matter) in enumerate(current):
        _current_parties(b, number, index, matter)
    _plant(b)
    reserved = {m.number for m in b.world.matters}
    past = b.numbers(PAST_MATTERS - len(reserved), reserved)
    areas, weights = zip(*FIRM_AREAS[firm_slug], strict=True)
    for number, year in past:
        b.past(number, year, b.rng.choices(areas, weights)[0])
    for n in range(1, PROSPECTIVE + 1):
        b.prospective(n)
    b.world.matters.sort(key=lambda m: m.number)
    return b.world


# --- Writing the demo world -------------------------------------------------


def world_load(*, firm, world: World, attorneys: list, note: str) -> dict[str, int]:
    """Create what is missing of ``world`` for ``firm``; return the counts of
    what was created.

    Contacts, aliases, relationships and parties are written in bulk and
    recorded as one audit event; the past matters one by one through
    ``matter_import_pre_existing`` (each audited, "pre-existing", exempt from
    the conflict check); the new contacts' conflict-index keys through the
    engine's bulk indexer, in the same transaction.
    """
    slug = firm.slug
    counts = dict.fromkeys(
        ("contacts", "aliases", "relationships", "matters", "parties"), 0
    )
    with transaction.atomic():
        uuids = {ref: demo_uuid(slug, "contact", ref) for ref in world.contacts}
        have = dict(
            Contact.objects.for_firm(firm)
            .filter(public_id__in=uuids.values())
            .values_list("public_id", "pk")
        )
        new = [
            Contact(
                firm=firm,
                public_id=uuids[ref],
                kind=spec.kind,
                name=spec.name,
                emails=spec.emails,
                phones=spec.phones,
                address=spec.address,
                date_of_birth=spec.date_of_birth,
                is_prospective=spec.is_prospective,
                notes=spec.notes,
            )
            for ref, spec in world.contacts.items()
            if uuids[ref] not in have
        ]
        for contact in Contact.objects.for_firm(firm).bulk_create(new):
            have[contact.public_id] = contact.pk
        pk = {ref: have[u] for ref, u in uuids.items()}
        counts["contacts"] = len(new)
        reindex = {c.pk for c in new}

        alias_ids = {
            demo_uuid(slug, "alias", f"{ref}/{kind}"): (ref, name, kind)
            for ref, spec in world.contacts.items()
            for name, kind in spec.aliases
        }
        have_aliases = set(
            ContactAlias.objects.for_firm(firm)
            .filter(public_id__in=alias_ids)
            .values_list("public_id", flat=True)
        )
        aliases = [
            ContactAlias(
                firm=firm, public_id=u, contact_id=pk[ref], name=name, kind=kind
            )
            for u, (ref, name, kind) in alias_ids.items()
            if u not in have_aliases
        ]
        ContactAlias.objects.for_firm(firm).bulk_create(aliases)
        counts["aliases"] = len(aliases)
        reindex |= {a.contact_id for a in aliases}

        have_links = set(
            ContactRelationship.objects.for_firm(firm).values_list(
                "from_contact_id", "kind", "to_contact_id"
            )
        )
        links = {
            (pk[a], kind, pk[b])
            for a, kind, b in world.relationships
            if a != b and (pk[a], kind, pk[b]) not in have_links
        }
        ContactRelationship.objects.for_firm(firm).bulk_create(
            ContactRelationship(
                firm=firm, from_contact_id=a, kind=kind, to_contact_id=b
            )
            for a, kind, b in sorted(links)
        )
        counts["relationships"] = len(links)

        matters = dict(Matter.objects.for_firm(firm).values_list("number", "pk"))
        for n, spec in enumerate(world.matters):
            if spec.number in matters:
                continue
            matter = matter_import_pre_existing(
                firm=firm,
                actor=None,
                number=spec.number,
                title=spec.title,
                note=note,
                practice_area=spec.area,
                opened_on=spec.opened_on,
                closed_on=spec.closed_on,
                description=spec.description,
                responsible_attorney=attorneys[n % len(attorneys)],
            )
            matters[matter.number] = matter.pk
            counts["matters"] += 1

        have_parties = set(
            MatterParty.objects.for_firm(firm).values_list(
                "matter_id", "contact_id", "role"
            )
        )
        parties = {}
        for number, ref, role, note in world.parties:
            key = (matters[number], pk[ref], role)
            if key not in have_parties:
                parties.setdefault(key, note)
        MatterParty.objects.for_firm(firm).bulk_create(
            MatterParty(firm=firm, matter_id=m, contact_id=c, role=role, note=note)
            for (m, c, role), note in parties.items()
        )
        counts["parties"] = len(parties)

        if reindex:
            contacts_index_bulk(firm=firm, contact_ids=reindex)
        if any(counts[k] for k in ("contacts", "aliases", "relationships", "parties")):
            audit_record(
                org=firm,
                actor=None,
                action="demo.contacts_loaded",
                summary=(
                    f"Demo contacts loaded: {counts['contacts']} contacts, "
                    f"{counts['aliases']} aliases, {counts['relationships']} "
                    f"relationships, {counts['parties']} matter parties"
                ),
                detail={"source": "demo", **counts},
            )
    return counts
