"""Rows of firm A (and firm B) that registry_security_texts.py points at: a
published version of each engagement's confidentiality text. Its wording is
the standard text's, so publishing it takes nobody's access away and the
other routes' users stand as they did."""

import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.engagements import agreement_texts
from firmdesk.engagements.models import nda_text

__all__ = ["texts_version", "texts_other_version"]


def _published(user, firm, engagement):
    return agreement_texts.text_publish(
        scope=resolve_scope(user, firm),
        engagement=engagement,
        title="Confidentiality agreement (firm wording)",
        body=nda_text(),
        valid_months=None,
    )


@pytest.fixture
def texts_version(firm, firm_admin, engagement):
    return _published(firm_admin, firm, engagement)


@pytest.fixture
def texts_other_version(other_firm, outsider, other_engagement):
    return _published(outsider, other_firm, other_engagement)
