"""Demo data: each app registers ``seed(*, stdout)`` from its ``AppConfig.ready()``.

``manage.py seed_demo`` creates the demo institutes and people, then runs every
registered seed in order. Each seed is safe to run again and creates nothing twice.
"""

from collections.abc import Callable

from .registry import Registry

Seed = Callable[..., None]

seeds: Registry[Seed] = Registry("Demo data")


def register(app: str, seed: Seed, *, order: int) -> None:
    seeds.register(app, seed, order=order)
