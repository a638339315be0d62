"""Fixtures of the provider bill routes (registry_billing_provider_bills.py):
a bill of firm A with the provider's PDF and two lines (the second disputed),
the same in firm B, and a provider staff member who does firm A's billing
(and still must not see what the firm pays the provider)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from firmdesk.billing.models import ProviderBill, ProviderBillLine
from firmdesk.documents.services import document_upload
from firmdesk.engagements.models import Engagement
from tests import factories as f

__all__ = [
    "bills_billing_assistant",
    "other_provider_bill",
    "other_provider_bill_line",
    "provider_bill",
    "provider_bill_disputed_line",
    "provider_bill_line",
]


def _bill(firm, engagement, number, *, with_document=False):
    bill = ProviderBill.unscoped.create(
        firm=firm,
        engagement=engagement,
        number=number,
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
        total=Decimal("100.00"),
        reconciled_total=Decimal("100.00"),
    )
    if with_document:
        bill.document = document_upload(
            firm=firm,
            actor=None,
            uploaded_file=SimpleUploadedFile(
                f"{number}.pdf", b"%PDF-1.4 bill", content_type="application/pdf"
            ),
        )
        bill.save(update_fields=["document"])
    for position, dispute in ((1, ""), (2, ProviderBillLine.Dispute.OPEN)):
        ProviderBillLine.unscoped.create(
            firm=firm,
            bill=bill,
            position=position,
            staff_name="Priya Nair",
            description="Calendaring",
            hours=Decimal("1.25"),
            unit_price=Decimal("40.00"),
            amount=Decimal("50.00"),
            dispute=dispute,
            dispute_reason="Not logged" if dispute else "",
        )
    return bill


@pytest.fixture
def provider_bill(firm, engagement):
    return _bill(firm, engagement, "NS-2026-03", with_document=True)


@pytest.fixture
def provider_bill_line(provider_bill):
    return ProviderBillLine.unscoped.get(bill=provider_bill, position=1)


@pytest.fixture
def provider_bill_disputed_line(provider_bill):
    return ProviderBillLine.unscoped.get(bill=provider_bill, position=2)


@pytest.fixture
def other_provider_bill(other_firm, other_engagement):
    return _bill(other_firm, other_engagement, "NS-B-2026-03", with_document=True)


@pytest.fixture
def other_provider_bill_line(other_provider_bill):
    return ProviderBillLine.unscoped.get(bill=other_provider_bill, position=2)


@pytest.fixture
def bills_billing_assistant(provider, engagement, matter):
    """Provider staff assigned to firm A's billing, granted the matter."""
    Engagement.unscoped.filter(pk=engagement.pk).update(
        functions=[*engagement.functions, "billing"]
    )
    engagement.refresh_from_db()
    user = f.member(provider, ["assistant"], email="bills@northstar.test")
    user.staff_profile.functions = ["billing"]
    user.staff_profile.save()
    f.assign(engagement, user, functions=("billing",))
    f.grant(engagement, matter, user)
    return user
