"""Attributes that decide access (nationality, institute) are set by admins: a person
asks, an admin of their institute confirms, and the audit log has who, when, old and new.
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import AttributeChangeRequest, Role
from audit.models import AuditEntry, AuditEvent
from handover.access import documents_visible_to
from handover.markings import Marking
from tests.factories import InstituteFactory, UserFactory, enable_totp
from tests.handover.factories import make_document

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cast():
    uk, au = InstituteFactory(uk=True), InstituteFactory(au=True)
    return {
        "uk": uk,
        "au": au,
        # A person at the Australian institute with British nationality.
        "person": UserFactory(institute=au, nationality="GBR"),
        "au_admin": UserFactory(institute=au, roles=[Role.INSTITUTE_ADMIN]),
        "uk_admin": UserFactory(institute=uk, roles=[Role.INSTITUTE_ADMIN]),
    }


def test_posting_a_nationality_to_the_profile_changes_nothing(client, cast):
    """The exploit: an AU-institute person with British nationality posts AUS to open
    AUSTEO documents. The nationality stays, and the document stays closed."""
    person = cast["person"]
    owner = UserFactory(institute=cast["au"], nationality="AUS")
    austeo = make_document(
        owner, marking=Marking(scheme="AU", classification="OFFICIAL", releasability="AUSTEO")
    )
    assert austeo not in documents_visible_to(person)
    client.force_login(person)

    client.post(
        reverse("profile"),
        {"full_name": person.full_name, "nationality": "AUS", "time_zone": "", "institute": ""},
    )

    person.refresh_from_db()
    assert person.nationality == "GBR"
    assert person.institute == cast["au"]
    assert austeo not in documents_visible_to(person)


def test_a_person_asks_for_a_change_from_their_details_page(client, cast):
    """The request is made on a page of its own; nothing changes until it is confirmed."""
    person = cast["person"]
    client.force_login(person)
    assert "Ask for a change" in client.get(reverse("profile")).content.decode()

    response = client.post(
        reverse("profile_change_request"),
        {"field": "nationality", "requested_value": "aus", "reason": "Dual national since May."},
    )

    assert response.status_code == 302
    change = AttributeChangeRequest.objects.get(user=person)
    assert (change.field, change.current_value, change.requested_value, change.status) == (
        "nationality",
        "GBR",
        "AUS",
        "pending",
    )
    person.refresh_from_db()
    assert person.nationality == "GBR"
    assert "Waiting for an admin" in client.get(reverse("profile")).content.decode()
    (asked,) = AuditEntry.objects.filter(event=AuditEvent.CHANGE_REQUESTED)
    assert (asked.old_values, asked.new_values) == ({"nationality": "GBR"}, {"nationality": "AUS"})


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"field": "nationality", "requested_value": "Britain", "reason": "x"},
            "requested_value",
            "3-letter",
        ),
        (
            {"field": "nationality", "requested_value": "GBR", "reason": "x"},
            "requested_value",
            "already",
        ),
        (
            {"field": "institute", "requested_value": "NOPE", "reason": "x"},
            "requested_value",
            "Choose one",
        ),
        ({"field": "clearance", "requested_value": "SC", "reason": "x"}, "field", "Select a valid"),
        ({"field": "nationality", "requested_value": "AUS", "reason": ""}, "reason", "required"),
        (
            {"field": "nationality", "requested_value": "AUS" * 20, "reason": "x"},
            "requested_value",
            "characters or fewer",
        ),
    ],
)
def test_a_bad_request_is_refused_beside_its_field(client, cast, data, field, message):
    """Clear messages, nothing saved, never a 500."""
    client.force_login(cast["person"])

    response = client.post(reverse("profile_change_request"), data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not AttributeChangeRequest.objects.exists()


def test_a_second_request_for_the_same_field_waits_for_the_first(cast):
    """One pending request per attribute."""
    person = cast["person"]
    services.attribute_change_request(
        actor=person, field="nationality", requested_value="AUS", reason="a"
    )

    with pytest.raises(ValidationError):
        services.attribute_change_request(
            actor=person, field="nationality", requested_value="NZL", reason="b"
        )


def test_confirming_changes_the_attribute_and_records_old_and_new(cast):
    """Confirmed by an admin of the person's institute: the nationality changes, and the
    audit log has who confirmed, when, and the old and new values."""
    person, admin = cast["person"], cast["au_admin"]
    change = services.attribute_change_request(
        actor=person, field="nationality", requested_value="AUS", reason="Naturalised."
    )

    services.attribute_change_confirm(actor=admin, change=change)

    person.refresh_from_db()
    change.refresh_from_db()
    assert person.nationality == "AUS"
    assert (change.status, change.decided_by, change.decided_at) == ("confirmed", admin, NOW)
    (confirmed,) = AuditEntry.objects.filter(event=AuditEvent.CHANGE_CONFIRMED)
    assert confirmed.actor == admin and confirmed.at == NOW
    assert (confirmed.old_values, confirmed.new_values) == (
        {"nationality": "GBR"},
        {"nationality": "AUS"},
    )
    (changed,) = AuditEntry.objects.filter(event=AuditEvent.USER_CHANGED, object_id=str(person.pk))
    assert changed.actor == admin
    assert changed.new_values == {"nationality": "AUS"}


def test_confirming_an_institute_change_moves_the_person(cast):
    """An institute change, once confirmed, moves the person (recorded by name)."""
    person, admin = cast["person"], cast["au_admin"]
    change = services.attribute_change_request(
        actor=person, field="institute", requested_value="UK-AISI", reason="Moved to London."
    )

    services.attribute_change_confirm(actor=admin, change=change)

    person.refresh_from_db()
    assert person.institute == cast["uk"]
    (changed,) = AuditEntry.objects.filter(event=AuditEvent.USER_CHANGED, object_id=str(person.pk))
    assert changed.new_values == {"institute": str(cast["uk"])}


def test_rejecting_leaves_the_attribute_and_is_recorded(cast):
    person, admin = cast["person"], cast["au_admin"]
    change = services.attribute_change_request(
        actor=person, field="nationality", requested_value="AUS", reason="Please."
    )

    services.attribute_change_reject(actor=admin, change=change, note="No evidence.")

    person.refresh_from_db()
    change.refresh_from_db()
    assert person.nationality == "GBR"
    assert change.status == "rejected"
    assert AuditEntry.objects.filter(event=AuditEvent.CHANGE_REJECTED, actor=admin).exists()
    with pytest.raises(ValidationError):
        services.attribute_change_confirm(actor=admin, change=change)


def test_another_institutes_admin_cannot_confirm(cast):
    """The UK admin may not decide about an AU person."""
    change = services.attribute_change_request(
        actor=cast["person"], field="nationality", requested_value="AUS", reason="Please."
    )

    with pytest.raises(PermissionDenied):
        services.attribute_change_confirm(actor=cast["uk_admin"], change=change)

    cast["person"].refresh_from_db()
    assert cast["person"].nationality == "GBR"


def test_an_admin_cannot_confirm_their_own_request(cast):
    """Not even an admin changes their own attributes: another admin must confirm."""
    admin = cast["au_admin"]
    change = services.attribute_change_request(
        actor=admin, field="nationality", requested_value="NZL", reason="Mine."
    )

    with pytest.raises(PermissionDenied):
        services.attribute_change_confirm(actor=admin, change=change)
    with pytest.raises(PermissionDenied):
        services.attribute_change_confirm(actor=cast["person"], change=change)

    admin.refresh_from_db()
    assert admin.nationality == "AUS"


def admin_client(client, admin):
    enable_totp(admin)
    client.force_login(admin)
    return client


def test_admins_confirm_in_the_admin_and_see_only_their_institutes_requests(client, cast):
    """The admin action confirms; the other institute's admin does not see the request,
    and cannot confirm it by posting the action."""
    change = services.attribute_change_request(
        actor=cast["person"], field="nationality", requested_value="AUS", reason="Please."
    )
    changelist = reverse("admin:accounts_attributechangerequest_changelist")
    action = {"action": "confirm", "_selected_action": [change.pk]}

    uk = admin_client(client, cast["uk_admin"])
    assert change not in uk.get(changelist).context["cl"].result_list
    uk.post(changelist, action)
    cast["person"].refresh_from_db()
    assert cast["person"].nationality == "GBR"

    au = admin_client(client, cast["au_admin"])
    assert change in au.get(changelist).context["cl"].result_list
    response = au.post(changelist, action)
    assert response.status_code == 302
    cast["person"].refresh_from_db()
    assert cast["person"].nationality == "AUS"
    assert au.get(reverse("admin:accounts_attributechangerequest_add")).status_code == 403


def test_no_page_a_person_uses_on_themselves_sets_an_attribute_that_decides_access(cast):
    """The profile form and its service cannot reach nationality, institute, roles or
    flags; in the admin, nationality is read-only on one's own record."""
    from accounts import access
    from accounts.forms import ProfileForm

    decided = set(access.ATTRIBUTES_SET_BY_ADMINS)
    assert not set(ProfileForm.Meta.fields) & decided
    assert not set(services.PROFILE_FIELDS) & decided
    with pytest.raises(TypeError):
        services.profile_update(actor=cast["person"], nationality="AUS")
    admin = cast["au_admin"]
    assert "nationality" in access.person_fields_locked_for(user=admin, person=admin)
    assert "nationality" not in access.person_fields_locked_for(user=admin, person=cast["person"])
