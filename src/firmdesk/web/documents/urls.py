"""Documents' routes, one module per part; URL names are ``documents:…``.
The public share-link pages are in ``public_urls`` (namespace ``shared``)."""

from .drafting.urls import urlpatterns as templates
from .exhibits.urls import urlpatterns as exhibits
from .library.urls import urlpatterns as library
from .shares.urls import urlpatterns as shares

app_name = "documents"

urlpatterns = [
    *library,
    *templates,
    *exhibits,
    *shares,
]
