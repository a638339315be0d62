"""What the planner's tests share: the worked example of the cost comparison
in docs/insights-planning.md, and the audit trail's latest event."""

from decimal import Decimal

from firmdesk.audit.models import AuditEvent
from firmdesk.insights.costs import CostInputs

D = Decimal

EXAMPLE = CostInputs(
    hours_per_year=D("1880"),
    tasks_per_year=3000,
    salary=D("60970"),
    benefits_percent=D("30"),
    office_space=D("6000"),
    equipment=D("2500"),
    recruiting=D("4000"),
    training=D("3000"),
    turnover_percent=D("25"),
    pricing="hourly",
    hourly_rate=D("35"),
)


def latest_event(firm, action: str) -> AuditEvent | None:
    return AuditEvent.objects.filter(org=firm, action=action).order_by("-id").first()
