import pytest

from notifications import rules as registry
from tests.notifications import rules_for_tests


@pytest.fixture
def programme_rules():
    """Register the test-only programme rules for the duration of one test."""
    registry.register(rules_for_tests.ENDING)
    registry.register(rules_for_tests.ENDED)
    yield
    registry.unregister(rules_for_tests.RULE_NAME)
    registry.unregister(rules_for_tests.OVERDUE_RULE_NAME)


@pytest.fixture
def only_test_rules(programme_rules, monkeypatch):
    """Run the scan over the test rules alone, so other apps' rules add nothing."""
    names = {rules_for_tests.RULE_NAME, rules_for_tests.OVERDUE_RULE_NAME}
    original = registry.all_rules
    monkeypatch.setattr(registry, "all_rules", lambda: [r for r in original() if r.name in names])
