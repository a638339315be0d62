import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")
application = get_wsgi_application()

# Bodies over the limit are refused before they are read (web/body_limit.py).
from firmdesk.web.body_limit import RequestBodyLimit  # noqa: E402

application = RequestBodyLimit(application)


def _ready() -> None:
    """Load the pages before the first request and set the collector for serving."""
    from django.conf import settings
    from django.urls import get_resolver

    from firmdesk.common.runtime import tune_gc

    get_resolver(settings.ROOT_URLCONF).url_patterns  # noqa: B018 (imports the views)
    tune_gc()


_ready()
