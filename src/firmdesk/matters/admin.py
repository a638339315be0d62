from django.contrib import admin

from .models import Matter, MatterScreen


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "firm", "status"]
    list_filter = ["status", "firm"]
    search_fields = ["number", "title"]


admin.site.register(MatterScreen)
