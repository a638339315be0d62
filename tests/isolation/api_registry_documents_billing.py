"""API isolation entries of part "documents_billing" (see api_registry.py):
documents, time entries, expenses, invoices (LEDES, PDF, payments), metrics.

Who may do what is what the pages allow (registry_documents_library.py,
registry_billing_time.py, registry_billing_invoices.py,
registry_billing_ledes.py, registry_insights_dashboard.py): documents to
whoever may see their matter or task; time and expenses to everyone who acts
for the firm (their own; everyone's for billing people); invoices and
payments to billing people only (the shared ``assistant`` has no billing
function, so provider staff need a fixture of their own that has); the
dashboard's figures to attorneys and admins. The list entries touch firm B's
rows too, so an answer that leaked them would carry firm B's markers."""

from firmdesk.billing.models import Expense, Invoice, TimeEntry

from .api_registry import (
    API_NO_FIRM_ACCESS,
    EVERYONE_IN_FIRM,
    FIRM_MEMBERS,
    PROVIDER_STAFF_IN_FIRM,
    ApiRoute,
    firm,
)

SEE_MATTER = (*FIRM_MEMBERS, "assistant")
NOT_MATTER = (*API_NO_FIRM_ACCESS, "ungranted_assistant")
NOT_BILLERS = (*API_NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM)
READERS = ("firm_admin", "attorney")
NOT_READERS = (*API_NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM, "firm_staff")
OWN_MATTER_ONLY = (
    "the ungranted assistant may not name the matter (422: no matter they may "
    "record on); tests/api/test_billing_api.py"
)


def _with(*names: str, query: dict | None = None):
    """A query that first builds ``names`` (rows of both firms)."""

    def build(f) -> dict:
        for name in names:
            getattr(f, name)
        return dict(query or {})

    return build


def _document(attr: str):
    return lambda f: {**firm(f), "document_id": getattr(f, attr).public_id}


def _version(attr: str):
    return lambda f: {**_document(attr)(f), "number": 1}


def _invoice(attr: str):
    return lambda f: {**firm(f), "invoice_id": getattr(f, attr).public_id}


def _count(model):
    return lambda f: model.unscoped.filter(firm=f.firm).count()


def _paid(f):
    return Invoice.unscoped.get(pk=f.receivables_invoice.pk).paid


def _entry_body(f) -> dict:
    return {
        "matter": str(f.matter.public_id),
        "date": "2026-11-16",
        "hours": "1.5",
        "narrative": "Review hearing notice",
        "task_code": "L120",
        "activity_code": "A104",
    }


def _expense_body(f) -> dict:
    return {
        "matter": str(f.matter.public_id),
        "date": "2026-11-16",
        "description": "Courier to the court",
        "unit_cost": "45.00",
        "expense_code": "E107",
    }


ROUTES: list = [
    # --- Documents -----------------------------------------------------------
    ApiRoute(
        "GET api:list_documents",
        query=_with("library_document", "other_library_document"),
        allowed=EVERYONE_IN_FIRM,
        why="provider staff see the documents of their matters and tasks only",
    ),
    ApiRoute(
        "GET api:get_document",
        kwargs=_document("library_document"),
        foreign_kwargs=_document("other_library_document"),
        allowed=SEE_MATTER,
        denied=NOT_MATTER,
        audit="document.viewed",
    ),
    ApiRoute(
        "POST api:create_document",
        allowed=EVERYONE_IN_FIRM,
        success=422,
        why="this call sends JSON, not the multipart upload: everyone who acts "
        "for the firm reaches the route and is told the file is missing; where "
        "they may upload (a matter they see, their task) is proved in "
        "tests/api/test_documents_api.py",
    ),
    ApiRoute(
        "GET api:download_document",
        kwargs=_document("library_document"),
        foreign_kwargs=_document("other_library_document"),
        allowed=SEE_MATTER,
        denied=NOT_MATTER,
        audit="document.downloaded",
        json=False,
    ),
    ApiRoute(
        "GET api:download_document_version",
        kwargs=_version("library_document"),
        foreign_kwargs=_version("other_library_document"),
        allowed=SEE_MATTER,
        denied=NOT_MATTER,
        audit="document.downloaded",
        json=False,
    ),
    # --- Time and expenses ---------------------------------------------------
    ApiRoute(
        "GET api:list_time_entries",
        query=_with("billing_entry", "other_billing_entry"),
        allowed=EVERYONE_IN_FIRM,
        why="provider staff without billing see only their own time",
    ),
    ApiRoute(
        "POST api:create_time_entry",
        body=_entry_body,
        success=201,
        state=_count(TimeEntry),
        allowed=SEE_MATTER,
        why=OWN_MATTER_ONLY,
    ),
    ApiRoute(
        "GET api:list_expenses",
        query=_with("billing_expense", "other_billing_expense"),
        allowed=EVERYONE_IN_FIRM,
        why="provider staff without billing see only their own expenses",
    ),
    ApiRoute(
        "POST api:create_expense",
        body=_expense_body,
        success=201,
        state=_count(Expense),
        allowed=SEE_MATTER,
        why=OWN_MATTER_ONLY,
    ),
    # --- Invoices and payments -----------------------------------------------
    ApiRoute(
        "GET api:list_invoices",
        query=_with("inv_draft", "other_inv_draft"),
        allowed=(*FIRM_MEMBERS, "inv_biller"),
        denied=NOT_BILLERS,
        why="billing people only, as the invoice pages",
    ),
    ApiRoute(
        "GET api:get_invoice",
        kwargs=_invoice("inv_draft"),
        foreign_kwargs=_invoice("other_inv_draft"),
        allowed=(*FIRM_MEMBERS, "inv_biller"),
        denied=NOT_BILLERS,
        audit="invoice.viewed",
    ),
    ApiRoute(
        "GET api:get_invoice_ledes",
        kwargs=_invoice("ledes_invoice_a"),
        foreign_kwargs=_invoice("ledes_invoice_b"),
        allowed=(*FIRM_MEMBERS, "ledes_billing_assistant"),
        denied=NOT_BILLERS,
        audit="invoice.ledes_exported",
        json=False,
    ),
    ApiRoute(
        "GET api:get_invoice_pdf",
        kwargs=_invoice("inv_draft"),
        foreign_kwargs=_invoice("other_inv_draft"),
        allowed=(*FIRM_MEMBERS, "inv_biller"),
        denied=NOT_BILLERS,
        audit="invoice.pdf_downloaded",
        json=False,
    ),
    ApiRoute(
        "GET api:list_invoice_payments",
        kwargs=_invoice("receivables_invoice"),
        foreign_kwargs=_invoice("other_receivables_invoice"),
        allowed=(*FIRM_MEMBERS, "receivables_billing_clerk"),
        denied=NOT_BILLERS,
    ),
    ApiRoute(
        "POST api:create_invoice_payment",
        kwargs=_invoice("receivables_invoice"),
        foreign_kwargs=_invoice("other_receivables_invoice"),
        body=lambda f: {"amount": "100.00", "received_on": "2026-03-20"},
        success=201,
        state=_paid,
        allowed=(*FIRM_MEMBERS, "receivables_billing_clerk"),
        denied=NOT_BILLERS,
        why="billing people record payments, as on the invoice page",
    ),
    # --- Metrics -------------------------------------------------------------
    ApiRoute(
        "GET api:get_metrics",
        allowed=READERS,
        denied=NOT_READERS,
        no_audit="the dashboard's page is not audited either: counts and "
        "amounts of the whole firm, no client's data (its CSV export is)",
    ),
]
