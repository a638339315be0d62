"""FirmDesk's date style for Django's own formats (``FORMAT_MODULE_PATH``): what
``{{ value|date }}`` with no format, ``{{ a_date }}`` and the admin show. Pages
use the filters of ``web/templatetags/times.py``, which add the zone label these
formats cannot write unambiguously (Django's "T" is the zone database's own
abbreviation: "PST" in Manila)."""

DATE_FORMAT = "M j, Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "M j, Y, g:i A"
SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y, g:i A"
MONTH_DAY_FORMAT = "M j"
YEAR_MONTH_FORMAT = "F Y"
