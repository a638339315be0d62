"""Quality checks run when a draft is submitted for review (docs/documents.md,
"Quality checks"): what an attorney would otherwise catch by reading, listed for
the assistant to fix (a new version) or explain before the submission goes
through."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One thing the checks found. ``code`` is stable (tests and the
    explanations a submission keeps refer to it); ``message`` says, in plain
    words, what was found and where, and what to do about it."""

    code: str
    message: str


def findings(version, *, today: datetime.date) -> list[Finding]:
    """What the checks find in ``version`` (a DocumentVersion of a document on a
    matter), in the order they should be read."""
    return []
