"""Share-link tokens kept out of every log: a token in an address is the key to a
client's file, so whatever writes a log line — gunicorn's access log
(``access_log.AccessLog``), Django's request log, FirmDesk's own warnings such
as a database hiccup on ``/s/<token>/`` — writes ``/s/…`` instead.
``RedactShareTokens`` is a filter on the console handler in settings.LOGGING;
it imports nothing of Django, since logging is set up before the apps load."""

import logging
import re

# token_urlsafe(32) is 43 characters; anything as long as 16 under /s/ is
# treated as one, so a shortened or mistyped token is not logged either.
SHARE_TOKEN = re.compile(r"/s/[A-Za-z0-9_-]{16,}")


def redact(value):
    return SHARE_TOKEN.sub("/s/…", value) if isinstance(value, str) else value


class RedactShareTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/s/" in message:
            record.msg, record.args = redact(message), ()
        return True
