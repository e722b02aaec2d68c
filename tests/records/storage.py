"""A file storage that can be told to refuse deletes, as an object store does when it
is unreachable."""

from django.core.files.storage import FileSystemStorage


class FlakyStorage(FileSystemStorage):
    refuse_deletes = False

    def delete(self, name):
        if FlakyStorage.refuse_deletes:
            raise OSError("storage unavailable")
        return super().delete(name)
