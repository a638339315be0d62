"""``firmdesk token``: API tokens for scripts and operators (issue 21).

``create`` prints the new token alone on standard output, so a script can
keep it (``TOKEN=$(firmdesk token create …)``); what was made, and that it is
shown only this once, goes to standard error. See docs/api.md.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from firmdesk.common.errors import ServiceError
from firmdesk.integrations import tokens
from firmdesk.orgs.models import User


def _when(value) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def _row(token) -> dict:
    return {
        "id": str(token.public_id),
        "prefix": token.prefix,
        "name": token.name,
        "user": token.user.email,
        "firm": token.firm.slug,
        "created_at": _when(token.created_at),
        "last_used_at": _when(token.last_used_at),
        "revoked_at": _when(token.revoked_at),
        "revoked_reason": token.revoked_reason,
    }


def _firm_list(firms) -> str:
    return ", ".join(f"{firm.slug} ({firm.name})" for firm in firms)


class Command(BaseCommand):
    help = (
        "API tokens: `firmdesk token create --user EMAIL --name NAME [--firm "
        "SLUG]` prints a new token once; `firmdesk token revoke PREFIX_OR_ID "
        "[--reason TEXT]`; `firmdesk token list --user EMAIL [--json]`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser(
            "create",
            help="Make a token for a person acting for one firm; it is printed "
            "once and never again.",
        )
        create.add_argument("--user", required=True, metavar="EMAIL")
        create.add_argument(
            "--name",
            required=True,
            help="Where it is used, such as “Clio sync”: shown in token lists.",
        )
        create.add_argument(
            "--firm",
            metavar="SLUG",
            help="The firm it acts for; may be left out when the person acts "
            "for exactly one firm.",
        )
        create.add_argument(
            "--json", action="store_true", help="Print the token and its facts as JSON."
        )
        revoke = sub.add_parser(
            "revoke", help="Stop a token at once: its next request answers 401."
        )
        revoke.add_argument(
            "token",
            metavar="PREFIX_OR_ID",
            help="The token's id, its visible prefix (fd_…) or the whole token.",
        )
        revoke.add_argument(
            "--reason",
            default="",
            help="Why, for the person's token list and the firm's audit trail.",
        )
        listing = sub.add_parser("list", help="A person's tokens, live and revoked.")
        listing.add_argument("--user", required=True, metavar="EMAIL")
        listing.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args, **options):
        getattr(self, "_" + options["action"])(options)

    @staticmethod
    def _user(email: str, *, active: bool = True) -> User:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No one has the e-mail address “{email}”.")
        if active and not user.is_active:
            raise CommandError(
                f"{user.email} is deactivated: a token for them would not work."
            )
        return user

    def _create(self, options):
        user = self._user(options["user"])
        firms = tokens.firms_for_token(user)
        slug = options["firm"]
        if slug:
            chosen = [firm for firm in firms if firm.slug == slug]
            if not chosen:
                raise CommandError(
                    f"{user.email} cannot work for a firm “{slug}” now. "
                    + (
                        f"Firms they act for: {_firm_list(firms)}."
                        if firms
                        else "They act for no firm now."
                    )
                )
            firm = chosen[0]
        elif len(firms) == 1:
            firm = firms[0]
        elif not firms:
            raise CommandError(
                f"{user.email} acts for no firm now, so a token would open "
                "nothing. A firm admin gives access on the firm's pages (or "
                "the provider assigns them to an engagement)."
            )
        else:
            raise CommandError(
                f"{user.email} acts for {len(firms)} firms: say which with "
                f"--firm SLUG, one of {_firm_list(firms)}."
            )
        try:
            made = tokens.token_create(user=user, firm=firm, name=options["name"])
        except ServiceError as error:
            raise CommandError(error.message) from None
        if options["json"]:
            self.stdout.write(json.dumps({**_row(made.token), "token": made.secret}))
        else:
            self.stdout.write(made.secret)
        self.stderr.write(
            f"Made the token “{made.token.name}” ({made.token.prefix}…) for "
            f"{user.email} acting for {firm.name} ({firm.slug}). It is shown "
            "only this once: store it now, in a password manager or your "
            "integration's secret settings."
        )

    def _revoke(self, options):
        found = tokens.token_find(options["token"])
        if not found:
            raise CommandError(
                f"No token matches “{options['token']}”: give the id or the "
                "prefix shown by `firmdesk token list --user EMAIL`."
            )
        if len(found) > 1:
            listed = "; ".join(
                f"{t.public_id} “{t.name}” of {t.user.email}" for t in found
            )
            raise CommandError(
                f"{len(found)} tokens start with “{options['token']}”: give the "
                f"id of the one to revoke ({listed})."
            )
        token = found[0]
        reason = options["reason"].strip() or "Revoked by an operator"
        if not tokens.token_revoke(token=token, actor=None, reason=reason):
            raise CommandError(
                f"The token “{token.name}” ({token.prefix}…) of {token.user.email} "
                f"was already revoked on {_when(token.revoked_at)}."
            )
        self.stdout.write(
            f"Revoked the token “{token.name}” ({token.prefix}…) of "
            f"{token.user.email} for {token.firm.name}: it stops working at once."
        )

    def _list(self, options):
        user = self._user(options["user"], active=False)
        rows = [_row(token) for token in tokens.tokens_of(user)]
        if options["json"]:
            self.stdout.write(json.dumps(rows))
            return
        if not rows:
            self.stdout.write(f"{user.email} has no API tokens.")
            return
        for row in rows:
            state = (
                f"revoked {row['revoked_at']}"
                + (f" ({row['revoked_reason']})" if row["revoked_reason"] else "")
                if row["revoked_at"]
                else f"live, last used {row['last_used_at'] or 'never'}"
            )
            self.stdout.write(
                f"{row['prefix']}…  {row['id']}  {row['firm']}  “{row['name']}”  "
                f"made {row['created_at']}, {state}"
            )
