"""The review report as a PDF (WeasyPrint): the page's content, charts and
all, from the stored figures.

The charts are ``data:`` images and the stylesheet is in the template, so the
PDF needs nothing from anywhere: the fetcher decodes ``data:`` addresses and
refuses every other one (no file is read, nothing is fetched from the
network, whatever the HTML names).
"""

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from .models import MonthlyReport
from .reports import report_view

TEMPLATE = "web/insights/reports/report_pdf.html"


class DataOnly(URLFetcher):
    """``data:`` addresses only; anything else is refused (ValueError)."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)


def report_pdf(report: MonthlyReport) -> bytes:
    html = render_to_string(TEMPLATE, {"r": report_view(report), "firm": report.firm})
    return HTML(string=html, url_fetcher=DataOnly()).write_pdf()
