"""Every app contributes to the shared places from its AppConfig.ready(), in page order."""

import pytest

from exchange import reminders as exchange_reminders
from exchange import selectors as exchange_selectors
from handover import reminders as handover_reminders
from handover import selectors as handover_selectors
from notifications import reminders as notifications_reminders
from notifications import rules
from notifications import selectors as notifications_selectors
from portal import demo, my_work, navigation
from portal.registry import Registry
from programmes import gates
from programmes import reminders as programmes_reminders
from programmes import selectors as programmes_selectors


def test_my_work_has_each_apps_sections_in_page_order():
    """The home page lists exchange, programmes, handover then notifications sections."""
    assert my_work.providers.names() == ["exchange", "programmes", "handover", "notifications"]
    assert my_work.providers.entries() == [
        exchange_selectors.my_work_sections,
        programmes_selectors.my_work_sections,
        handover_selectors.my_work_sections,
        notifications_selectors.my_work_sections,
    ]


def test_navigation_has_one_item_per_area_in_order():
    """My work, each area (the exchange reports, for managers and admins, after the
    exchanges), then the admin; notifications carry the unread count."""
    items = navigation.items.entries()
    assert [item.label for item in items] == [
        "My work",
        "Exchanges",
        "Reports",
        "Programmes",
        "Documents",
        "Notifications",
        "Admin",
    ]
    counted = [item for item in items if item.count is not None]
    assert [item.count for item in counted] == [notifications_selectors.notification_unread_count]


def test_demo_data_is_seeded_programmes_first():
    """Exchange and handover demo data hang off the programmes demo, so it runs first."""
    assert demo.seeds.names() == ["programmes", "exchange", "handover", "notifications"]


@pytest.mark.parametrize(
    "module",
    [exchange_reminders, programmes_reminders, handover_reminders, notifications_reminders],
)
def test_each_apps_reminder_rules_and_visibility_are_registered(module):
    """The registry holds exactly the rules and access rules each app declares."""
    registered = {rule.name: rule for rule in rules.all_rules()}
    for rule in module.RULES:
        assert registered[rule.name] is rule
    for model, visible_to in getattr(module, "VISIBILITY", {}).items():
        assert rules.visibility_for(model) is visible_to


def test_the_partner_handover_gate_is_the_handover_apps_check():
    """programmes asks the gate that handover registered, never handover by name."""
    assert gates._GATES[gates.PARTNER_HANDOVER] is handover_selectors.milestone_gate_satisfied
    assert gates.check_gates_registered(None) == []


def test_a_name_registers_once():
    """A second, different registration under a taken name is an error, not a silent swap."""
    registry: Registry[str] = Registry("Example")
    registry.register("one", "first", order=1)
    registry.register("one", "first", order=1)  # the same again is harmless
    with pytest.raises(ValueError, match="already registered"):
        registry.register("one", "second", order=1)
    assert registry.entries() == ["first"]


def test_accounts_writes_to_the_audit_log_through_the_audit_apps_recorder():
    """accounts cannot import the audit app: the audit app names its recorder."""
    from accounts import events
    from audit import services as audit_services

    assert events._recorder["record"] is audit_services.record


def test_search_has_each_apps_kinds_in_order_with_their_access_functions():
    """Each kind is found through the access function its own pages use."""
    from exchange import access as exchange_access
    from handover import access as handover_access
    from portal import search
    from programmes import access as programmes_access

    assert {source.kind: source.visible_to for source in search.all_sources()} == {
        "opportunities": exchange_access.opportunities_visible_to,
        "applications": exchange_access.applications_visible_to,
        "projects": programmes_access.projects_visible_to,
        "milestones": programmes_access.milestones_visible_to,
        "documents": handover_access.documents_visible_to,
        "handovers": handover_access.handovers_visible_to,
    }
    assert [source.kind for source in search.all_sources()] == [
        "opportunities", "applications", "projects", "milestones", "documents", "handovers",
    ]  # fmt: skip
