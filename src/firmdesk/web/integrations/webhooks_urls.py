"""Pages of part "webhooks" (issue 21)."""

app_name = "webhooks"

urlpatterns: list = []
