"""Property: the dependency rules accept exactly the graphs that have no cycle."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programmes import services

pytestmark = pytest.mark.django_db

NODES = 5


def _has_cycle(edges: dict[int, set[int]]) -> bool:
    state: dict[int, int] = {}

    def visit(node: int) -> bool:
        state[node] = 1
        for nxt in edges.get(node, ()):
            if state.get(nxt) == 1 or (nxt not in state and visit(nxt)):
                return True
        state[node] = 2
        return False

    return any(node not in state and visit(node) for node in list(edges))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(
        st.tuples(
            st.integers(0, NODES - 1),
            st.sets(st.integers(0, NODES - 1), max_size=3),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_dependency_updates_are_accepted_iff_no_cycle_results(world, steps):
    """Any sequence of dependency edits is accepted exactly when the graph stays acyclic, and what
    is stored is what was accepted."""
    with transaction.atomic():
        milestones = [
            services.milestone_create(
                actor=world.manager,
                project=world.project,
                title=f"M{i}",
                description="",
                owner=world.researcher,
                due_date=datetime.date(2027, 1, 1 + i),
            )
            for i in range(NODES)
        ]
        edges: dict[int, set[int]] = {i: set() for i in range(NODES)}
        for node, deps in steps:
            proposed = {**edges, node: set(deps)}
            m = milestones[node]
            try:
                services.milestone_update(
                    actor=world.manager,
                    milestone=m,
                    title=m.title,
                    description="",
                    owner=world.researcher,
                    dependencies=[milestones[d] for d in deps],
                    requires_partner_handover=False,
                )
            except ValidationError:
                assert _has_cycle(proposed)
            else:
                assert not _has_cycle(proposed)
                edges = proposed
            stored = {i: {d.pk for d in milestones[i].dependencies.all()} for i in range(NODES)}
            assert stored == {i: {milestones[d].pk for d in edges[i]} for i in range(NODES)}
        transaction.set_rollback(True)
