"""Pages of part "tokens" (issue 21)."""

app_name = "tokens"

urlpatterns: list = []
