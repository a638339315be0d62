"""Billing's routes, one module per part; URL names are ``billing:…``."""

from .imports.urls import urlpatterns as imports
from .invoices.urls import urlpatterns as invoices
from .ledes.urls import urlpatterns as ledes
from .provider_bills.urls import urlpatterns as provider_bills
from .receivables.urls import urlpatterns as receivables
from .review.urls import urlpatterns as review
from .setup.urls import urlpatterns as setup
from .time.urls import urlpatterns as time

app_name = "billing"

urlpatterns = [
    *time,
    *review,
    *invoices,
    *ledes,
    *receivables,
    *provider_bills,
    *imports,
    *setup,
]
