from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Programme(models.Model):
    """A joint programme under the memorandum of understanding.

    Its managers (from either institute) are the programme managers for everything in it:
    its projects and milestones, and the exchange pipeline of its opportunities.
    """

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    agreement_reference = models.CharField(
        max_length=100, blank=True, help_text="The MoU or arrangement this programme runs under."
    )
    start_date = models.DateField()
    end_date = models.DateField()
    institutes = models.ManyToManyField(
        "accounts.Institute", related_name="programmes", help_text="The partner institutes."
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="managed_programmes", blank=True
    )
    reciprocity_target_months = models.PositiveIntegerField(
        "reciprocity target (person-months per direction per year)", default=0
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[managers])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")), name="programme_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:programme_detail", args=[self.pk])
