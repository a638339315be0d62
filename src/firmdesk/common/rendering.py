"""The request a page is being drawn for, while it is drawn.

The template backend (``common.templates``) sets it around each render that has a
request, so code running inside the render (the access rule's guard on links to
matters, ``access.guard``) knows whose page it is without being handed it.
Services and jobs run outside any render and see None.
"""

from contextvars import ContextVar

drawing_for: ContextVar = ContextVar("firmdesk_drawing_for", default=None)
