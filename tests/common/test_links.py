"""``common.links.row_link``: the URL ``reverse`` gives, for ids that are
ints or UUIDs, wherever the id sits and whatever the rest of the URL holds."""

import uuid

import pytest
from django.http import HttpResponse
from django.urls import path, reverse, set_script_prefix

from firmdesk.common.links import row_link


def _view(request, **kwargs):
    return HttpResponse()


# This module is the URLconf of its tests (pytest.mark.urls below).
urlpatterns = [
    path("f/<slug:firm_slug>/rows/<uuid:row_id>/", _view, name="uuid_row"),
    path("f/<slug:firm_slug>/rows/<uuid:row_id>/v1-0/", _view, name="uuid_inside"),
    path("n/<slug:firm_slug>/<int:pk>/", _view, name="int_row"),
    path("n/<slug:firm_slug>/<int:pk>/page-1-2/", _view, name="int_inside"),
    path("s/<str:firm_slug>/<uuid:row_id>/", _view, name="str_row"),
]

pytestmark = pytest.mark.urls(__name__)

UUIDS = [
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    uuid.UUID(int=0),
    uuid.UUID("11111111-1111-1111-1111-111111111111"),
    uuid.UUID(int=2**128 - 1),
]
INTS = [0, 1, 2, 7, 12, 21, 1_000_000]
# Slugs holding the samples' characters: a link must not take them for the id.
SLUGS = ["okafor-law", "firm-0", "firm-1-2", "00000000-0000-0000-0000-000000000000"]


CASES = [
    (name, id_name, row_id)
    for names, id_name, ids in (
        (("uuid_row", "uuid_inside"), "row_id", UUIDS),
        (("int_row", "int_inside"), "pk", INTS),
    )
    for name in names
    for row_id in ids
]


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize(("name", "id_name", "row_id"), CASES)
def test_a_rows_link_is_what_reverse_gives(name, id_name, row_id, slug):
    expected = reverse(name, args=[slug, row_id])
    assert row_link(name, row_id, args=(slug,)) == expected
    assert (
        row_link(name, row_id, kwargs={"firm_slug": slug}, id_name=id_name) == expected
    )


def test_each_firm_gets_its_own_link():
    row_id = UUIDS[0]
    assert row_link("uuid_row", row_id, args=("firm-1",)) == f"/f/firm-1/rows/{row_id}/"
    assert row_link("uuid_row", row_id, args=("firm-2",)) == f"/f/firm-2/rows/{row_id}/"


def test_a_slug_with_characters_to_escape_is_escaped_as_reverse_does():
    slug = "a b ü%1"
    assert row_link("str_row", UUIDS[0], args=(slug,)) == reverse(
        "str_row", args=[slug, UUIDS[0]]
    )


def test_links_follow_the_script_prefix():
    before = row_link("int_row", 5, args=("okafor-law",))
    set_script_prefix("/desk/")
    try:
        assert row_link("int_row", 5, args=("okafor-law",)) == "/desk" + before
    finally:
        set_script_prefix("/")
    assert row_link("int_row", 5, args=("okafor-law",)) == before


@pytest.mark.parametrize("row_id", ["12", None, True, 1.5])
def test_an_id_that_is_neither_int_nor_uuid_is_refused(row_id):
    with pytest.raises(TypeError):
        row_link("int_row", row_id, args=("okafor-law",))
