"""One of everything, made through the services as people make them, for the hostile-input
tests: institutes and people in every role, a programme with a project and milestones,
opportunities, applications in each state, a planning and an active secondment, a
document, a sent handover, a calendar feed and some notices."""

import datetime
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from accounts import services as account_services
from accounts.models import SingleSignOn
from api.models import PersonalAccessToken
from exchange import services as exchange_services
from exchange.models import ExchangeQuota, MidpointReview, ReturnReport, Secondment
from handover import services as handover_services
from notifications.models import Digest, Notification, Preference, Reminder
from programmes import services as programme_services
from programmes.models import MembershipRole
from tests.exchange.factories import OpportunityFactory, World
from tests.factories import UserFactory, enable_totp
from tests.handover.factories import make_document, make_handover
from tests.programmes.factories import MembershipFactory, MilestoneFactory, ProjectFactory
from webhooks.models import Delivery, Endpoint

NOW = datetime.datetime(2026, 8, 3, 9, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


class HostileWorld(World):
    def __init__(self):
        super().__init__()
        self.admin = UserFactory(
            institute=self.uk, is_staff=True, is_superuser=True, full_name="Sam Superuser"
        )
        enable_totp(self.admin)
        self.uk_applicant = UserFactory(institute=self.uk, full_name="Uri Applicant")
        # A project of the programme, with members at both institutes and two milestones.
        self.project = ProjectFactory(
            programme=self.programme,
            code="JRP-HOSTILE-01",
            lead_institute=self.uk,
            partner_institutes=[self.au],
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2028, 12, 31),
        )
        MembershipFactory(project=self.project, user=self.uk_staff, role=MembershipRole.LEAD)
        MembershipFactory(project=self.project, user=self.au_staff, role=MembershipRole.LEAD)
        self.milestone = MilestoneFactory(
            project=self.project, owner=self.uk_staff, due_date=datetime.date(2026, 9, 30)
        )
        self.later_milestone = MilestoneFactory(
            project=self.project, owner=self.au_staff, due_date=datetime.date(2027, 3, 31)
        )
        programme_services.milestone_change_due_date(
            actor=self.uk_pm,
            milestone=self.later_milestone,
            due_date=datetime.date(2027, 4, 30),
            reason="Partner compute arrives later",
        )
        self.deliverable = programme_services.deliverable_add(
            actor=self.uk_pm,
            milestone=self.milestone,
            title="Protocol document",
            owner=self.uk_staff,
            due_date=datetime.date(2026, 9, 30),
        )
        self.feed = programme_services.calendar_feed_reset(user=self.uk_staff)
        account_services.attribute_change_request(
            actor=self.uk_applicant, field="nationality", requested_value="AUS", reason="Dual"
        )
        # Exchange: a planning secondment (UK to AU), an active one (AU to UK), a draft,
        # a submitted and an endorsed application.
        self.accepted_application, self.secondment = self.accepted()
        self.second_au_opportunity = OpportunityFactory(
            programme=self.programme, host_institute=self.au, title="Second AU opportunity"
        )
        self.endorsed_application = self.endorsed(
            applicant=self.uk_applicant, line_manager=self.uk_manager
        )
        self.au_accepted, self.active_secondment = self.accepted(applicant=self.au_staff)
        Secondment.objects.filter(pk=self.active_secondment.pk).update(
            status=Secondment.Status.ACTIVE
        )
        self.active_secondment.refresh_from_db()
        # A review and a report for the admin (on the planning secondment, so that the
        # active one's pages still offer theirs).
        MidpointReview.objects.create(
            secondment=self.secondment,
            progress="on_track",
            achievements="Harness shipped.",
            submitted_by=self.uk_staff,
        )
        ReturnReport.objects.create(
            secondment=self.secondment,
            work_summary="Evaluations.",
            skills_gained="Scale.",
            knowledge_handed_over="Notes.",
            benefit_to_home="Tooling.",
            would_recommend=True,
            submitted_by=self.uk_staff,
        )
        exchange_services.saved_search_create(
            owner=self.uk_staff, name="Evaluations", team="Evaluations", duration=6
        )
        ExchangeQuota.objects.create(
            programme=self.programme, year=2027, direction="AU_UK", agreed=Decimal("12")
        )
        self.au_applicant = UserFactory(institute=self.au, full_name="Ana Applicant")
        self.draft_application = self.draft(applicant=self.au_applicant)
        self.submitted_application = self.submitted(
            applicant=UserFactory(institute=self.au, full_name="Abi Submitted"),
            line_manager=self.au_manager,
        )
        # Handover: a UK document, handed over to the AU staff member.
        self.document = make_document(self.uk_staff, title="Evaluation protocol")
        self.handover = make_handover(self.uk_staff, [self.au_staff], [self.document])
        handover_services.version_download(version=self.document.versions.get(), user=self.uk_staff)
        # Rows the admin shows that the journeys above do not make.
        self.group = Group.objects.order_by("pk").first() or Group.objects.create(name="Staff")
        EmailAddress.objects.get_or_create(
            user=self.uk_staff, email=self.uk_staff.email, defaults={"verified": True}
        )
        SocialAccount.objects.create(
            user=self.au_staff, provider="openid_connect", uid="au-1", extra_data={"sub": "au-1"}
        )
        sso, _ = SingleSignOn.objects.get_or_create(
            institute=self.uk, defaults={"provider_id": "uk-idp"}
        )
        sso.domains.set(self.uk.domains.all())
        Authenticator.objects.update(last_used_at=NOW)
        Preference.objects.get_or_create(
            user=self.uk_staff, kind="milestone_due", defaults={"delivery": "digest"}
        )
        digest, _ = Digest.objects.get_or_create(
            recipient=self.uk_staff,
            local_date=TODAY,
            defaults={"time_zone": "Europe/London", "sent_at": NOW},
        )
        Reminder.objects.get_or_create(
            recipient=self.uk_staff,
            kind="milestone_due",
            window="d7",
            object_id=self.milestone.pk,
            content_type=ContentType.objects.get_for_model(self.milestone),
            defaults={"due_at": NOW, "digest": digest},
        )
        self.notification = Notification.objects.filter(recipient=self.uk_staff).first()
        # An API token and a webhook endpoint with one delivery (admin screens of their own).
        PersonalAccessToken.objects.create(
            user=self.uk_staff,
            name="Reporting script",
            prefix="hostile01",
            secret_hash="0" * 64,
            expires_at=NOW + datetime.timedelta(days=30),
        )
        event_type = Delivery._meta.get_field("event_type").choices[0][0]
        endpoint = Endpoint.objects.create(
            institute=self.uk,
            name="Reporting",
            url="https://hooks.example.org/portal",
            event_types=[event_type],
            secret="s" * 40,
            created_by=self.admin,
        )
        Delivery.objects.create(
            endpoint=endpoint,
            event_type=Delivery._meta.get_field("event_type").choices[0][0],
            payload={"hello": "world"},
        )
