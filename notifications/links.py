"""Links to other apps' pages that may not exist yet on every deployment."""

from django.urls import NoReverseMatch, reverse


def object_url(obj, fallback: str = "") -> str:
    """``obj.get_absolute_url()``, or ``fallback`` (a URL name or path) if its page is missing."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        pass
    if fallback.startswith("/") or not fallback:
        return fallback or reverse("notifications:list")
    try:
        return reverse(fallback)
    except NoReverseMatch:
        return reverse("notifications:list")


def selector(module: str, name: str):
    """The app's visibility selector ``module.name`` if it exists, else None.

    Looked up at call time: the selectors land with each app's pages.
    """
    from importlib import import_module

    try:
        return getattr(import_module(module), name, None)
    except ImportError:
        return None
