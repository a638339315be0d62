"""The request body limit as a WSGI layer (web/body_limit.py), without a server:
what reaches the application and what is refused before it is read."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmdesk.web.body_limit import RequestBodyLimit, _read_at_most

LIMIT = 1000


class Unreadable(io.RawIOBase):
    def read(self, size=-1):
        raise AssertionError("the body was read")


def call(environ):
    seen = {}

    def app(environ, start_response):
        seen["body"] = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        start_response("200 OK", [])
        return [b"ok"]

    answer = {}

    def start_response(status, headers):
        answer["status"] = status
        answer["headers"] = dict(headers)

    body = b"".join(RequestBodyLimit(app)(environ, start_response))
    return answer, body, seen


def environ(**extra):
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/f/x/documents/new/", **extra}


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.FIRMDESK_REQUEST_MAX_BYTES = LIMIT


def test_a_length_over_the_limit_is_refused_without_reading_the_body():
    answer, body, seen = call(
        environ(CONTENT_LENGTH=str(LIMIT + 1), **{"wsgi.input": Unreadable()})
    )
    assert answer["status"].startswith("413")
    assert not seen
    page = body.decode()
    assert "The file is too large" in page and "1000 bytes" in page
    assert "split it" in page


def test_the_api_is_answered_in_its_own_error_shape():
    answer, body, _ = call(
        environ(
            PATH_INFO="/api/v1/f/x/documents/",
            CONTENT_LENGTH="999999999",
            **{"wsgi.input": Unreadable()},
        )
    )
    assert answer["status"].startswith("413")
    assert answer["headers"]["Content-Type"] == "application/json"
    assert b'"message": "The request is larger than 1000 bytes' in body


def test_a_length_within_the_limit_reaches_the_application_untouched():
    answer, _, seen = call(
        environ(CONTENT_LENGTH=str(LIMIT), **{"wsgi.input": io.BytesIO(b"a" * LIMIT)})
    )
    assert answer["status"] == "200 OK"
    assert seen["body"] == b"a" * LIMIT


def test_a_chunked_body_within_the_limit_reaches_the_application_with_its_length():
    answer, _, seen = call(
        environ(
            HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": io.BytesIO(b"b" * 700)}
        )
    )
    assert answer["status"] == "200 OK"
    assert seen["body"] == b"b" * 700


def test_a_chunked_body_is_read_no_further_than_just_past_the_limit():
    stream = io.BytesIO(b"c" * (10 * LIMIT))
    answer, _, seen = call(
        environ(HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": stream})
    )
    assert answer["status"].startswith("413")
    assert not seen
    assert stream.tell() == LIMIT + 1


@settings(max_examples=60, deadline=None)
@given(size=st.integers(0, 5000), limit=st.integers(0, 3000))
def test_reading_at_most_keeps_a_body_exactly_when_it_fits(size, limit):
    kept = _read_at_most(io.BytesIO(b"d" * size), limit)
    if size > limit:
        assert kept is None
    else:
        kept.seek(0)
        assert kept.read() == b"d" * size
