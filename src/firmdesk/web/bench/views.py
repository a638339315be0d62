"""A constant page behind the whole middleware stack (session, sign-in, two
factors, CSP, the viewer's zone): ``make bench`` (bench/pages.py) serves it
beside the real pages, so a page's throughput reads as a share of what the
same server gives a page that does no work of its own. It shows no data and
writes nothing, so it is safe to ship; signed-out visitors get the sign-in
page as everywhere else."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET


@require_GET
def trivial(request):
    # Without the request, so no context processor runs: the layout's firm
    # switcher (the person's Scopes) is work of the real pages, not the stack's.
    return HttpResponse(render_to_string("web/bench/trivial.html"))
