"""The portal's search: one box in the header, results from every app that registers a
source (``registry``), only ever what the person may open. See docs/search.md."""

from .registry import Source, all_sources, register, source_for

__all__ = ["Source", "all_sources", "register", "source_for"]
