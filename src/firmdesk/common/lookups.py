"""``field__among=[…]``: an integer column in a list of integers.

Django's ``__in`` prepares every value through the field and writes one
placeholder per value; psycopg then quotes each into the statement. With the
conflict engine's lists (up to 300 contacts, 250 index keys, several times a
search) that was a third of a search's CPU at 1,000,000 parties
(docs/performance.md, Conflict search). On PostgreSQL ``among`` sends the list
as one array (``= ANY(%s::bigint[])``); elsewhere it is a plain ``IN``.
Values must be integers: anything else is refused, not converted.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignKey, IntegerField, Lookup


@IntegerField.register_lookup
@ForeignKey.register_lookup
class Among(Lookup):
    lookup_name = "among"
    prepare_rhs = False

    def get_prep_lookup(self):
        values = []
        for value in dict.fromkeys(self.rhs):
            if type(value) is not int:
                raise TypeError(f"__among takes integers, not {type(value).__name__}")
            values.append(value)
        return values

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, self.rhs)
        marks = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({marks})", (*lhs_params, *self.rhs)
