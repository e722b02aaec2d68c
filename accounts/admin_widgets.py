"""Admin autocomplete widgets that survive references that do not exist.

Django's autocomplete widget looks its chosen values up when the form is shown again; a
posted value that is not a valid key ("abc", a NUL byte) made that lookup raise, so a
refused form answered 500 instead of showing its errors. These widgets drop such values
before the lookup: the form's own error ("Select a valid choice") says what was wrong.
"""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class _TolerantAutocomplete:
    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        target = opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)
        usable = []
        for item in value:
            try:
                target.to_python(item)
            except (ValidationError, TypeError, ValueError):
                continue
            usable.append(item)
        return super().optgroups(name, usable, attr)


class TolerantAutocompleteSelect(_TolerantAutocomplete, AutocompleteSelect):
    pass


class TolerantAutocompleteSelectMultiple(_TolerantAutocomplete, AutocompleteSelectMultiple):
    pass


class TolerantAutocompleteAdmin:
    """Mixin for a ModelAdmin or an inline: its autocomplete fields use the widgets above.

    ``portal.admin.InstituteScopedAdmin`` includes it; an admin or inline that does not
    derive from it (the user admin, inlines) names it first among its bases."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = TolerantAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = TolerantAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
