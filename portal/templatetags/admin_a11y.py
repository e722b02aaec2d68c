"""Template tags for the Django admin's own templates (templates/admin/)."""

from django import template

register = template.Library()


@register.simple_tag
def labelled_field(bound_field, row):
    """A field of a table row (a tabular inline), named for screen readers by its column
    and row, since its only visible label is the column heading."""
    if bound_field.is_hidden:
        return bound_field.as_widget()
    label = f"{str(bound_field.label).rstrip('?: ')}, row {row}"
    return bound_field.as_widget(attrs={"aria-label": label})
