"""Site administrators keep the shared reference data: courts and their
closure days, days declared holidays, and deadline rules. Events are client
data and stay out of the admin."""

from django.contrib import admin

from .models import Court, CourtClosure, DeadlineRule, DeclaredHoliday


class CourtClosureInline(admin.TabularInline):
    model = CourtClosure
    extra = 1


@admin.register(Court)
class CourtAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "jurisdiction", "time_zone", "active")
    list_filter = ("jurisdiction", "active")
    search_fields = ("code", "name")
    inlines = [CourtClosureInline]


@admin.register(DeclaredHoliday)
class DeclaredHolidayAdmin(admin.ModelAdmin):
    list_display = ("day", "name", "source")
    date_hierarchy = "day"


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
