"""The page a share link opens, for someone outside FirmDesk: no sign-in, the link's
secret token is the key. URL names are ``shared:…``; every name needs an entry in
tests/isolation/registry_documents_public_shares.py."""

app_name = "shared"

urlpatterns: list = []
