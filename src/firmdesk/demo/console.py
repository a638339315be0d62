"""Terminal output shared by the demo, seed and run commands."""

import sys
from typing import TextIO

from rich.console import Console
from rich.table import Table

from .demo_api import demo_api_tries
from .services import DemoLogin


def console_for(options: dict) -> Console:
    """A rich Console on the command's output stream.

    Django's ``self.stdout`` wrapper appends a newline to every write, which
    breaks rich's live progress bar, so rich gets the underlying stream: the one
    ``call_command(stdout=...)`` passed, or the process's own. Off a terminal the
    output is a log or a test buffer, where a wide fixed width keeps the table's
    rows (and the secrets in them) on one line each.
    """
    stream: TextIO = options.get("stdout") or sys.stdout
    width = None if stream.isatty() else 200
    return Console(file=stream, width=width, highlight=False)


def print_logins(console: Console, logins: list[DemoLogin]) -> None:
    table = Table(title="Demo sign-ins", title_justify="left")
    table.add_column("E-mail", no_wrap=True)
    table.add_column("Password", no_wrap=True)
    table.add_column("Role(s)")
    table.add_column("Organisation")
    table.add_column("Authenticator secret", no_wrap=True)
    table.add_column("A recovery code", no_wrap=True)
    for login in logins:
        table.add_row(
            login.email,
            login.password,
            login.roles,
            login.organisation or "—",
            login.totp_secret or "—",
            login.recovery_code or "—",
        )
    console.print(table)
    with_app = [login for login in logins if login.otpauth_uri]
    if with_app:
        console.print(
            "\nProvider staff sign in with a code from an authenticator app. Type "
            "the secret above into the app, or open one of these links on the "
            "phone that has it:"
        )
        for login in with_app:
            # soft_wrap keeps each link on one line, so it can be copied whole.
            console.print(f"  {login.otpauth_uri}", soft_wrap=True, markup=False)


def try_the_api_curl(base_url: str, firm: str, token: str) -> str:
    """The one curl line printed: the token's open tasks at the firm."""
    url = f"{base_url.rstrip('/')}/api/v1/f/{firm}/tasks?limit=5"
    return f'curl -H "Authorization: Bearer {token}" "{url}"'


def print_api_tries(console: Console, base_url: str) -> None:
    """After the sign-ins: the demo's API tokens and a request to try."""
    firm, tries = demo_api_tries()
    if not tries:
        return
    console.print(
        f"\nTry the API (docs/api.md) for the firm [bold]{firm}[/bold] with these "
        "demo tokens (published: demo only):"
    )
    for found in tries:
        console.print(f"  {found.token}  {found.email}, {found.what}", markup=False)
    console.print(
        f"  {try_the_api_curl(base_url, firm, tries[0].token)}",
        soft_wrap=True,
        markup=False,
    )
    console.print(f"  Reference: {base_url.rstrip('/')}/api/v1/docs", markup=False)
