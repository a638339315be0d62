"""What the search box finds: matters, contacts, tasks and leads of one firm,
each read through the viewer's Scope, ranked.

A query is split into words; a row matches when every word is found in one of
its fields (a matter's number, title or any party's name or alias), so "Henry
Sims" finds the matter whose client is Henry Sims. Rank 0: the query is a
matter's number exactly; 1: a title or name begins with the whole query; 2:
the words are found anywhere. Rows of one rank go by name (docs/search.md).
"""

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When

from firmdesk.access.system import through_scoped
from firmdesk.intake.models import Lead
from firmdesk.intake.services import may_work_leads
from firmdesk.matters.models import Contact, ContactAlias, Matter, MatterParty
from firmdesk.work.models import Task

MAX_WORDS = 8
EXACT, PREFIX, CONTAINS = 0, 1, 2


def words(query: str) -> list[str]:
    """The words of a query, at most ``MAX_WORDS`` (more adds nothing but cost)."""
    return (query or "").split()[:MAX_WORDS]


def _every_word(found_in, query: str) -> Q:
    """Every word of ``query`` matched by ``found_in(word)`` (a Q)."""
    match = Q()
    for word in words(query):
        match &= found_in(word)
    return match


def _rank(*, exact: Q | None = None, prefix: Q) -> Case:
    whens = [When(exact, then=Value(EXACT))] if exact is not None else []
    whens.append(When(prefix, then=Value(PREFIX)))
    return Case(*whens, default=Value(CONTAINS), output_field=IntegerField())


def _party_named(text: str, *, prefix: bool = False) -> Exists:
    """A party of the outer matter whose name or alias contains (or begins
    with) ``text``: reached only through the matters the Scope gave."""
    look = "istartswith" if prefix else "icontains"
    return Exists(
        through_scoped(MatterParty).filter(
            Q(**{f"contact__name__{look}": text})
            | Q(**{f"contact__aliases__name__{look}": text}),
            matter=OuterRef("pk"),
        )
    )


def matters_matching(scope, query: str):
    """The matters ``scope`` may see that match ``query``, best first."""
    query = " ".join(words(query))
    if not query:
        return Matter.objects.in_scope(scope).none()
    match = _every_word(
        lambda w: Q(number__icontains=w) | Q(title__icontains=w) | _party_named(w),
        query,
    )
    rank = _rank(
        exact=Q(number__iexact=query),
        prefix=Q(title__istartswith=query) | _party_named(query, prefix=True),
    )
    return (
        Matter.objects.in_scope(scope)
        .filter(match)
        .annotate(search_rank=rank)
        .select_related("responsible_attorney")
        .order_by("search_rank", "title", "number")
    )


def _alias_named(text: str, *, prefix: bool = False) -> Exists:
    look = "istartswith" if prefix else "icontains"
    return Exists(
        through_scoped(ContactAlias).filter(
            contact=OuterRef("pk"), **{f"name__{look}": text}
        )
    )


def contacts_matching(scope, query: str):
    """The contacts ``scope`` may see whose name or an alias matches, best first."""
    query = " ".join(words(query))
    if not query:
        return Contact.objects.in_scope(scope).none()
    match = _every_word(lambda w: Q(name__icontains=w) | _alias_named(w), query)
    rank = _rank(prefix=Q(name__istartswith=query) | _alias_named(query, prefix=True))
    return (
        Contact.objects.in_scope(scope)
        .filter(match)
        .annotate(search_rank=rank)
        .order_by("search_rank", "name")
    )


def tasks_matching(scope, query: str):
    """The tasks ``scope`` may see whose title (or the number of a matter the
    viewer may open: task-only access never probes it) matches, best first."""
    query = " ".join(words(query))
    if not query:
        return Task.objects.in_scope(scope).none()
    number_seen = scope.matter_q("matter") & Q(matter__isnull=False)
    match = _every_word(
        lambda w: (
            Q(title__icontains=w) | (number_seen & Q(matter__number__icontains=w))
        ),
        query,
    )
    rank = _rank(
        exact=number_seen & Q(matter__number__iexact=query),
        prefix=Q(title__istartswith=query),
    )
    return (
        Task.objects.in_scope(scope)
        .filter(match)
        .annotate(search_rank=rank)
        .select_related("matter", "assignee")
        .order_by("search_rank", "title")
    )


def leads_matching(scope, query: str):
    """The leads ``scope`` may work whose name, e-mail or phone matches, best
    first; none for those who do not work leads."""
    query = " ".join(words(query))
    if not query or not may_work_leads(scope):
        return Lead.objects.in_scope(scope).none()

    def found_in(word: str) -> Q:
        q = Q(name__icontains=word) | Q(email__icontains=word)
        digits = "".join(c for c in word if c.isdigit())
        if len(digits) >= 3:
            q |= Q(phone__contains=digits)
        return q

    return (
        Lead.objects.in_scope(scope)
        .filter(_every_word(found_in, query))
        .annotate(search_rank=_rank(prefix=Q(name__istartswith=query)))
        .order_by("search_rank", "name")
    )
