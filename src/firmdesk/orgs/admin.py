from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import (
    Absence,
    Membership,
    Organization,
    StaffProfile,
    TrainingRecord,
    User,
)
from .zones import zone_choices


class ZonePickerAdmin(admin.ModelAdmin):
    """The time zone as a grouped list of the zones people live in (``zones``),
    keeping the value already saved."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "time_zone" in form.base_fields:
            current = obj.time_zone if obj is not None else ""
            form.base_fields["time_zone"] = forms.ChoiceField(
                label="Time zone",
                choices=zone_choices(current),
                initial=form.base_fields["time_zone"].initial,
            )
        return form


@admin.register(Organization)
class OrganizationAdmin(ZonePickerAdmin):
    list_display = ["name", "kind", "slug", "time_zone", "jurisdiction"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(ZonePickerAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "time_zone"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "full_name", "password1", "password2"]}),
    ]


class TrainingInline(admin.TabularInline):
    model = TrainingRecord
    extra = 0


@admin.register(StaffProfile)
class StaffProfileAdmin(ZonePickerAdmin):
    list_display = ["user", "organization", "status", "background_check_result"]
    list_filter = ["status", "organization"]
    inlines = [TrainingInline]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "start", "end"]
