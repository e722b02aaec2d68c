"""Factories for programmes, projects, members and milestones."""

import datetime

import factory

from accounts.models import Role
from programmes.models import (
    MembershipRole,
    Milestone,
    Project,
    ProjectMembership,
)
from tests.factories import InstituteFactory, ProgrammeFactory, UserFactory, enable_totp

START = datetime.date(2026, 1, 1)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"JRP-{n:03d}")
    title = factory.Sequence(lambda n: f"Joint project {n}")
    lead_institute = factory.LazyFunction(lambda: InstituteFactory(uk=True))
    status = "active"
    start_date = START
    end_date = datetime.date(2028, 12, 31)

    @factory.post_generation
    def partner_institutes(self, create, extracted, **kwargs):
        if create:
            self.partner_institutes.set(extracted or [InstituteFactory(au=True)])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMembership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    institute = factory.LazyAttribute(lambda m: m.user.institute)
    role = MembershipRole.RESEARCHER


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    owner = factory.LazyAttribute(
        lambda m: (
            MembershipFactory(
                project=m.project, user=UserFactory(institute=m.project.lead_institute)
            ).user
        )
    )
    due_date = datetime.date(2027, 3, 31)
    baseline_due_date = factory.LazyAttribute(lambda m: m.due_date)


def programme_manager(*, institute, programme=None, mfa=True):
    """A person with the programme manager role (and MFA), managing ``programme``."""
    user = UserFactory(institute=institute, roles=[Role.PROGRAMME_MANAGER])
    if mfa:
        enable_totp(user)
    if programme is not None:
        programme.managers.add(user)
    return user
