"""The page a share link opens, for someone outside FirmDesk: no sign-in, the link's
secret token is the key. URL names are ``shared:…``; every name needs an entry in
tests/isolation/registry_documents_public_shares.py. Under ``s/``, a prefix no firm
slug or other page uses, and with no ``firm_slug``: the token alone finds the link."""

from django.urls import path

from . import views

app_name = "shared"

urlpatterns = [
    path("s/<str:token>/", views.share_page, name="share_page"),
    path("s/<str:token>/download/", views.share_download, name="share_download"),
]
