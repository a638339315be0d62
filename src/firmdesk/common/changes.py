"""Rows written without Django's per-row signals.

``bulk_create`` and ``QuerySet.update`` send no ``post_save``. A service that
writes that way a column another app keeps figures of (the insights roll-up
counts tasks, reviews, time entries, leads, feedback, breaches and provider
bills) announces the rows afterwards, inside its transaction::

    rows_written.send(sender=TimeEntry, firm=firm, rows=created)

``rows`` are the model instances as written. The app keeping the figures
subscribes in its ``AppConfig.ready``; the writer does not know who listens,
so a lower app never imports a higher one. Writes that change no counted
column (a status the roll-up does not read, a sent-at stamp) need not
announce themselves; docs/insights-rollup.md lists which do.
"""

from django.dispatch import Signal

rows_written = Signal()
