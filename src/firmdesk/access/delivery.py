"""The access rule at delivery: a notification reaches its recipient (on the
notifications page, in the unread count, by e-mail) only while they may act for
its firm and see the row it is about. Registered with ``notify`` when the apps
load (``AccessConfig.ready``)."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType

from firmdesk.common.models import TenantManager

from .scope import resolve_scopes


def hidden_notifications(user, notes, scopes=None) -> set[int]:
    """The pks of ``notes`` (all of ``user``) that must not reach them now, in
    one query per kind of row they are about (and the Scopes' own, unless
    ``scopes``, the user's Scopes of this request, are given)."""
    firms = {n.firm_id: n.firm for n in notes if n.firm_id is not None}
    if not firms:
        return set()
    if scopes is None:
        scopes = resolve_scopes(user, list(firms.values()))
    else:
        scopes = {s.firm.pk: s for s in scopes}
    hidden = {n.pk for n in notes if n.firm_id is not None and n.firm_id not in scopes}
    about: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for n in notes:
        if n.pk not in hidden and n.firm_id is not None and n.subject_type_id:
            about[n.subject_type_id][n.firm_id].add(n.subject_id)
    for type_id, by_firm in about.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        manager = getattr(model, "objects", None)
        if not isinstance(manager, TenantManager):
            continue  # not client data: the firm check above is the rule
        ids = set().union(*by_firm.values())
        seen = set(
            manager.in_scopes([scopes[f] for f in by_firm])
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        hidden |= {
            n.pk
            for n in notes
            if n.subject_type_id == type_id
            and n.firm_id in by_firm
            and n.subject_id not in seen
        }
    return hidden
