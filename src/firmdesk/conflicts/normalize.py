"""Name normalisation for the conflict index and its scoring.

Everything here is a pure function of the text, cached per string: the same
name normalises the same way when it is written to the index and when it is
searched. Two shapes come out:

* ``normalize_person`` / ``normalize_org`` give one canonical string (case,
  punctuation, diacritics and scripts folded; titles, generational suffixes and
  legal forms removed; ``&`` read as "and"; "Smith, John" read as "John Smith").
* ``parse_person`` / ``parse_org`` give the parts the keys and the scorer need
  (given name, middle names, surname variants for compound surnames; an
  organisation's core words, its distinctive words and its legal form).
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from metaphone import doublemetaphone
from nicknames import NickNamer

# --- Word lists ------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Titles and honorifics, removed wherever they stand (while a name remains).
TITLES = _words(
    """
    mr mrs ms miss mx mstr dr dra prof professor rev reverend revd honorable
    honourable sir dame madam madame mme mlle herr frau sra srta sigra dott
    dottssa avv pani engr atty
    """
)
# Generational suffixes and credentials, removed wherever they stand.
SUFFIXES = _words(
    """
    jr jnr snr sr ii iii iv esq esquire phd dds dmd dvm cpa mba llm jd qc kc
    obe mbe cbe bsc msc beng
    """
)
# Words that are titles only before a full name ("Hon. Mary Lee Park") or
# credentials only after one ("Jane Ann Doe MD"): "Hon" and "Ma" are
# also family names.
LEADING_TITLES = _words("hon master")
TRAILING_SUFFIXES = _words("junior senior md rn ma ba do pe pa")
# "M.D." and "Ph.D." fold to single letters; removed at the end of a name.
DOTTED_CREDENTIALS = (
    ("p", "h", "d"),
    ("d", "d", "s"),
    ("c", "p", "a"),
    ("e", "s", "q"),
    ("ph", "d"),
    ("m", "d"),
    ("j", "d"),
    ("r", "n"),
)
# Only removed when they stand alone after a comma ("Jane Doe, DO").
COMMA_SUFFIXES = SUFFIXES | TRAILING_SUFFIXES | _words("v")

# Surname particles: "Ludwig van Beethoven" is also "Beethoven" and "Vanbeethoven".
PARTICLES = _words(
    "de del della dela der den di da das dos du la le van von ter ten st ste "
    "bin binti ibn al el y e"
)

# Legal forms as folded word sequences. Longer sequences are tried first.
LEGAL_FORMS = tuple(
    sorted(
        (
            tuple(form.split())
            for form in """
            inc|incorporated|corp|corporation|co|cos|company|companies|llc|lc|ltd
            |limited|llp|lllp|lp|pllc|plc|pc|pa|psc|gmbh|mbh|ag|kg|ohg|kgaa|ug|se
            |sa|sas|sarl|srl|spa|sapa|snc|bv|nv|vof|oy|oyj|ab|asa|aps|a s|as
            |bhd|sdn bhd|pty|pty ltd|pvt|pvt ltd|private limited|ltda|eireli|me
            |sl|slu|sc|scom|scp|sa de cv|s de rl|s de rl de cv|sapi de cv|cia
            |y cia|and co|and company|e figli|e hijos|y hermanos|sp z oo|spj|spk
            |ooo|oao|zao|pao|rao|ao|kk|tnhh|tnhh mtv|cong ty|cong ty tnhh
            |cong ty co phan|co phan|co ltd|company limited
            |limited liability company|limited liability partnership
            |limited partnership|professional corporation
            |professional limited liability company|professional association
            |chartered|gesellschaft mit beschrankter haftung|sociedad anonima
            |societe anonyme|societa per azioni|you xian gong si
            |gu fen you xian gong si|gong si|zhu shi hui she|you xian hui she
            |yuhanhoesa|jusighoesa|jusikhoesa|familia|compania|na|jsc|pjsc|ojsc
            |cjsc|nl|ltee|limitee|cooperative|coop|co op|cooperativa
            """.replace("\n", "").split("|")
        ),
        key=len,
        reverse=True,
    )
)
LEGAL_FORM_WORDS = frozenset(w for form in LEGAL_FORMS for w in form)
# Spellings of the same legal form ("Incorporated" is "Inc").
LEGAL_FORM_SAME = {
    "incorporated": "inc",
    "corporation": "corp",
    "company": "co",
    "cos": "co",
    "companies": "co",
    "limited": "ltd",
    "company limited": "co ltd",
    "lc": "llc",
    "limited liability company": "llc",
    "limited liability partnership": "llp",
    "limited partnership": "lp",
    "professional corporation": "pc",
    "professional limited liability company": "pllc",
    "professional association": "pa",
    "gesellschaft mit beschrankter haftung": "gmbh",
    "mbh": "gmbh",
    "sociedad anonima": "sa",
    "societe anonyme": "sa",
    "societa per azioni": "spa",
    "and company": "and co",
    "private limited": "pvt ltd",
}

# Legal forms written in CJK scripts, removed before transliteration.
CJK_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "株式会社",
    "有限会社",
    "合同会社",
    "주식회사",
    "유한회사",
    "公司",
)

# Words that say what a company is rather than which one it is. They still
# count when two names are compared, but a name needs a word that is not one
# of these to be found by a single word.
GENERIC_ORG_WORDS = _words(
    """
    group groupe gruppe grupo holding holdings international intl global
    worldwide national american america united general first services service
    servicios solutions systems technologies technology tech industries
    industrial enterprises enterprise partners partnership associates
    consulting consultants capital management ventures investments investment
    properties property realty real estate trust bank financial finance
    insurance healthcare health medical logistics manufacturing products
    development resources energy media communications trading traders
    foods food network networks labs laboratories studio studios agency
    center centre institute foundation fund funds bros brothers sons son
    daughters family and of for the
    """
)
ORG_STOP_WORDS = _words(
    "the and of for a an et und y e de del la le les los las el il der die das"
)

# Abbreviated words in organisations' names, read as the word they stand for
# ("St. Mary's Hosp." is "Saint Marys Hospital"). "St" before a name is
# Saint, after one it is Street ("Main St. Deli"). Legal forms are removed
# before this, so "Co" here is a word inside the name ("Natl Welding Co
# Supply"), not the legal form at its end.
ORG_ABBREVIATIONS = {
    "mt": "mount",
    "ft": "fort",
    "assn": "association",
    "bros": "brothers",
    "co": "company",
    "intl": "international",
    "natl": "national",
    "ctr": "center",
    "hosp": "hospital",
    "univ": "university",
    "dept": "department",
}
# (before a name, after a word)
ORG_CONTEXT_ABBREVIATIONS = {"st": ("saint", "street"), "ste": ("sainte", "suite")}

# What kind of organisation a word says it is. Two names that share only one
# word and say they are different kinds (a church and an investment
# partnership, a roofer and a dentist) are different organisations.
ORG_KINDS = {
    "religious": """
        church churches ministries ministry chapel parish temple synagogue mosque
        congregation diocese cathedral tabernacle fellowship baptist methodist
        lutheran presbyterian episcopal catholic pentecostal evangelical gospel
        worship abbey
        """,
    "finance": """
        capital investments investment investors fund funds equity ventures
        asset assets advisors advisers advisory securities wealth bank banking
        bancorp bancshares savings credit lending loans mortgage financial
        finance trust
        """,
    "insurance": "insurance assurance underwriters indemnity casualty",
    "health": """
        medical health healthcare clinic clinics hospital hospitals physicians
        surgery surgical pediatrics therapy rehabilitation hospice nursing
        nurses pharmacy pharmaceuticals pharma dental dentistry orthodontics
        dentists chiropractic optometry veterinary
        """,
    "legal": "law legal attorneys lawyers solicitors barristers",
    "construction": """
        roofing construction builders contractors contracting plumbing electric
        electrical hvac heating landscaping paving concrete masonry carpentry
        remodeling renovation excavation drywall flooring siding
        """,
    "realty": "realty realtors properties property apartments housing",
    "food": """
        restaurant restaurants cafe bakery catering grill kitchen pizza pizzeria
        diner bistro foods food nutrition brewing brewery winery deli
        """,
    "education": """
        school schools academy university college institute education learning
        montessori preschool
        """,
    "automotive": "auto automotive motors collision tire tires",
    "transport": """
        logistics freight trucking transport transportation shipping airlines
        airways maritime moving storage
        """,
    "technology": "software technologies technology tech digital computing",
    "hospitality": "hotel hotels inn resort suites lodging",
    "fitness": "fitness gym yoga",
}
# Legal forms that say what kind of organisation it is: a limited
# partnership is almost always an investment vehicle.
ORG_KIND_LEGAL_FORMS = {"lp": "finance", "lllp": "finance"}
ORG_KIND_OF_WORD = {w: kind for kind, words in ORG_KINDS.items() for w in words.split()}

# Words that begin many unrelated businesses' names ("Apex", "Summit",
# "Grace"): a hit that shares only one of these says nothing.
COMMON_ORG_WORDS = _words(
    """
    apex summit pinnacle premier premium elite prime superior quality
    precision professional standard advanced allied integrity heritage legacy
    liberty freedom patriot eagle falcon hawk phoenix lion tiger bear wolf
    grace faith hope trinity victory crown royal regal imperial empire star
    sun sunrise sunset sunshine sky horizon vista valley mountain mount river
    lake ocean bay harbor harbour coastal coast island bridge gateway keystone
    cornerstone landmark anchor compass north south east west northern
    southern eastern western central midwest metro metropolitan city urban
    county state community golden gold silver diamond platinum blue green red
    black white alpha omega delta sigma apollo atlas titan orion nova zenith
    new old great best true pro smart bright clear fresh pure simple
    express rapid swift direct total complete peak main oak pine cedar
    maple elm willow birch park lakeside riverside hillside highland
    fort saint
    """
)

# Words that make an unlabelled search name an organisation.
ORG_HINT_WORDS = _words(
    """
    group holdings bank partners associates trust foundation university
    hospital church council department agency services solutions industries
    enterprises and sons brothers
    """
)
# Legal forms that are also words or names at the end of a person's name.
WEAK_LEGAL_FORMS = _words("me e a as se ma sa sl sc pa pc co ab ag da na nl ao")

_CJK = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_CJK_RUN = re.compile(_CJK.pattern + "+")
_DOTTED_LETTERS = re.compile(r"\b(?:[a-z]\.){2,}(?:[a-z]\b)?")
_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bc]")
_NOT_WORD = re.compile(r"[^a-z0-9\- ]+")
_NOT_WORD_ORG = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_HYPHENS = re.compile(r"\s*-+\s*")


# --- Folding ---------------------------------------------------------------


def _transliterate_cjk(text: str, *, person: bool) -> str:
    """CJK names become syllables: 张伟 → "Zhang Wei", 王秀英 → "Wang Xiuying".

    A run of CJK characters written without spaces is a whole name; its first
    character is taken as the family name (true for Chinese and Korean names
    written this way). Organisation names keep each run as one word.
    """
    if person and " " not in text.strip() and _CJK_RUN.fullmatch(text.strip()):
        chars = text.strip()
        if len(chars) >= 2:
            return anyascii(chars[0]) + " " + anyascii(chars[1:]).lower()
    return _CJK_RUN.sub(lambda m: " " + anyascii(m.group(0)).lower() + " ", text)


def _strip_cjk_legal_forms(text: str) -> str:
    for form in CJK_LEGAL_FORMS:
        if form in text:
            text = text.replace(form, " ")
    return text


def drop_apostrophes(text: str) -> str:
    """O'Brien → OBrien, St. Mary's → St. Marys: written with or without the
    apostrophe, a name reads the same."""
    return _APOSTROPHES.sub("", text)


@lru_cache(maxsize=200_000)
def fold(text: str, *, org: bool = False) -> str:
    """Lower-case ASCII words: diacritics, scripts, punctuation and ``&`` folded.

    Apostrophes join (O'Brien → obrien). For organisations dotted letters join
    (L.L.C. → llc) and hyphens separate words; for people hyphens are kept so
    a compound surname stays one word that the parser can split.
    """
    text = unicodedata.normalize("NFKC", text or "")
    if _CJK.search(text):
        if org:
            text = _strip_cjk_legal_forms(text)
        text = _transliterate_cjk(text, person=not org)
    text = anyascii(text).lower()
    text = text.replace("&", " and ").replace("+", " and ")
    text = drop_apostrophes(text)
    if org:
        text = _DOTTED_LETTERS.sub(lambda m: m.group(0).replace(".", ""), text)
        text = _NOT_WORD_ORG.sub(" ", text.replace("-", " "))
    else:
        text = _NOT_WORD.sub(" ", text)
        text = _HYPHENS.sub("-", text)
        text = " ".join(t.strip("-") for t in text.split())
    return _SPACES.sub(" ", text).strip()


# --- People ----------------------------------------------------------------


def _strip_words(tokens: list[str], words: frozenset[str]) -> list[str]:
    kept = [t for t in tokens if t not in words]
    return kept or tokens[-1:]


# Irish and Scottish surname prefixes, sometimes written apart from the
# surname ("Sean O Reilly", "Kate Mac Donald").
SURNAME_PREFIXES = _words("o mc mac")


def mc_stem(surname: str) -> str:
    """McDonald and MacDonald are one family name: both give "mcdonald".
    Only before a name of three letters or more (Macy and Mack stay)."""
    if surname.startswith("mac") and len(surname) >= 6:
        return "mc" + surname[3:]
    return surname


@lru_cache(maxsize=200_000)
def normalize_person(text: str) -> str:
    """A person's name as one canonical string, in the order given.

    "Dr. Robert J. Smith, Jr." → "robert j smith"; "Smith, John" → "john smith";
    "García-López" → "garcia-lopez" (the parser also sees both halves).
    """
    parts = [fold(p) for p in (text or "").split(",")]
    parts = [p for p in parts if p]
    if len(parts) > 1:
        parts = [parts[0]] + [
            p
            for p in parts[1:]
            if not set(p.split()) <= COMMA_SUFFIXES
            and "".join(p.split()) not in COMMA_SUFFIXES
        ]
        if len(parts) == 2:
            parts = [parts[1], parts[0]]
    tokens = " ".join(parts).split()
    tokens = _strip_words(tokens, TITLES)
    tokens = _strip_words(tokens, SUFFIXES)
    while True:
        if len(tokens) >= 3 and tokens[0] in LEADING_TITLES:
            tokens = tokens[1:]
        elif len(tokens) >= 3 and tokens[-1] in TRAILING_SUFFIXES:
            tokens = tokens[:-1]
        else:
            for letters in DOTTED_CREDENTIALS:
                n = len(letters)
                if len(tokens) >= n + 2 and tuple(tokens[-n:]) == letters:
                    tokens = tokens[:-n]
                    break
            else:
                break
    return " ".join(tokens)


@dataclass(frozen=True)
class PersonName:
    text: str  # the normalised form
    words: tuple[str, ...]  # hyphenated parts split, inner particles removed
    given: str | None  # first word, None for a single word
    middles: tuple[str, ...]
    surnames: tuple[str, ...]  # last word first, then compound variants
    other_given: str | None  # the second word of a three-word name
    full_surname: str  # as it reads: "garcia-lopez", "prat asensio", "smith"

    @property
    def surname(self) -> str:
        return self.surnames[0]

    @property
    def has_initial_only(self) -> bool:
        return self.given is not None and len(self.given) == 1


def _pieces(token: str) -> list[str]:
    return [p for p in token.split("-") if p]


@lru_cache(maxsize=200_000)
def parse_person(text: str) -> PersonName:
    """Split a person's name into first name, middle names and surname forms.

    The last word is the surname; a hyphenated one also gives its halves and
    the halves run together (García-López → Lopez, Garcia, Garcialopez). In a
    name of three or more words the word before the surname may be a first
    surname (Prat Asensio) or a middle name the person goes by (J. Robert
    Smith): both readings are kept. Particles inside the name join the word
    after them (van Beethoven → Beethoven, Vanbeethoven); O, Mc and Mac written
    apart join the surname (O Reilly → OReilly, also Reilly).
    """
    norm = normalize_person(text)
    raw = norm.split()
    if not raw:
        return PersonName("", ("",), None, (), ("",), None, "")
    if len(raw) == 1:
        pieces = _pieces(raw[0]) or [raw[0]]
        surnames = [pieces[-1], *pieces[:-1]]
        if len(pieces) > 1:
            surnames.append("".join(pieces))
        return PersonName(
            norm, tuple(pieces), None, (), tuple(dict.fromkeys(surnames)), None, raw[0]
        )
    apart = ""
    if len(raw) >= 3 and raw[-2] in SURNAME_PREFIXES and "-" not in raw[-1]:
        # "Sean O Reilly" is Sean OReilly; "John O. Smith" may be John Smith.
        apart = raw[-1]
        raw = [*raw[:-2], raw[-2] + raw[-1]]
    first = _pieces(raw[0]) or [raw[0]]
    last = _pieces(raw[-1]) or [raw[-1]]
    middle: list[str] = []
    compounds: list[str] = []
    pending: list[str] = []
    for token in raw[1:-1]:
        if token in PARTICLES:
            pending.append(token)
            continue
        pieces = _pieces(token)
        if pending:
            compounds.append("".join(pending) + "".join(pieces))
            pending = []
        middle.extend(pieces)
    if pending:
        compounds.append("".join(pending) + "".join(last))
    surnames = [last[-1], *last[:-1]]
    if len(last) > 1:
        surnames.append("".join(last))
    full_surname = raw[-1]
    if middle and len(last) == 1:
        # Spanish and Portuguese names carry two surnames: "Prat Asensio".
        surnames += [middle[-1], middle[-1] + last[0]]
        full_surname = f"{middle[-1]} {last[0]}"
    surnames += compounds
    if apart:
        surnames.insert(1, apart)
        full_surname = f"{raw[-1][: -len(apart)]} {apart}"
    words = tuple(first + middle + last)
    given = first[0]
    middles = tuple(first[1:] + middle)
    if len(first) > 1:
        other_given = first[1]  # Mary-Kate goes by Kate
    elif middle and len(middle[0]) > 1:
        other_given = middle[0]
    else:
        other_given = None
    return PersonName(
        text=norm,
        words=words,
        given=given,
        middles=middles,
        surnames=tuple(dict.fromkeys(s for s in surnames if s)),
        other_given=other_given,
        full_surname=full_surname,
    )


# --- Organisations ---------------------------------------------------------


_FORMS_BY_LAST: dict[str, list[tuple[str, ...]]] = {}
_FORMS_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _form in LEGAL_FORMS:  # longest first, as LEGAL_FORMS is sorted
    _FORMS_BY_LAST.setdefault(_form[-1], []).append(_form)
    if len(_form) >= 2:
        _FORMS_BY_FIRST.setdefault(_form[0], []).append(_form)


def _legal_form(form: tuple[str, ...]) -> str:
    text = " ".join(form)
    return LEGAL_FORM_SAME.get(text, text)


def _strip_legal_forms(tokens: list[str]) -> tuple[list[str], str]:
    """Remove legal forms from the end (and a few from the start)."""
    removed: list[str] = []
    while len(tokens) > 1:
        for form in _FORMS_BY_LAST.get(tokens[-1], ()):
            n = len(form)
            if len(tokens) > n and tuple(tokens[-n:]) == form:
                removed.insert(0, _legal_form(form))
                tokens = tokens[:-n]
                break
        else:
            for form in _FORMS_BY_FIRST.get(tokens[0], ()):
                n = len(form)
                if len(tokens) > n and tuple(tokens[:n]) == form:
                    removed.insert(0, _legal_form(form))
                    tokens = tokens[n:]
                    break
            else:
                if tokens[0] in LEADING_LEGAL_WORDS:
                    tokens = tokens[1:]
                    continue
                break
    return tokens, " ".join(removed)


LEADING_LEGAL_WORDS = _words("the familia compania pjsc ojsc jsc ooo oao zao pao ao")


def expand_abbreviations(tokens: list[str]) -> list[str]:
    """Abbreviated words written out: ["st", "marys", "hosp"] → ["saint",
    "marys", "hospital"]. Written-out words are left as they are, so expanding
    twice changes nothing."""
    out = []
    for i, token in enumerate(tokens):
        if token in ORG_CONTEXT_ABBREVIATIONS:
            before, after = ORG_CONTEXT_ABBREVIATIONS[token]
            leading = i == 0 or tokens[i - 1] in ORG_STOP_WORDS
            out.append(before if leading and i + 1 < len(tokens) else after)
        else:
            out.append(ORG_ABBREVIATIONS.get(token, token))
    return out


def _org_tokens(text: str) -> tuple[list[str], str]:
    tokens = fold(text, org=True).split()
    tokens, legal = _strip_legal_forms(tokens)
    return expand_abbreviations(tokens), legal


@lru_cache(maxsize=200_000)
def normalize_org(text: str) -> str:
    """An organisation's name without legal form, ``the`` or punctuation,
    abbreviated words written out.

    "ACME, Inc." and "Acme Incorporated" → "acme"; "Johnson Holdings, L.L.C."
    → "johnson holdings"; "Smith & Sons Co." → "smith and sons"; "St. Mary's
    Hosp." → "saint marys hospital".
    """
    tokens, _ = _org_tokens(text)
    return " ".join(tokens)


@dataclass(frozen=True)
class OrgName:
    text: str  # normalised, legal form removed
    core: tuple[str, ...]  # words without stop words
    distinctive: tuple[str, ...]  # core words that are not generic
    legal_form: str
    kinds: frozenset[str] = frozenset()  # what it says it is: religious, finance …

    @property
    def joined(self) -> str:
        return "".join(self.core)

    @property
    def acronym(self) -> str:
        if 2 <= len(self.core) <= 8:
            return "".join(w[0] for w in self.core)
        return ""


@lru_cache(maxsize=200_000)
def parse_org(text: str) -> OrgName:
    tokens, legal = _org_tokens(text)
    core = tuple(t for t in tokens if t not in ORG_STOP_WORDS) or tuple(tokens)
    distinctive = tuple(t for t in core if t not in GENERIC_ORG_WORDS)
    kinds = {ORG_KIND_OF_WORD[t] for t in core if t in ORG_KIND_OF_WORD}
    kinds.update(
        ORG_KIND_LEGAL_FORMS[f] for f in legal.split() if f in ORG_KIND_LEGAL_FORMS
    )
    return OrgName(
        text=" ".join(tokens),
        core=core,
        distinctive=distinctive,
        legal_form=legal,
        kinds=frozenset(kinds),
    )


def normalize_name(text: str, kind: str) -> str:
    return normalize_org(text) if kind == "organization" else normalize_person(text)


def name_signature(text: str, kind: str) -> str:
    """The normalised words in sorted order: equal for reordered names."""
    if kind == "organization":
        return " ".join(sorted(parse_org(text).core))
    return " ".join(sorted(parse_person(text).words))


@lru_cache(maxsize=50_000)
def looks_like_org(text: str) -> bool:
    """Whether a name with no stated kind reads as an organisation."""
    folded = fold(text, org=True).split()
    if len(folded) < 2:
        return False
    if any(t.isdigit() for t in folded):
        return True
    stripped, legal = _strip_legal_forms(folded)
    if legal and legal not in WEAK_LEGAL_FORMS:
        return True
    return any(t in ORG_HINT_WORDS for t in expand_abbreviations(stripped)[1:])


# --- Word equivalences -----------------------------------------------------

_NICKNAMES = NickNamer()


def _given_names() -> frozenset[str]:
    """First names from the nickname table and Faker's name lists."""
    import importlib

    names = set(_NICKNAMES.nickname_lookup) | set(_NICKNAMES.canonical_lookup)
    for locale in ("en_US", "en_GB", "es_ES", "de_DE", "fr_FR", "it_IT", "pt_BR"):
        provider = importlib.import_module(f"faker.providers.person.{locale}")
        names.update(fold(n) for n in getattr(provider.Provider, "first_names", ()))
    return frozenset(names)


GIVEN_NAMES = _given_names()


def looks_like_person(text: str) -> bool:
    """Two or more words starting with a known first name ("Tony Stark")."""
    words = parse_person(text).words
    return (
        len(words) >= 2
        and words[0] in GIVEN_NAMES
        and not any(w in GENERIC_ORG_WORDS for w in words[1:])
        and not looks_like_org(text)
    )


# Spellings of one first name that neither the nickname table nor the sound
# codes connect (Double Metaphone reads "Sean" as S-N, "Shawn" as X-N).
# Each line is one name; the first spelling is the one keys are written for.
GIVEN_NAME_SPELLINGS = [
    line.split()
    for line in """
    sean shawn shaun seann
    siobhan shivaun shevaun
    niamh neve neave
    eoin owen
    sinead shinead
    aoife eefa
    """.strip().splitlines()
]
_SPELLING_OF = {w: line[0] for line in GIVEN_NAME_SPELLINGS for w in line}


def same_given_spelling(a: str, b: str) -> bool:
    return a != b and a in _SPELLING_OF and _SPELLING_OF[a] == _SPELLING_OF.get(b)


@lru_cache(maxsize=100_000)
def anchors(word: str) -> frozenset[str]:
    """The word, the formal names it is a nickname of (Bob → Bob, Robert) and
    the first of its spellings in ``GIVEN_NAME_SPELLINGS`` (Shawn → Sean).

    Two given names are nickname-equivalent when their anchors meet. The
    nickname table lists some pairs both ways ("bob has nickname robert");
    such a pair anchors on the longer, formal-looking name only, so Robert
    does not also write keys for Bob, Bill and Billy.
    """
    if not word:
        return frozenset()
    out = {word, _SPELLING_OF.get(word, word)}
    for formal in _NICKNAMES.canonicals_of(word):
        mutual = word in _NICKNAMES.canonicals_of(formal)
        if not mutual or (len(formal), formal) > (len(word), word):
            out.add(formal)
    return frozenset(out)


@lru_cache(maxsize=100_000)
def nickname_related(a: str, b: str) -> bool:
    """Nickname-equivalent: shared formal name, or listed as nicknames."""
    return bool(
        anchors(a) & anchors(b)
        or a in _NICKNAMES.canonicals_of(b)
        or b in _NICKNAMES.canonicals_of(a)
    )


@lru_cache(maxsize=200_000)
def codes(word: str) -> tuple[str, ...]:
    """Double Metaphone codes (primary first); no dependence on the first letter."""
    if not word:
        return ()
    primary, alternate = doublemetaphone(word)
    primary = primary or word[:4]
    if alternate and alternate != primary:
        return (primary, alternate)
    return (primary,)


@lru_cache(maxsize=100_000)
def anchor_codes(word: str) -> tuple[str, ...]:
    """Primary codes of the word and of its formal names."""
    return tuple(sorted({codes(a)[0] for a in anchors(word)}))


@lru_cache(maxsize=200_000)
def deletions(text: str, limit: int = 24) -> tuple[str, ...]:
    """The text and every string one character shorter (a deletion neighbourhood).

    Two strings within one typo (insert, delete, substitute, or swap two
    neighbours) share at least one member, so a typo still meets in the index.
    """
    text = text[:limit]
    out = {text}
    for i in range(len(text)):
        out.add(text[:i] + text[i + 1 :])
    return tuple(sorted(out))


def display_word(word: str) -> str:
    return word[:1].upper() + word[1:]
