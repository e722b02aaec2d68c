"""``in`` lookups on whole-number columns that skip values the column cannot hold.

Django already answers ``filter(pk=<a 30-digit number>)`` with no rows (its
``IntegerFieldOverflow``), but not ``filter(pk__in=[...])``: SQLite cannot take such a
number as a query parameter and raises ``OverflowError``, so a form that looks up posted
keys (a multiple choice field, the admin's autocomplete widgets) answered 500 to a huge
number instead of "Select a valid choice". No row can have a key outside the column's
range, so leaving such values out changes no answer; a list left empty matches nothing.

Registered on ``IntegerField`` (and so on every auto and big-integer key) by
``AccountsConfig.ready()``: the lowest app, so every app's queries have it.
"""

from django.db import models
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            internal_type = self.lhs.output_field.get_internal_type()
            if internal_type in connection.ops.integer_field_ranges:
                low, high = connection.ops.integer_field_range(internal_type)
                self.rhs = [
                    value
                    for value in self.rhs
                    if not isinstance(value, int)
                    or ((low is None or value >= low) and (high is None or value <= high))
                ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    models.IntegerField.register_lookup(IntegerFieldIn)
