"""An exchange, a joint project and a handover between the UK and Australian institutes,
built through the services on a fixed day, and API clients holding tokens."""

import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from api import services as api_services
from handover.models import HandoverStatus
from programmes.models import MembershipRole
from tests.exchange.factories import OpportunityFactory, World
from tests.factories import UserFactory
from tests.handover.factories import make_document, make_handover
from tests.programmes.factories import MembershipFactory, MilestoneFactory, ProjectFactory

TODAY = datetime.datetime(2026, 8, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(TODAY, tick=True):
        yield


def token_for(user, *, scope="read_write", days=30, mfa_done=True) -> str:
    _token, raw = api_services.token_create(
        actor=user, name="Tests", scope=scope, expires_in_days=days, mfa_done=mfa_done
    )
    return raw


def api_client(user=None, **token_options) -> APIClient:
    """A client sending ``user``'s token (no token at all for None)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user, **token_options)}")
    return client


class ApiWorld(World):
    """The exchange's world, plus a secondment, a project with a milestone owned by the
    UK researcher, a draft opportunity, and a UK document handed over to the AU researcher."""

    def __init__(self):
        super().__init__()
        self.application = self.submitted()
        self.accepted_application, self.secondment = self.accepted(
            applicant=UserFactory(institute=self.uk, full_name="Sam Secondee")
        )
        self.draft_opportunity = OpportunityFactory(
            programme=self.programme, host_institute=self.au, status="draft"
        )
        self.project = ProjectFactory(
            programme=self.programme, lead_institute=self.uk, partner_institutes=[self.au]
        )
        MembershipFactory(project=self.project, user=self.uk_staff, role=MembershipRole.RESEARCHER)
        self.milestone = MilestoneFactory(project=self.project, owner=self.uk_staff)
        self.document = make_document(self.uk_staff, title="Evaluation report")
        self.handover = make_handover(self.uk_staff, [self.au_staff], [self.document])
        assert self.handover.status == HandoverStatus.SENT

    def stranger(self, like):
        """Someone at ``like``'s institute with no part in anything."""
        return UserFactory(institute=like.institute, full_name="Nia Nobody")

    def foreigner(self, like):
        """Someone at the partner institute (of ``like``) with no part in anything."""
        other = self.au if like.institute_id == self.uk.pk else self.uk
        return UserFactory(institute=other, full_name="Fen Foreign")


@pytest.fixture
def world(db):
    return ApiWorld()
