"""Django's template backend, letting go of a page's data as soon as it is drawn.

Django makes each page's context with ``RequestContext.push(view context)``: the
pushed ``ContextDict`` keeps a reference back to the context it sits in, so the
two form a reference cycle, and everything the view handed to the template (fifty
task rows with their matters, firms and people, the filter form, the page) can
only be freed by Python's cycle collector, not when the response is done. A
queue page left about 1,400 such objects; every fifteenth request or so the
collector then freed twenty thousand at once, a 15–25 ms pause inside that
request, which was most of the team queue's slowest twentieth (bench/queues.py,
docs/performance.md). Emptying the context once the page is drawn breaks the
cycle; the page's data goes when the response does.

While a page is drawn, ``common.rendering.drawing_for`` names its request, so a
link from a row to a matter its viewer may not open draws as "a matter you cannot
open" (``access.guard``) whatever the template says.
"""

from django.template import TemplateDoesNotExist
from django.template.backends import django as django_backend
from django.template.context import make_context

from .rendering import drawing_for


class DjangoTemplates(django_backend.DjangoTemplates):
    def from_string(self, template_code):
        return Template(self.engine.from_string(template_code), self)

    def get_template(self, template_name):
        try:
            return Template(self.engine.get_template(template_name), self)
        except TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self)


class Template(django_backend.Template):
    def render(self, context=None, request=None):
        context = make_context(
            context, request, autoescape=self.backend.engine.autoescape
        )
        drawing = drawing_for.set(request)
        try:
            return self.template.render(context)
        except TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self.backend)
        finally:
            drawing_for.reset(drawing)
            # The context is this call's own (make_context); copies taken while
            # rendering (the test client's) keep their own list of dicts.
            context.dicts.clear()
