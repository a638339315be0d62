"""Insights' routes, one module per part; URL names are ``insights:…``."""

from .audit.urls import urlpatterns as audit
from .costs.urls import urlpatterns as costs
from .dashboard.urls import urlpatterns as dashboard
from .fit.urls import urlpatterns as fit
from .home.urls import urlpatterns as home
from .pilots.urls import urlpatterns as pilots
from .reports.urls import urlpatterns as reports
from .scorecards.urls import urlpatterns as scorecards

app_name = "insights"

urlpatterns = [
    *home,
    *audit,
    *fit,
    *costs,
    *scorecards,
    *pilots,
    *dashboard,
    *reports,
]
