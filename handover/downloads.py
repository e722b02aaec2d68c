"""A document version's file as the pages and the API send it: named with its marking,
through the permission-checked download path that records the access."""

from django.shortcuts import render

from portal.downloads import attachment_response, safe_filename


def file_removed_response(request, version):
    """The page for a version whose file the retention schedule deleted (410 Gone)."""
    return render(request, "handover/file_removed.html", {"version": version}, status=410)


def version_attachment(request, version, *, prefix: str):
    """The version's file, named as the pages name it (with its marking)."""
    filename = safe_filename(
        f"{prefix} {version.document.marking_text} v{version.number} {version.original_name}"
    )
    return attachment_response(
        version.file,
        filename=filename,
        content_type=version.media_type,
        request=request,
        about=version,
        institute=version.document.owner_institute,
    )
