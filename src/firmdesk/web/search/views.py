"""The search page: what the top bar's box finds in one firm, kind by kind.

Every row comes through the viewer's Scope (``selectors``); like the lists it
sums up, the page writes no audit event (docs/search.md says why)."""

from django.shortcuts import render

from . import selectors

PER_KIND = 20


def _section(kind: str, label: str, rows, list_url: str = "") -> dict:
    found = list(rows[: PER_KIND + 1])
    return {
        "kind": kind,
        "label": label,
        "rows": found[:PER_KIND],
        "more": len(found) > PER_KIND,
        "list_url": list_url,
    }


def search(request, firm_slug):
    scope = request.scope
    q = " ".join(selectors.words(request.GET.get("q", "")))
    sections = []
    if q:
        sections = [
            _section(
                "matters",
                "Matters",
                selectors.matters_matching(scope, q),
                "matters:matter_list",
            ),
            _section("contacts", "Contacts", selectors.contacts_matching(scope, q)),
            _section("tasks", "Tasks", selectors.tasks_matching(scope, q)),
        ]
        if selectors.may_work_leads(scope):
            sections.append(
                _section("leads", "Leads", selectors.leads_matching(scope, q))
            )
    return render(
        request,
        "web/search/search.html",
        {
            "q": q,
            "sections": sections,
            "found": sum(len(s["rows"]) for s in sections),
            "search_query": q,
        },
    )
