from django.contrib import admin

from .models import Assignment, ConfidentialityAgreement, Engagement, MatterGrant


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ["name", "firm", "provider", "status"]
    list_filter = ["status"]
    inlines = [AssignmentInline]


@admin.register(ConfidentialityAgreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["signer", "engagement", "signed_at", "expires_on"]
    readonly_fields = ["text_sha256"]


admin.site.register(MatterGrant)
