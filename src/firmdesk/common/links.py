"""A link to one row, reversed once per view and fixed arguments, not per row.

Reversing a URL walks the URLconf's namespaces and patterns each time: about a
tenth of a millisecond on the bench machine, and a table of fifty rows with a
link or two each spent milliseconds on it (issue 22). The links of one table
differ only in the row's id, so ``row_link`` reverses the view once with a
sample id, remembers where the id sits in the URL, and puts each row's id
there. Pages (``web.templatetags.links``) and the API (``api.reading``) both
use it.
"""

import functools
import uuid
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Two samples of each kind of id whose texts have the same length and differ
# in their first and last characters: the URLs reversed with them agree up to
# where the id starts and from where it ends, whatever the rest of the URL
# holds (a firm called "firm-0" included).
_SAMPLES = {
    "uuid": (uuid.UUID(int=0), uuid.UUID("11111111-1111-1111-1111-111111111111")),
    "int": (1, 2),
}


@functools.lru_cache(maxsize=4096)
def _around_the_id(
    viewname: str,
    args: tuple,
    kwargs: tuple,
    id_name: str,
    kind: str,
    prefix: str,
    urlconf: str,
) -> tuple[str, str]:
    """The URL's text before and after the row's id."""
    urls = []
    for sample in _SAMPLES[kind]:
        if id_name:
            urls.append(reverse(viewname, kwargs={**dict(kwargs), id_name: sample}))
        else:
            urls.append(reverse(viewname, args=[*args, sample]))
    first, second = urls
    start = 0
    while first[start] == second[start]:
        start += 1
    end = 0
    while first[-1 - end] == second[-1 - end]:
        end += 1
    return first[:start], first[len(first) - end :]


def row_link(
    viewname: str,
    row_id: int | uuid.UUID,
    *,
    args: Sequence = (),
    kwargs: Mapping | None = None,
    id_name: str = "",
) -> str:
    """``reverse(viewname, args=[*args, row_id])`` or, with ``id_name``,
    ``reverse(viewname, kwargs={**kwargs, id_name: row_id})``: the same text,
    reversed once per view, arguments, script prefix and URLconf. ``args``
    and ``kwargs`` are the arguments every row shares (a firm's slug): they
    must take few values, each is remembered."""
    if isinstance(row_id, uuid.UUID):
        kind = "uuid"
    elif type(row_id) is int:
        kind = "int"
    else:
        raise TypeError(f"A row's id is an int or a UUID, not {row_id!r}.")
    head, tail = _around_the_id(
        viewname,
        tuple(args),
        tuple(sorted((kwargs or {}).items())),
        id_name,
        kind,
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
    )
    return f"{head}{row_id}{tail}"
