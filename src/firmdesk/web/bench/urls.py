"""The benchmark's yardstick page; every name here needs an entry in the
isolation registry (tests/isolation/registry_bench.py)."""

from django.urls import path

from . import views

app_name = "bench"

urlpatterns = [
    path("bench/trivial/", views.trivial, name="trivial"),
]
