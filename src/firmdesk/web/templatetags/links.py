"""Links without ``{% url %}``'s cost on every use: ``{% page_url %}`` for the
layout's links (no argument, or a firm's slug) and ``{% row_url %}`` for a link
in each row of a table.

Reversing a URL walks the URLconf's namespaces and patterns each time: about a
tenth of a millisecond on the bench machine, and every page drew thirty links in
its layout and one or two in each of fifty rows (bench/results/pages.md). A
URL is a function of the view's name, its arguments, the script prefix and the
URLconf, so the layout's are reversed once a process; a row's page differs
from its neighbours' only in the row's public id, so it is reversed once a
view and firm (``common.links.row_link``) and each row's id is put in its
place.
"""

import functools
import uuid

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

from firmdesk.common.links import row_link

register = template.Library()


@functools.lru_cache(maxsize=4096)
def _reversed(viewname: str, args: tuple, prefix: str, urlconf) -> str:
    return reverse(viewname, args=args, urlconf=urlconf)


def page_href(viewname: str, *args) -> str:
    """``reverse(viewname, args=args)`` for arguments that take few values (none,
    or the slug of a firm or a provider), once a process; never a row's id."""
    return _reversed(viewname, args, get_script_prefix(), get_urlconf())


@register.simple_tag
def page_url(viewname: str, *args) -> str:
    """``{% page_url 'work:task_list' slug %}``: ``{% url %}`` for a link of
    the layout (``page_href``)."""
    return page_href(viewname, *args)


def row_href(viewname: str, firm_slug: str, public_id) -> str:
    """``reverse(viewname, args=[firm_slug, public_id])`` for a view whose URL
    takes a firm's slug and a row's public id. A missing id (a matter the
    viewer may not open has none, ``access.guard``) raises, as ``{% url %}``
    does, rather than linking."""
    if public_id is None or public_id == "":
        raise ValueError(f"No public id to link to {viewname}.")
    if not isinstance(public_id, uuid.UUID):
        public_id = uuid.UUID(public_id)
    return row_link(viewname, public_id, args=(firm_slug,))


@register.simple_tag
def row_url(viewname: str, firm_slug: str, public_id) -> str:
    """``{% row_url 'intake:lead_detail' l.firm.slug l.public_id %}``: the same
    URL as ``{% url %}`` with those arguments (``row_href``)."""
    return row_href(viewname, firm_slug, public_id)
