from django.contrib import admin
from django.urls import include, path

from firmdesk.web.health import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("firmdesk.api.urls")),
    # For load balancers and monitoring (docs/deploy.md).
    path("health", health, name="health"),
    path("", include("firmdesk.web.urls")),
]

# A database error outside any view still answers the page that keeps what
# was typed (firmdesk/web/db_hiccups.py), not the generic 500.
handler500 = "firmdesk.web.db_hiccups.server_error"
