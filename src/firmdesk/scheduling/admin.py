"""Site administrators keep the shared reference data: courts and their
closure days, days declared holidays, and deadline rules. Events are client
data and stay out of the admin."""

from django.contrib import admin, messages
from django.db import transaction

from .models import Court, CourtClosure, DeadlineRule, DeclaredHoliday

RECOUNT_MESSAGE = (
    "Open deadlines on or after {days} are being counted again; if one moves, "
    "its owner is told."
)


def _recount(request, days: set, court_id=None) -> None:
    """After the change is saved, count again the deadlines it can move."""
    from .tasks import recount_deadlines

    if not days:
        return
    for day in sorted(days):
        transaction.on_commit(
            lambda day=day: recount_deadlines.enqueue(day.isoformat(), court_id)
        )
    shown = ", ".join(f"{day:%-d %B %Y}" for day in sorted(days))
    messages.info(request, RECOUNT_MESSAGE.format(days=shown))


class CourtClosureInline(admin.TabularInline):
    model = CourtClosure
    extra = 1


@admin.register(Court)
class CourtAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "jurisdiction", "time_zone", "active")
    list_filter = ("jurisdiction", "active")
    search_fields = ("code", "name")
    inlines = [CourtClosureInline]

    def save_formset(self, request, form, formset, change):
        """Closure days added, moved or removed change which deadlines fall on
        a day the clerk's office was closed."""
        days = set()
        if formset.model is CourtClosure:
            for inline in formset.forms:
                if inline.has_changed() and "day" in inline.initial:
                    days.add(inline.initial["day"])
        super().save_formset(request, form, formset, change)
        if formset.model is CourtClosure:
            days |= {c.day for c in formset.new_objects}
            days |= {c.day for c, _ in formset.changed_objects}
            days |= {c.day for c in formset.deleted_objects}
            _recount(request, days, form.instance.pk)


@admin.register(DeclaredHoliday)
class DeclaredHolidayAdmin(admin.ModelAdmin):
    list_display = ("day", "name", "source")
    date_hierarchy = "day"

    def save_model(self, request, obj, form, change):
        before = form.initial.get("day") if change else None
        super().save_model(request, obj, form, change)
        _recount(request, {d for d in (before, obj.day) if d is not None})

    def delete_model(self, request, obj):
        day = obj.day
        super().delete_model(request, obj)
        _recount(request, {day})

    def delete_queryset(self, request, queryset):
        days = set(queryset.values_list("day", flat=True))
        super().delete_queryset(request, queryset)
        _recount(request, days)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = (
        "citation",
        "name",
        "offset",
        "unit",
        "direction",
        "service_extension",
        "active",
    )
    list_filter = ("jurisdiction", "unit", "direction", "active")
    search_fields = ("citation", "name", "code")
