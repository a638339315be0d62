"""A constant page behind the whole middleware stack (session, sign-in, two
factors, CSP, the viewer's zone): ``make bench`` (bench/pages.py) serves it
beside the real pages, so a page's throughput reads as a share of what the
same server gives a page that does no work of its own. It shows no data and
writes nothing, so it is safe to ship; signed-out visitors get the sign-in
page as everywhere else."""

from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def trivial(request):
    return render(request, "web/bench/trivial.html")
