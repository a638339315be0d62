"""Routes of this part (issue 20); every name here needs an entry in its
isolation registry file (tests/isolation/registry_security_*.py)."""

urlpatterns: list = []
