"""The labelled set: parties a firm already has, and names an intake
specialist might search for.

A positive is a search that must show the party among the hits a reviewer
sees (at most 20): the same person or company written another way, or a party
related to it. A negative is a search for someone else with a similar name;
showing the party for it is a false flag (noise the attorney must wade
through).

Written by hand from the failure modes in shared/reference/conflicts-and-
conduct.md §4.3 (nicknames, suffixes, maiden names, corporate family,
typos, transliteration, word order) and from the look-alikes that flood
phonetic-only tools (John/Jane, Michael/Michelle, Smith/Goldsmith,
Pacific/Pinnacle Freight Lines).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Party:
    key: str
    kind: str  # person / organization
    name: str
    aliases: tuple[tuple[str, str], ...] = ()  # (kind, name)
    matter: str = ""  # matter number; "" for a contact with no matter
    role: str = ""
    status: str = "open"  # open / closed
    prospective: bool = False


@dataclass(frozen=True)
class Pair:
    query: str
    party: str  # Party.key
    positive: bool
    category: str
    kind: str | None = None  # searched as (None: not stated)


P, ORG = "person", "organization"

PARTIES: list[Party] = [
    # --- People --------------------------------------------------------------
    Party("smyth", P, "Robert Smyth", matter="M-2024-001", role="client"),
    Party("hargrove", P, "William Hargrove", matter="M-2024-002", role="adverse"),
    Party(
        "olsen",
        P,
        "Margaret Olsen",
        aliases=(("maiden", "Margaret Kowalczyk"),),
        matter="M-2019-014",
        role="client",
        status="closed",
    ),
    Party("oneill", P, "Katherine O'Neill", matter="M-2024-003", role="adverse"),
    Party("nakamura", P, "Philip Nakamura", matter="M-2024-004", role="witness"),
    Party(
        "thornbury",
        P,
        "Elizabeth Thornbury",
        aliases=(("former", "Elizabeth Ashcombe"),),
        matter="M-2022-020",
        role="client",
        status="closed",
    ),
    Party("garcia", P, "José García-López", matter="M-2024-005", role="adverse"),
    Party("muller", P, "Zoë Müller", matter="M-2024-006", role="client"),
    Party("nguyen", P, "Nguyễn Văn Minh", matter="M-2024-007", role="adverse"),
    Party("petrov", P, "Александр Петров", matter="M-2024-008", role="adverse"),
    Party("rashid", P, "Mohammed Al-Rashid", matter="M-2024-009", role="co_party"),
    Party("whitfield", P, "Jonathan Whitfield", matter="M-2023-011", role="client"),
    Party("delgado", P, "Christopher Delgado", matter="M-2024-010", role="adverse"),
    Party("dubois", P, "Anne-Marie Dubois", matter="M-2024-011", role="client"),
    Party("vanderbilt", P, "Patricia Vanderbilt", matter="M-2024-012", role="adverse"),
    Party(
        "feldman", P, "Richard Feldman", matter="M-2021-004", role="opposing_counsel"
    ),
    Party("blackwood", P, "Theodore Blackwood", matter="M-2024-013", role="client"),
    Party("volkov", P, "Dmitri Volkov", matter="M-2024-014", role="adverse"),
    Party("fitzgerald", P, "Seán Fitzgerald", matter="M-2024-015", role="witness"),
    Party("zhang", P, "张伟", matter="M-2024-016", role="adverse"),
    Party("lindqvist", P, "Björn Lindqvist", matter="M-2024-017", role="expert"),
    Party("lefevre", P, "Françoise Lefèvre", matter="M-2024-018", role="client"),
    Party("goldstein", P, "Rebecca Goldstein", matter="M-2024-019", role="adverse"),
    Party("okafor", P, "Thomas Okafor", matter="M-2024-020", role="client"),
    Party("chukwu", P, "Ifeoma Chukwu", matter="M-2024-021", role="adverse"),
    Party("pemberton", P, "Harold Pemberton III", matter="M-2024-022", role="client"),
    Party("ashford", P, "Dr. Evelyn Ashford", matter="M-2024-023", role="expert"),
    Party(
        "venkataraman", P, "Lakshmi Venkataraman", matter="M-2024-024", role="adverse"
    ),
    Party("mbeki", P, "Catherine Mbeki", matter="M-2024-025", role="client"),
    Party("achebe", P, "Stephen Achebe", matter="M-2024-026", role="adverse"),
    Party("hollis", P, "Geoffrey Hollis", matter="M-2024-027", role="witness"),
    Party("nowak", P, "Aleksandra Nowak", matter="M-2024-028", role="client"),
    Party("demir", P, "Yusuf Demir", matter="M-2024-029", role="adverse"),
    Party("ivanova", P, "Ольга Иванова", matter="M-2024-030", role="adverse"),
    Party("eriksson", P, "Sven Eriksson", matter="M-2020-031", role="client"),
    Party("tanaka", P, "Hiroshi Tanaka", matter="M-2024-032", role="adverse"),
    Party("kim", P, "Kim Min-jun", matter="M-2024-033", role="adverse"),
    Party("delacruz", P, "Maria de la Cruz", matter="M-2024-034", role="client"),
    Party("fernandez", P, "Luis Fernández Ortega", matter="M-2024-035", role="adverse"),
    Party("souza", P, "Ana Paula Souza", matter="M-2024-036", role="client"),
    Party("brennan", P, "Mary-Kate Brennan", matter="M-2024-037", role="adverse"),
    Party("beaumont", P, "Josephine Beaumont", matter="M-2024-038", role="client"),
    Party("kowalski", P, "Jan Kowalski", matter="M-2024-039", role="witness"),
    Party("oconnor", P, "Daniel O'Connor Jr.", matter="M-2024-040", role="adverse"),
    Party("mcallister", P, "Andrew McAllister", matter="M-2024-041", role="client"),
    Party("schwartz", P, "Benjamin Schwartz", matter="M-2018-042", role="adverse"),
    Party("rahman", P, "Nadia Rahman", prospective=True),
    Party("mendoza", P, "Carlos Mendoza"),
    Party(
        "reyes",
        P,
        "Lucía Mendoza-Reyes",
        aliases=(("maiden", "Lucía Reyes"),),
        matter="M-2024-043",
        role="client",
    ),
    Party("vsterling", P, "Victoria Sterling"),
    Party("halpert", P, "James Halpert", matter="M-2024-044", role="witness"),
    Party("abernathy", P, "Gwendolyn Abernathy", matter="M-2017-045", role="client"),
    Party("haddad", P, "Samir Haddad", matter="M-2024-046", role="adverse"),
    Party("kaplan", P, "Deborah Kaplan", matter="M-2024-047", role="client"),
    Party("wozniak", P, "Krzysztof Wozniak", matter="M-2024-048", role="adverse"),
    Party("ferreira", P, "João Ferreira", matter="M-2024-049", role="adverse"),
    Party("obrien", P, "Patrick J. O'Brien", matter="M-2024-050", role="client"),
    Party("haugen", P, "Ingrid Haugen", matter="M-2024-051", role="witness"),
    Party("castellano", P, "Vincenzo Castellano", matter="M-2024-052", role="adverse"),
    Party("pryce", P, "Gareth Pryce-Jones", matter="M-2024-053", role="client"),
    # --- Organisations ---------------------------------------------------------
    Party("acme", ORG, "ACME, Inc.", matter="M-2024-031", role="adverse"),
    Party(
        "johnsonh", ORG, "Johnson Holdings, L.L.C.", matter="M-2024-054", role="client"
    ),
    Party("globex", ORG, "Globex Holdings Corporation"),
    Party("initech", ORG, "Initech Software LLC"),
    Party(
        "ibm",
        ORG,
        "International Business Machines Corporation",
        matter="M-2024-055",
        role="adverse",
    ),
    Party("socgen", ORG, "Société Générale S.A.", matter="M-2024-056", role="adverse"),
    Party("muellerco", ORG, "Müller & Söhne GmbH", matter="M-2024-057", role="client"),
    Party(
        "northwind", ORG, "Northwind Traders LLC", matter="M-2024-058", role="adverse"
    ),
    Party(
        "pinnacle",
        ORG,
        "Pinnacle Freight Lines, Inc.",
        matter="M-2024-059",
        role="client",
    ),
    Party(
        "blueheron",
        ORG,
        "Blue Heron Capital Partners LP",
        matter="M-2024-060",
        role="adverse",
    ),
    Party("pandg", ORG, "Procter & Gamble Co.", matter="M-2024-061", role="adverse"),
    Party(
        "wellsfargo", ORG, "Wells Fargo & Company", matter="M-2024-062", role="adverse"
    ),
    Party(
        "rosenberg",
        ORG,
        "Rosenberg, Klein & Associates, P.C.",
        matter="M-2024-063",
        role="opposing_counsel",
    ),
    Party(
        "chenbros",
        ORG,
        "Chen Brothers Trading Ltd.",
        aliases=(("trade", "Golden Dragon Imports"),),
        matter="M-2024-064",
        role="adverse",
    ),
    Party(
        "deltadental", ORG, "Delta Dental of Ohio", matter="M-2024-065", role="client"
    ),
    Party(
        "fnbohio",
        ORG,
        "First National Bank of Ohio, N.A.",
        matter="M-2024-066",
        role="adverse",
    ),
    Party(
        "kowalczykc",
        ORG,
        "Kowalczyk Construction Sp. z o.o.",
        matter="M-2024-067",
        role="adverse",
    ),
    Party("gazprom", ORG, "ПАО «Газпром нефть»", matter="M-2024-068", role="adverse"),
    Party(
        "brightline",
        ORG,
        "Brightline Dental Group PLLC",
        matter="M-2024-069",
        role="client",
    ),
    Party(
        "oceanic",
        ORG,
        "Oceanic Airlines Holdings Inc.",
        aliases=(("former", "Oceanic Air Corp."),),
        matter="M-2016-070",
        role="adverse",
        status="closed",
    ),
    Party("stark", ORG, "Stark Industries", matter="M-2024-071", role="adverse"),
    Party("wayne", ORG, "Wayne Enterprises, Inc.", matter="M-2024-072", role="client"),
    Party(
        "cyberdyne", ORG, "Cyberdyne Systems Corp.", matter="M-2024-073", role="adverse"
    ),
    Party("tyrell", ORG, "Tyrell Corporation", matter="M-2024-074", role="adverse"),
    Party("massive", ORG, "Massive Dynamic LLC", matter="M-2024-075", role="adverse"),
    Party("vandelay", ORG, "Vandelay Industries", matter="M-2024-076", role="adverse"),
    Party(
        "pollos", ORG, "Los Pollos Hermanos LLC", matter="M-2024-077", role="adverse"
    ),
    Party(
        "dunder",
        ORG,
        "Dunder Mifflin Paper Company",
        matter="M-2024-078",
        role="client",
    ),
    Party(
        "scdp",
        ORG,
        "Sterling Cooper Draper Pryce",
        matter="M-2024-079",
        role="adverse",
    ),
    Party("bluth", ORG, "The Bluth Company", matter="M-2015-080", role="adverse"),
    Party("genmills", ORG, "General Mills, Inc.", matter="M-2024-081", role="adverse"),
    Party(
        "aagroup",
        ORG,
        "American Airlines Group Inc.",
        matter="M-2024-082",
        role="adverse",
    ),
    Party(
        "liberty",
        ORG,
        "Liberty Mutual Insurance Company",
        matter="",
    ),
    Party(
        "greenleaf",
        ORG,
        "Greenleaf Organic Farms Cooperative",
        aliases=(("acronym", "GOFC"),),
        matter="M-2024-083",
        role="adverse",
    ),
    Party("piedpiper", ORG, "Pied Piper, Inc.", matter="M-2024-084", role="client"),
    Party(
        "hooli",
        ORG,
        "Hooli XYZ Inc.",
        aliases=(("predecessor", "Hooli Inc."),),
        matter="M-2024-085",
        role="adverse",
    ),
    Party(
        "umbrella",
        ORG,
        "Umbrella Pharmaceuticals plc",
        matter="M-2024-086",
        role="adverse",
    ),
    Party(
        "soylent", ORG, "Soylent Nutrition, Inc.", matter="M-2024-087", role="client"
    ),
    Party(
        "aperture",
        ORG,
        "Aperture Science Laboratories",
        matter="M-2024-088",
        role="adverse",
    ),
    Party(
        "krusty",
        ORG,
        "Krusty Krab Restaurants LLC",
        matter="M-2024-089",
        role="adverse",
    ),
    Party(
        "zenith",
        ORG,
        "Zenith Maritime Logistics S.A.",
        matter="M-2024-090",
        role="adverse",
    ),
    # --- Added for issue 16: abbreviations, Mc/Mac and O', kinds of entity ------
    Party("apexroof", ORG, "Apex Roofing LLC", matter="M-2024-091", role="adverse"),
    Party(
        "gracechurch", ORG, "Grace Community Church", matter="M-2024-092", role="client"
    ),
    Party("stmarys", ORG, "St. Mary's Hospital", matter="M-2024-093", role="adverse"),
    Party(
        "mtpleasant",
        ORG,
        "Mt. Pleasant Baptist Church",
        matter="M-2021-094",
        role="client",
        status="closed",
    ),
    Party(
        "fortworth",
        ORG,
        "Fort Worth Plumbing Supply Co.",
        matter="M-2024-095",
        role="adverse",
    ),
    Party(
        "nurses",
        ORG,
        "Ohio Valley Nurses Association",
        matter="M-2024-096",
        role="client",
    ),
    Party(
        "brennanbros",
        ORG,
        "Brennan Bros. Moving & Storage",
        matter="M-2024-097",
        role="adverse",
    ),
    Party(
        "harborview",
        ORG,
        "Harborview International Shipping Corp.",
        matter="M-2024-098",
        role="adverse",
    ),
    Party("lakeview", ORG, "Lakeview Community Center"),
    Party(
        "westbrook", ORG, "Westbrook University", matter="M-2024-099", role="adverse"
    ),
    Party(
        "stjoseph",
        ORG,
        "St. Joseph's Regional Medical Ctr.",
        matter="M-2024-100",
        role="adverse",
    ),
    Party(
        "natlwelding",
        ORG,
        "Natl. Welding Supply Co.",
        matter="M-2024-101",
        role="client",
    ),
    Party(
        "summit",
        ORG,
        "Summit Capital Partners LP",
        matter="M-2024-102",
        role="adverse",
    ),
    Party("mcdonald", P, "Katherine McDonald", matter="M-2024-103", role="client"),
    Party("oreilly", P, "Sean O'Reilly", matter="M-2024-104", role="adverse"),
    Party("mackenzie", P, "Stephen MacKenzie", matter="M-2024-105", role="adverse"),
    Party("odonnell", P, "Geoffrey O'Donnell", matter="M-2024-106", role="witness"),
    Party("mcintyre", P, "Bryan McIntyre", matter="M-2024-107", role="client"),
    Party("macbride", P, "Sarah MacBride", matter="M-2024-108", role="adverse"),
    Party(
        "osullivan",
        P,
        "Eileen O'Sullivan",
        matter="M-2022-109",
        role="client",
        status="closed",
    ),
    Party("mcgregor", P, "Allison McGregor", matter="M-2024-110", role="adverse"),
    Party(
        "macarthur", P, "Marc MacArthur", matter="M-2024-111", role="opposing_counsel"
    ),
    Party("oconnell", P, "Sophia O'Connell", prospective=True),
]

# (from, kind, to): from is <kind> of to.
RELATIONSHIPS = [
    ("globex", "parent", "acme"),
    ("initech", "subsidiary", "globex"),
    ("mendoza", "spouse", "reyes"),
    ("vsterling", "officer", "scdp"),
    ("liberty", "insurer", "pemberton"),
    ("dunder", "employer", "halpert"),
]


def _pos(category, party, *queries, kind=None):
    return [Pair(q, party, True, category, kind) for q in queries]


def _neg(category, party, *queries, kind=None):
    return [Pair(q, party, False, category, kind) for q in queries]


PAIRS: list[Pair] = [
    # --- Nicknames -------------------------------------------------------------
    *_pos("nickname", "smyth", "Bob Smyth", "Rob Smyth", "Bobby Smyth"),
    *_pos("nickname", "hargrove", "Bill Hargrove", "Will Hargrove", "Billy Hargrove"),
    *_pos("nickname", "olsen", "Peggy Olsen", "Maggie Olsen", "Meg Olsen"),
    *_pos("nickname", "oneill", "Kate O'Neill", "Kathy O'Neill"),
    *_pos("nickname", "nakamura", "Phil Nakamura"),
    *_pos(
        "nickname", "thornbury", "Liz Thornbury", "Beth Thornbury", "Betty Thornbury"
    ),
    *_pos("nickname", "whitfield", "Jon Whitfield", "Johnny Whitfield"),
    *_pos("nickname", "delgado", "Chris Delgado", "Kit Delgado"),
    *_pos("nickname", "vanderbilt", "Patty Vanderbilt", "Trish Vanderbilt"),
    *_pos("nickname", "feldman", "Dick Feldman", "Rich Feldman"),
    *_pos(
        "nickname", "blackwood", "Ted Blackwood", "Teddy Blackwood", "Theo Blackwood"
    ),
    *_pos("nickname", "goldstein", "Becky Goldstein"),
    *_pos("nickname", "okafor", "Tom Okafor", "Tommy Okafor"),
    *_pos("nickname", "pemberton", "Hal Pemberton"),
    *_pos("nickname", "mbeki", "Cathy Mbeki", "Kathy Mbeki"),
    *_pos("nickname", "achebe", "Steve Achebe"),
    *_pos("nickname", "nowak", "Alex Nowak", "Sandy Nowak"),
    *_pos("nickname", "beaumont", "Josie Beaumont", "Jo Beaumont"),
    *_pos("nickname", "mcallister", "Andy McAllister", "Drew McAllister"),
    *_pos("nickname", "schwartz", "Ben Schwartz", "Benny Schwartz"),
    *_pos("nickname", "halpert", "Jim Halpert", "Jimmy Halpert"),
    *_pos("nickname", "abernathy", "Gwen Abernathy", "Wendy Abernathy"),
    *_pos("nickname", "kaplan", "Debbie Kaplan", "Deb Kaplan"),
    *_pos("nickname", "obrien", "Pat O'Brien"),
    *_pos("nickname", "oconnor", "Danny O'Connor", "Dan O'Connor"),
    *_pos("nickname", "vsterling", "Vicky Sterling"),
    # --- Sounds alike (first letter may differ) --------------------------------
    *_pos("phonetic", "oneill", "Catherine O'Neill", "Kathryn O'Neil"),
    *_pos("phonetic", "nakamura", "Filip Nakamura", "Phillip Nakamura"),
    *_pos("phonetic", "smyth", "Robert Smith", "Robert Smithe"),
    *_pos("phonetic", "delgado", "Kristopher Delgado", "Cristopher Delgado"),
    *_pos("phonetic", "goldstein", "Rebekah Goldstein", "Rebecca Goldstien"),
    *_pos("phonetic", "mbeki", "Katherine Mbeki"),
    *_pos("phonetic", "achebe", "Steven Achebe", "Stephan Achebe"),
    *_pos("phonetic", "hollis", "Jeffrey Hollis", "Jeffery Hollis"),
    *_pos("phonetic", "rashid", "Muhammad Al-Rashid", "Mohamed Alrashid"),
    *_pos("phonetic", "demir", "Yousef Demir", "Yusef Demir"),
    *_pos("phonetic", "petrov", "Alexander Petrov", "Aleksander Petroff"),
    *_pos("phonetic", "volkov", "Dmitry Volkov", "Dimitri Volkoff"),
    *_pos("phonetic", "hargrove", "William Hargreave", "William Hargrave"),
    *_pos("phonetic", "schwartz", "Benjamin Schwarz", "Benjamin Shwartz"),
    *_pos("phonetic", "mcallister", "Andrew MacAllister", "Andrew McAlister"),
    *_pos("phonetic", "castellano", "Vincenzo Castelano"),
    *_pos("phonetic", "wozniak", "Krzysztof Wozniack"),
    *_pos("phonetic", "haddad", "Sameer Haddad", "Samir Hadad"),
    *_pos("phonetic", "souza", "Ana Paula Sousa"),
    *_pos("phonetic", "lindqvist", "Bjorn Lindquist", "Björn Lindkvist"),
    *_pos("phonetic", "lefevre", "Françoise Lefebvre"),
    # --- Typos -----------------------------------------------------------------
    *_pos("typo", "smyth", "Robret Smyth", "Robert Smtyh", "Roberr Smyth"),
    *_pos(
        "typo", "hargrove", "Willaim Hargrove", "William Hargorve", "Wiliam Hargrove"
    ),
    *_pos("typo", "olsen", "Margret Olsen", "Margaret Olson", "Margaret Olesn"),
    *_pos("typo", "whitfield", "Jonathon Whitfield", "Jonathan Whitfeld"),
    *_pos("typo", "whitfield", "Jonahtan Whitfield", "Jonathan Witfield"),
    *_pos("typo", "vanderbilt", "Patricia Vanderbuilt", "Patrica Vanderbilt"),
    *_pos("typo", "blackwood", "Theodore Blakwood", "Theodor Blackwood"),
    *_pos("typo", "okafor", "Thomas Okafur", "Tomas Okafor"),
    *_pos("typo", "chukwu", "Ifeoma Chuku", "Ifeomma Chukwu", "Ifoema Chukwu"),
    *_pos("typo", "venkataraman", "Lakshmi Venkatraman", "Laksmi Venkataraman"),
    *_pos("typo", "eriksson", "Sven Erikson", "Svenn Eriksson", "Sven Ericsson"),
    *_pos("typo", "fitzgerald", "Sean Fitzgerld", "Sean Fitzegrald"),
    *_pos("typo", "kaplan", "Deborah Kaplin", "Debroah Kaplan"),
    *_pos("typo", "ferreira", "Joao Ferriera", "João Fereira"),
    *_pos("typo", "haugen", "Ingrid Haguen", "Ingird Haugen"),
    *_pos("typo", "abernathy", "Gwendolyn Abernethy", "Gwendolin Abernathy"),
    *_pos("typo", "brennan", "Mary-Kate Brenan", "Mary Kate Brennen"),
    *_pos("typo", "kowalski", "Jan Kowalsky", "Jan Kowalksi"),
    *_pos("typo", "tanaka", "Hiroshi Tanka", "Hiroshi Tanaak"),
    *_pos("typo", "haddad", "Samir Hadadd"),
    *_pos("typo", "ivanova", "Olga Ivanva"),
    # --- Word order, case, punctuation, titles and suffixes --------------------
    *_pos("order", "smyth", "Smyth, Robert", "SMYTH ROBERT"),
    *_pos("order", "thornbury", "Thornbury, Elizabeth"),
    *_pos("order", "tanaka", "Tanaka Hiroshi", "TANAKA, Hiroshi"),
    *_pos("order", "kim", "Min-jun Kim", "Minjun Kim"),
    *_pos("order", "nguyen", "Minh Nguyen", "Minh Van Nguyen", "Nguyen Van Minh"),
    *_pos("order", "okafor", "Okafor Thomas"),
    *_pos("order", "delgado", "Delgado, Christopher"),
    *_pos("honorific", "pemberton", "Harold Pemberton", "Mr. Harold Pemberton"),
    *_pos("honorific", "ashford", "Evelyn Ashford", "Evelyn Ashford, M.D."),
    *_pos("honorific", "oconnor", "Daniel O'Connor", "Mr Daniel OConnor"),
    *_pos("honorific", "smyth", "Robert Smyth Jr.", "Dr Robert Smyth"),
    *_pos("honorific", "hargrove", "William Hargrove, Esq.", "Hon. William Hargrove"),
    *_pos("honorific", "nowak", "Ms. Aleksandra Nowak"),
    *_pos("punctuation", "oneill", "Katherine ONeill", "Katherine O Neill"),
    *_pos("punctuation", "obrien", "Patrick J OBrien", "patrick j. o'brien"),
    *_pos("punctuation", "mcallister", "Andrew Mc Allister", "ANDREW MCALLISTER"),
    # --- Initials and middle names ---------------------------------------------
    *_pos("initials", "whitfield", "J. Whitfield", "J Whitfield"),
    *_pos("initials", "venkataraman", "L. Venkataraman"),
    *_pos("initials", "abernathy", "G. Abernathy"),
    *_pos("initials", "chukwu", "I. Chukwu"),
    *_pos("initials", "obrien", "P. J. O'Brien", "Patrick O'Brien", "P. O'Brien"),
    *_pos("initials", "haddad", "S. Haddad"),
    *_pos("initials", "wozniak", "K. Wozniak"),
    *_pos("initials", "souza", "Ana Souza", "A. P. Souza"),
    *_pos("initials", "dubois", "Anne Dubois", "Marie Dubois", "A.-M. Dubois"),
    *_pos("initials", "lindqvist", "B. Lindqvist"),
    # --- Compound and multi-part surnames --------------------------------------
    *_pos("compound", "garcia", "Jose Garcia", "José López", "Jose Garcia Lopez"),
    *_pos("compound", "garcia", "JOSE GARCIA-LOPEZ", "Jose Garcialopez"),
    *_pos("compound", "delacruz", "Maria Delacruz", "Maria Cruz", "María De La Cruz"),
    *_pos(
        "compound",
        "fernandez",
        "Luis Fernandez",
        "Luis Ortega",
        "Luis Fernandez-Ortega",
    ),
    *_pos("compound", "reyes", "Lucia Mendoza", "Lucia Reyes", "Lucía Mendoza Reyes"),
    *_pos(
        "compound", "pryce", "Gareth Pryce", "Gareth Jones-Pryce", "Gareth Pryce Jones"
    ),
    *_pos("compound", "vanderbilt", "Patricia van der Bilt", "Patricia Van Derbilt"),
    *_pos("compound", "brennan", "Mary Brennan", "Kate Brennan"),
    # --- Diacritics and transliteration ----------------------------------------
    *_pos("transliteration", "muller", "Zoe Muller", "Zoe Mueller", "ZOË MÜLLER"),
    *_pos("transliteration", "petrov", "Aleksandr Petrov", "Alexandr Petrov"),
    *_pos("transliteration", "ivanova", "Olga Ivanova", "Olga Ivanovа"),
    *_pos("transliteration", "zhang", "Zhang Wei", "Wei Zhang", "ZHANG Wei"),
    *_pos("transliteration", "nguyen", "Nguyen Van Minh", "Nguyễn Minh"),
    *_pos("transliteration", "lefevre", "Francoise Lefevre", "FRANÇOISE LEFÈVRE"),
    *_pos("transliteration", "lindqvist", "Bjoern Lindqvist", "Bjorn Lindqvist"),
    *_pos("transliteration", "fitzgerald", "Sean Fitzgerald", "Seán FitzGerald"),
    *_pos("transliteration", "ferreira", "Joao Ferreira"),
    *_pos("transliteration", "wozniak", "Krzysztof Woźniak", "Krzysztof Wozniak"),
    *_pos("transliteration", "demir", "Yusuf Demír", "Yūsuf Demir"),
    *_pos("transliteration", "garcia", "José García López"),
    # --- Aliases: maiden, former, trade names, predecessors, acronyms ----------
    *_pos(
        "alias", "olsen", "Margaret Kowalczyk", "Peggy Kowalczyk", "Margaret Kowalczik"
    ),
    *_pos("alias", "thornbury", "Elizabeth Ashcombe", "Liz Ashcombe"),
    *_pos("alias", "reyes", "Lucía Reyes"),
    *_pos("alias", "chenbros", "Golden Dragon Imports", "Golden Dragon Imports LLC"),
    *_pos("alias", "oceanic", "Oceanic Air Corp", "Oceanic Air Corporation"),
    *_pos("alias", "hooli", "Hooli Inc", "Hooli"),
    *_pos("alias", "greenleaf", "GOFC"),
    # --- Legal-form suffixes and punctuation (organisations) -------------------
    *_pos("suffix", "acme", "Acme Incorporated", "Acme Inc", "ACME Corp", "Acme"),
    *_pos("suffix", "acme", "Acme, Inc", "The Acme Company"),
    *_pos("suffix", "johnsonh", "Johnson Holdings LLC", "Johnson Holdings, LLC"),
    *_pos("suffix", "johnsonh", "Johnson Holdings Limited Liability Company"),
    *_pos("suffix", "johnsonh", "Johnson Holdings"),
    *_pos("suffix", "globex", "Globex Holdings Corp", "Globex Holdings Inc"),
    *_pos("suffix", "globex", "Globex Corporation", "Globex"),
    *_pos("suffix", "initech", "Initech Software", "Initech Software L.L.C."),
    *_pos("suffix", "socgen", "Societe Generale", "SOCIÉTÉ GÉNÉRALE SA"),
    *_pos("suffix", "socgen", "Société Générale"),
    *_pos("suffix", "muellerco", "Muller & Sohne GmbH", "Mueller und Soehne"),
    *_pos("suffix", "muellerco", "Müller and Söhne"),
    *_pos("suffix", "northwind", "Northwind Traders", "North Wind Traders LLC"),
    *_pos("suffix", "pinnacle", "Pinnacle Freight Lines Inc", "Pinnacle Freight Lines"),
    *_pos("suffix", "blueheron", "Blue Heron Capital Partners", "Blue Heron Capital"),
    *_pos("suffix", "blueheron", "Blue Heron Partners L.P."),
    *_pos("suffix", "pandg", "Procter and Gamble", "Procter & Gamble Company"),
    *_pos("suffix", "pandg", "P&G", "Proctor & Gamble"),
    *_pos(
        "suffix", "wellsfargo", "Wells Fargo", "Wells Fargo & Co.", "Wells Fargo Bank"
    ),
    *_pos("suffix", "rosenberg", "Rosenberg Klein & Associates"),
    *_pos(
        "suffix", "rosenberg", "Rosenberg Klein and Associates PC", "Rosenberg & Klein"
    ),
    *_pos("suffix", "deltadental", "Delta Dental of Ohio Inc"),
    *_pos("suffix", "fnbohio", "First National Bank of Ohio"),
    *_pos("suffix", "kowalczykc", "Kowalczyk Construction"),
    *_pos("suffix", "brightline", "Brightline Dental Group", "Brightline Dental PLLC"),
    *_pos("suffix", "brightline", "Bright Line Dental Group"),
    *_pos("suffix", "oceanic", "Oceanic Airlines Holdings", "Oceanic Airlines"),
    *_pos("suffix", "stark", "Stark Industries LLC", "Stark Industries, Inc."),
    *_pos("suffix", "wayne", "Wayne Enterprises", "Wayne Enterprises Inc"),
    *_pos("suffix", "cyberdyne", "Cyberdyne Systems", "Cyberdyne Systems Corporation"),
    *_pos("suffix", "tyrell", "Tyrell Corp", "The Tyrell Corporation"),
    *_pos("suffix", "massive", "Massive Dynamic", "Massive Dynamic, L.L.C."),
    *_pos("suffix", "vandelay", "Vandelay Industries Inc"),
    *_pos("suffix", "pollos", "Los Pollos Hermanos", "Pollos Hermanos LLC"),
    *_pos("suffix", "dunder", "Dunder Mifflin", "Dunder-Mifflin Paper Co"),
    *_pos("suffix", "dunder", "Dunder Mifflin Inc"),
    *_pos("suffix", "scdp", "Sterling Cooper Draper Pryce LLC", "Sterling Cooper"),
    *_pos("suffix", "bluth", "Bluth Company", "Bluth Co", "The Bluth Co."),
    *_pos("suffix", "genmills", "General Mills", "General Mills Inc"),
    *_pos("suffix", "aagroup", "American Airlines Group", "American Airlines"),
    *_pos(
        "suffix",
        "greenleaf",
        "Greenleaf Organic Farms",
        "Greenleaf Organic Farms Co-op",
    ),
    *_pos("suffix", "piedpiper", "Pied Piper", "PiedPiper Inc"),
    *_pos(
        "suffix", "umbrella", "Umbrella Pharmaceuticals", "Umbrella Pharmaceuticals Ltd"
    ),
    *_pos("suffix", "soylent", "Soylent Nutrition", "Soylent"),
    *_pos("suffix", "aperture", "Aperture Science", "Aperture Science Labs"),
    *_pos("suffix", "krusty", "Krusty Krab Restaurants", "Krusty Krab"),
    *_pos("suffix", "zenith", "Zenith Maritime Logistics", "Zenith Maritime"),
    *_pos(
        "suffix", "gazprom", "Gazprom Neft", "Gazprom Neft PJSC", "PJSC Gazprom Neft"
    ),
    # --- Organisation typos and acronyms ---------------------------------------
    *_pos("typo", "acme", "Acmee Inc", "Acme Incorparated"),
    *_pos("typo", "globex", "Glboex Holdings", "Globax Holdings Corp"),
    *_pos("typo", "cyberdyne", "Cyberdine Systems", "Cyberydne Systems"),
    *_pos("typo", "tyrell", "Tyrrell Corporation", "Tyrel Corp"),
    *_pos("typo", "massive", "Massive Dynamics"),
    *_pos("typo", "stark", "Starke Industries"),
    *_pos("typo", "wayne", "Wayne Enterprise"),
    *_pos("typo", "northwind", "Northwnd Traders", "Nortwind Traders"),
    *_pos("typo", "pinnacle", "Pinnacel Freight Lines", "Pinnacle Frieght Lines"),
    *_pos("typo", "vandelay", "Vandalay Industries", "Vandeley Industries"),
    *_pos("typo", "umbrella", "Umbrela Pharmaceuticals", "Umbrella Pharmaceutical"),
    *_pos("typo", "aperture", "Apperture Science"),
    *_pos("typo", "krusty", "Krusty Crab Restaurants"),
    *_pos("acronym", "ibm", "IBM", "I.B.M.", "IBM Corp"),
    *_pos("acronym", "ibm", "International Business Machines"),
    # --- Same distinctive name, another part of the family ---------------------
    *_pos("family", "vandelay", "Vandelay Imports"),
    *_pos("family", "acme", "Acme Logistics"),
    *_pos("family", "soylent", "Soylent Foods"),
    # --- Related parties (the party is reached through a relationship) --------
    *_pos("related", "acme", "Globex Holdings", "Globex Holdings Corp."),
    *_pos("related", "acme", "Initech Software", "Initech Software LLC"),
    *_pos("related", "reyes", "Carlos Mendoza", "Carlos Mendosa"),
    *_pos("related", "scdp", "Victoria Sterling", "Vicky Sterling"),
    *_pos("related", "pemberton", "Liberty Mutual Insurance", "Liberty Mutual"),
    *_pos("related", "halpert", "Dunder Mifflin Paper Company"),
    # --- Never retained (Rule 1.18) and no matter -----------------------------
    *_pos("prospective", "rahman", "Nadia Rahman", "Nadia Rehman", "N. Rahman"),
    *_pos("no matter", "globex", "Globex Holdings Corporation"),
    *_pos("no matter", "mendoza", "Carlos Mendoza"),
    # ==========================================================================
    # Negatives: someone else with a similar name.
    # ==========================================================================
    *_neg("other first name", "smyth", "Ruth Smyth", "Raymond Smyth"),
    *_neg("other first name", "hargrove", "Walter Hargrove", "Wanda Hargrove"),
    *_neg("other first name", "olsen", "Martha Olsen", "Marcus Olsen"),
    *_neg("other first name", "oneill", "Caroline O'Neill", "Kenneth O'Neill"),
    *_neg("other first name", "nakamura", "Phyllis Nakamura", "Kenji Nakamura"),
    *_neg("other first name", "thornbury", "Eleanor Thornbury"),
    *_neg("other first name", "whitfield", "Joanna Whitfield", "Jordan Whitfield"),
    *_neg("other first name", "delgado", "Christina Delgado", "Cristina Delgado"),
    *_neg("other first name", "feldman", "Rachel Feldman", "Roberta Feldman"),
    *_neg("other first name", "goldstein", "Rachel Goldstein", "Ruben Goldstein"),
    *_neg("other first name", "achebe", "Stephanie Achebe", "Chinua Achebe"),
    *_neg("other first name", "mbeki", "Caroline Mbeki", "Thabo Mbeki"),
    *_neg("other first name", "okafor", "Tamara Okafor", "Chidi Okafor"),
    *_neg("other first name", "halpert", "Pam Halpert", "Jane Halpert"),
    *_neg("other first name", "kaplan", "Dorothy Kaplan", "Daniel Kaplan"),
    *_neg("other first name", "schwartz", "Brenda Schwartz", "Bernard Schwartz"),
    *_neg("other first name", "mcallister", "Angela McAllister", "Edward McAllister"),
    *_neg("other first name", "haddad", "Salma Haddad", "Karim Haddad"),
    *_neg("other first name", "tanaka", "Hiroko Tanaka", "Kenji Tanaka"),
    *_neg("other first name", "volkov", "Natalia Volkov"),
    *_neg("other surname", "volkov", "Dmitri Volkovsky"),
    *_neg("other first name", "petrov", "Ivan Petrov", "Sergei Petrov"),
    *_neg("other first name", "nowak", "Agnieszka Nowak", "Piotr Nowak"),
    *_neg("other first name", "kowalski", "Anna Kowalski", "Tomasz Kowalski"),
    *_neg("other first name", "castellano", "Paolo Castellano"),
    *_neg("other first name", "eriksson", "Anders Eriksson"),
    *_neg("other first name", "garcia", "Maria García-López"),
    *_neg("gender pair", "mcallister", "Andrea McAllister"),
    *_neg("gender pair", "beaumont", "Joseph Beaumont"),
    *_neg("gender pair", "achebe", "Stephanie Achebe"),
    *_neg("gender pair", "oconnor", "Daniela O'Connor"),
    *_neg("other surname", "smyth", "Robert Smythson"),
    *_neg("other surname", "hargrove", "William Hartford", "William Hardgrave"),
    *_neg("other surname", "olsen", "Margaret Nielsen"),
    *_neg("other surname", "whitfield", "Jonathan Whitman", "Jonathan Fairfield"),
    *_neg("other surname", "delgado", "Christopher Delaney"),
    *_neg("other surname", "goldstein", "Rebecca Goldberg", "Rebecca Silverstein"),
    *_neg("other surname", "okafor", "Thomas Okoro", "Thomas O'Connor"),
    *_neg("other surname", "fitzgerald", "Sean Fitzpatrick", "Sean Fitzwilliam"),
    *_neg("other surname", "volkov", "Dmitri Sokolov"),
    *_neg("other surname", "tanaka", "Hiroshi Takahashi"),
    *_neg("other surname", "lindqvist", "Björn Lindberg"),
    *_neg("other surname", "demir", "Yusuf Demirci", "Yusuf Yilmaz"),
    *_neg("other surname", "delacruz", "Maria de la Rosa"),
    *_neg("other surname", "thornbury", "Elizabeth Thornton"),
    *_neg("other surname", "kaplan", "Deborah Caplow"),
    *_neg("other surname", "haugen", "Ingrid Halvorsen"),
    *_neg("substring", "smyth", "Robert Goldsmyth"),
    *_neg("substring", "johnsonh", "Johnsonville Holdings LLC"),
    *_neg(
        "other company",
        "pinnacle",
        "Pacific Freight Lines Inc",
        "Pinnacle West Airlines",
    ),
    *_neg("other company", "blueheron", "Grey Heron Capital", "Blue Falcon Capital"),
    *_neg("other company", "fnbohio", "First National Bank of Texas"),
    *_neg("other company", "deltadental", "Delta Air Lines", "Delta Dental of Texas"),
    *_neg("other company", "genmills", "General Motors Company", "General Dynamics"),
    *_neg("other company", "aagroup", "American Express Company"),
    *_neg("other company", "massive", "Massive Entertainment AB"),
    *_neg("other company", "scdp", "Sterling Bancorp"),
    *_neg("other company", "johnsonh", "Jackson Holdings LLC"),
    *_neg("other company", "northwind", "Southwind Traders", "Northway Logistics"),
    *_neg("other company", "umbrella", "Umbra Pharmaceuticals", "Sunbrella Fabrics"),
    *_neg("other company", "cyberdyne", "Cyberdata Systems"),
    *_neg("other company", "tyrell", "Tyson Corporation"),
    *_neg("other company", "stark", "Starbucks Corporation"),
    *_neg("other company", "krusty", "Rusty Krab Seafood"),
    *_neg("other company", "pollos", "Los Pinos Hermanos"),
    *_neg("other company", "aperture", "Aperio Science"),
    *_neg("other company", "zenith", "Nadir Maritime Logistics"),
    *_neg("other company", "ibm", "International Paper Company"),
    *_neg("other company", "socgen", "Société Marseillaise de Crédit"),
    *_neg("other company", "wellsfargo", "Wells Lamont Gloves"),
    *_neg("other company", "rosenberg", "Rosenthal & Klein LLP"),
    *_neg("other company", "greenleaf", "Greenfield Organic Farms"),
    *_neg("other company", "bluth", "Blue Tooth Company"),
    *_neg("person and company", "smyth", "Smyth Robotics Inc"),
    *_neg("person and company", "stark", "Tony Stark"),
    *_neg("person and company", "wayne", "Bruce Wayne"),
    # ==========================================================================
    # Added for issue 16, written from a reviewer's notes on what the engine
    # missed and what it showed for nothing.
    # ==========================================================================
    # --- An abbreviated word and a dropped apostrophe together ----------------
    *_pos("abbreviation", "stmarys", "Saint Marys Hospital", "Saint Mary's Hospital"),
    *_pos("abbreviation", "stmarys", "St Marys Hospital", "St. Mary's Hosp."),
    *_pos("abbreviation", "stmarys", "Saint Mary Hospital"),
    *_pos("abbreviation", "mtpleasant", "Mount Pleasant Baptist Church"),
    *_pos("abbreviation", "mtpleasant", "Mt Pleasant Baptist Church, Inc."),
    *_pos("abbreviation", "mtpleasant", "Mount Pleasant Baptist"),
    *_pos("abbreviation", "fortworth", "Ft. Worth Plumbing Supply"),
    *_pos("abbreviation", "fortworth", "Ft Worth Plumbing Supply Company"),
    *_pos(
        "abbreviation", "nurses", "Ohio Valley Nurses Assn", "Ohio Valley Nurses' Assn."
    ),
    *_pos("abbreviation", "brennanbros", "Brennan Brothers Moving and Storage"),
    *_pos("abbreviation", "brennanbros", "Brennan Bros Moving & Storage Inc"),
    *_pos("abbreviation", "harborview", "Harborview Intl Shipping"),
    *_pos("abbreviation", "harborview", "Harborview Int'l Shipping Corp"),
    *_pos(
        "abbreviation", "lakeview", "Lakeview Community Ctr", "Lakeview Community Ctr."
    ),
    *_pos("abbreviation", "westbrook", "Westbrook Univ.", "Westbrook Univ"),
    *_pos("abbreviation", "stjoseph", "Saint Joseph's Regional Medical Center"),
    *_pos("abbreviation", "stjoseph", "St. Josephs Regional Medical Center"),
    *_pos("abbreviation", "stjoseph", "Saint Joseph Regional Medical Ctr"),
    *_pos("abbreviation", "natlwelding", "National Welding Supply Company"),
    *_pos(
        "abbreviation",
        "natlwelding",
        "Natl Welding Supply",
        "National Welding Supply Co",
    ),
    # --- The same organisation, kind words and all -----------------------------
    *_pos("suffix", "apexroof", "Apex Roofing", "Apex Roofing Co."),
    *_pos("family", "apexroof", "Apex Roofing & Siding LLC"),
    *_pos(
        "suffix",
        "gracechurch",
        "Grace Community Church Inc.",
        "The Grace Community Church",
    ),
    *_pos("family", "gracechurch", "Grace Community Church of Plano"),
    *_pos("family", "harborview", "Harborview Group"),
    *_pos(
        "suffix", "summit", "Summit Capital Partners", "Summit Capital Partners, L.P."
    ),
    *_pos("suffix", "summit", "Summit Capital"),
    # --- A first-name spelling and a Mc/Mac or O' surname together -------------
    *_pos("mc/mac", "mcdonald", "Catherine MacDonald", "Kathryn MacDonald"),
    *_pos("mc/mac", "mcdonald", "Katharine Mcdonald", "Cathy MacDonald"),
    *_pos("mc/mac", "mcdonald", "Kate Mac Donald"),
    *_pos("mc/mac", "mackenzie", "Steven McKenzie", "Steve Mc Kenzie"),
    *_pos("mc/mac", "mackenzie", "Stephen Mckenzie"),
    *_pos("mc/mac", "mcintyre", "Brian MacIntyre", "Bryan Mc Intyre"),
    *_pos("mc/mac", "mcintyre", "Brian McIntyre"),
    *_pos("mc/mac", "macbride", "Sara McBride", "Sarah Mc Bride"),
    *_pos("mc/mac", "mcgregor", "Alison MacGregor", "Allyson Mcgregor"),
    *_pos("mc/mac", "macarthur", "Mark McArthur", "Marc Mc Arthur"),
    *_pos("o prefix", "oreilly", "Shawn OReilly", "Shaun O Reilly", "Sean Oreilly"),
    *_pos("o prefix", "odonnell", "Jeffrey ODonnell", "Geoffrey O Donnell"),
    *_pos("o prefix", "odonnell", "Jeff O'Donnel"),
    *_pos("o prefix", "osullivan", "Aileen O'Sullivan", "Eileen OSullivan"),
    *_pos("o prefix", "osullivan", "Eileen O Sullivan"),
    *_pos("o prefix", "oconnell", "Sofia OConnell", "Sofia O Connell"),
    # --- Negatives: only a leading or generic word in common -------------------
    *_neg("leading word", "apexroof", "Apex Dental Group", "Apex Holdings LLC"),
    *_neg("leading word", "apexroof", "Apex Legal Services", "Apex Fitness Group"),
    *_neg("leading word", "summit", "Summit Roofing Inc", "Summit Dental Partners"),
    *_neg("leading word", "brennanbros", "Brennan Bros. Auto Repair"),
    *_neg("leading word", "westbrook", "Westbrook Capital Group"),
    *_neg("leading word", "mtpleasant", "Mt. Pleasant Dental"),
    *_neg(
        "other kind", "gracechurch", "Grace Capital Partners LP", "Grace Holdings LLC"
    ),
    *_neg("other kind", "gracechurch", "Grace Dental Care", "Grace Community Bank"),
    *_neg("other kind", "gracechurch", "Grace Realty Group"),
    *_neg("other kind", "summit", "Summit Baptist Church"),
    *_neg("other kind", "mtpleasant", "Mount Pleasant Capital LLC"),
    *_neg("other kind", "westbrook", "Westbrook Community Church"),
    # --- Negatives: another organisation written with the same abbreviations ---
    *_neg("other company", "stmarys", "St. Mark's Hospital", "St. Mary's College"),
    *_neg("other company", "mtpleasant", "Mt. Olive Baptist Church"),
    *_neg(
        "other company",
        "fortworth",
        "Ft. Wayne Plumbing Supply",
        "Fort Worth Roofing Supply",
    ),
    *_neg(
        "other company", "nurses", "Ohio State Nurses Assn", "Ohio Valley Dental Assn"
    ),
    *_neg("other company", "harborview", "Harborside Intl Shipping"),
    *_neg("other company", "stjoseph", "St. John's Regional Medical Center"),
    *_neg("other company", "natlwelding", "Natl. Roofing Supply Co."),
    *_neg("other company", "lakeview", "Lakewood Community Ctr"),
    # --- Negatives: someone else in a Mc/Mac or O' family ----------------------
    *_neg("other first name", "mcdonald", "Kenneth MacDonald", "Karen McDonald"),
    *_neg("other surname", "mcdonald", "Katherine McDowell"),
    *_neg("other first name", "oreilly", "Sheila O'Reilly"),
    *_neg("other surname", "oreilly", "Sean O'Rourke"),
    *_neg("gender pair", "mackenzie", "Stephanie MacKenzie"),
    *_neg("other surname", "mackenzie", "Stephen MacKinnon", "Steven McKenna"),
    *_neg("other surname", "odonnell", "Geoffrey O'Donovan"),
    *_neg("other first name", "odonnell", "Jennifer O'Donnell"),
    *_neg("other surname", "mcintyre", "Brian MacInnes"),
    *_neg("other first name", "mcintyre", "Bruce McIntyre"),
    *_neg("other first name", "macbride", "Susan McBride"),
    *_neg("other surname", "macbride", "Sarah MacBain"),
    *_neg("other first name", "osullivan", "Colleen O'Sullivan"),
    *_neg("other surname", "osullivan", "Eileen O'Shea"),
    *_neg("other surname", "mcgregor", "Allison McGrath"),
    *_neg("other first name", "mcgregor", "Alice MacGregor"),
    *_neg("other first name", "macarthur", "Mary MacArthur"),
    *_neg("other surname", "macarthur", "Mark McCarthy"),
    *_neg("other first name", "oconnell", "Sonia O'Connell"),
]

# Every party a pair refers to exists.
_KEYS = {p.key for p in PARTIES}
assert all(pair.party in _KEYS for pair in PAIRS), "unknown party key"


@dataclass
class Figures:
    positives: int = 0
    found: int = 0
    negatives: int = 0
    flagged: int = 0
    misses: list[Pair] = field(default_factory=list)
    false_flags: list[Pair] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.positives if self.positives else 1.0

    @property
    def false_flag_rate(self) -> float:
        return self.flagged / self.negatives if self.negatives else 0.0


def evaluate(search, party_ids: dict[str, object]) -> Figures:
    """Run every pair through ``search(query, kind) -> contact ids shown``."""
    figures = Figures()
    for pair in PAIRS:
        shown = search(pair.query, pair.kind)
        hit = party_ids[pair.party] in shown
        if pair.positive:
            figures.positives += 1
            figures.found += hit
            if not hit:
                figures.misses.append(pair)
        else:
            figures.negatives += 1
            figures.flagged += hit
            if hit:
                figures.false_flags.append(pair)
    return figures
