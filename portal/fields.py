"""Model fields shared by the apps."""

from django.db import models


class StoredFileNameField(models.CharField):
    """The name of a file in the default storage, kept as plain text.

    For records that read their files through the storage API themselves (and so want a
    string, not Django's ``FieldFile``). Like a ``FileField``, it tells the orphaned-file
    sweep (``portal.orphans``) that the file it names is in use.
    """

    description = "Name of a file in the default storage"
