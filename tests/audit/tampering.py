"""What the tamper tests share: changing rows behind FirmDesk's back, and
running `firmdesk audit verify` expecting it to fail."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection

NAMED_ID = re.compile(r"database id (\d+)")


def raw(sql, params):
    """``sql`` straight to the database, past the append-only ORM."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify_fails(*args) -> str:
    """`firmdesk audit verify *args`'s report, which must exit 1."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("audit", "verify", *args, stdout=out, stderr=err)
    assert stopped.value.code == 1
    return out.getvalue() + err.getvalue()
