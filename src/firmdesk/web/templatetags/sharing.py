"""Share links in templates: ``{% load sharing %}``, then ``link|share_status``
gives the link's status now (``.value`` for the badge's class, ``.label`` for
its word) — the same rule the recipient's page applies (documents.sharing);
``scope|may_share`` whether the viewer makes and revokes links."""

from django import template

from firmdesk.documents import sharing

register = template.Library()


@register.filter
def share_status(link) -> sharing.LinkStatus:
    return sharing.link_status(link)


@register.filter
def may_share(scope) -> bool:
    """May the person of ``scope`` make and revoke share links?"""
    return scope is not None and sharing.may_share(scope)
