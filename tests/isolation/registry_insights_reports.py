"""Isolation registry entries for insights: the review reports and the
firm's report cadence (format: registry.py).

The firm's attorneys and admins read the reports, their PDFs and the report
settings; a firm admin produces a report on request. In-house staff, provider
staff and everyone without access to the firm get 404."""

from .registry import NO_FIRM_ACCESS, PROVIDER_STAFF_IN_FIRM, Route, _firm

READERS = ("firm_admin", "attorney")
NOT_READERS = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM, "firm_staff")
ADMINS = ("firm_admin",)
NOT_ADMINS = (*NOT_READERS, "attorney")


def _report(f) -> dict:
    return {**_firm(f), "report_id": f.reports_report.public_id}


def _other_report(f) -> dict:
    return {**_firm(f), "report_id": f.reports_other_report.public_id}


ROUTES: list = [
    Route("insights:report_list", kwargs=_firm, allowed=READERS, denied=NOT_READERS),
    Route(
        "insights:report_detail",
        kwargs=_report,
        foreign_kwargs=_other_report,
        allowed=READERS,
        denied=NOT_READERS,
    ),
    Route(
        "insights:report_pdf",
        kwargs=_report,
        foreign_kwargs=_other_report,
        allowed=READERS,
        denied=NOT_READERS,
    ),
    Route(
        "insights:report_build",
        kwargs=_firm,
        method="POST",
        why="an empty form comes back with what to fix; nothing is produced",
        allowed=ADMINS,
        denied=NOT_ADMINS,
    ),
    Route("insights:settings", kwargs=_firm, allowed=READERS, denied=NOT_READERS),
]
