"""Routes of the incident (breach) workflow; every name here needs an entry in
tests/isolation/registry_security_incidents.py."""

app_name = "incidents"

urlpatterns: list = []
