import datetime

import factory

from notifications.models import Notification
from programmes.models import Programme
from tests.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "application_submitted"
    subject = factory.Sequence(lambda n: f"Notice {n}")
    body = "Something happened that concerns you."
    url = "/"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Programme {n}")
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2027, 1, 1)

    @factory.post_generation
    def managers(self, create, extracted, **kwargs):
        if create and extracted:
            self.managers.set(extracted)
