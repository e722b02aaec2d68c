import datetime

import factory
from django.utils import timezone

from notifications.models import Notification
from tests.factories import InstituteFactory, ProgrammeFactory, UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "application_submitted"
    subject = factory.Sequence(lambda n: f"Notice {n}")
    body = "Something happened that concerns you."
    url = "/"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programmes.Project"

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"JRP-{n:03d}")
    title = factory.Sequence(lambda n: f"Joint project {n}")
    lead_institute = factory.LazyFunction(lambda: InstituteFactory(uk=True))
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2028, 1, 1)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programmes.Milestone"
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    owner = factory.SubFactory(UserFactory)
    due_date = datetime.date(2026, 12, 31)
    baseline_due_date = factory.SelfAttribute("due_date")

    @factory.post_generation
    def owner_is_member(self, create, extracted, **kwargs):
        """Owners are project members, as the programmes app requires to see it."""
        from programmes.models import ProjectMembership

        if create and extracted is not False:
            ProjectMembership.objects.get_or_create(
                project=self.project,
                user=self.owner,
                defaults={"institute": self.owner.institute or self.project.lead_institute},
            )


class SecondmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exchange.Secondment"

    secondee = factory.SubFactory(
        UserFactory, institute=factory.LazyFunction(lambda: InstituteFactory(uk=True))
    )
    programme = factory.SubFactory(ProgrammeFactory)
    home_institute = factory.LazyFunction(lambda: InstituteFactory(uk=True))
    host_institute = factory.LazyFunction(lambda: InstituteFactory(au=True))
    direction = "UK_AU"
    home_manager = factory.SubFactory(
        UserFactory, institute=factory.LazyFunction(lambda: InstituteFactory(uk=True))
    )
    host_supervisor = factory.SubFactory(
        UserFactory, institute=factory.LazyFunction(lambda: InstituteFactory(au=True))
    )
    title = "Evaluation engineer"
    start_date = datetime.date(2027, 2, 1)
    end_date = datetime.date(2027, 8, 1)
    location = "Canberra"


class ChecklistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exchange.ChecklistItem"

    secondment = factory.SubFactory(SecondmentFactory)
    key = factory.Sequence(lambda n: f"item-{n}")
    title = "Security briefing"
    owner_party = "secondee"
    owner = factory.SelfAttribute("secondment.secondee")
    due_date = datetime.date(2027, 1, 15)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "exchange.Application"

    applicant = factory.SubFactory(
        UserFactory, institute=factory.LazyFunction(lambda: InstituteFactory(uk=True))
    )
    programme = factory.SubFactory(ProgrammeFactory)
    home_institute = factory.LazyFunction(lambda: InstituteFactory(uk=True))
    host_institute = factory.LazyFunction(lambda: InstituteFactory(au=True))
    direction = "UK_AU"
    line_manager = factory.SubFactory(
        UserFactory, institute=factory.LazyFunction(lambda: InstituteFactory(uk=True))
    )
    status = "submitted"
    status_changed_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.SelfAttribute("status_changed_at")
