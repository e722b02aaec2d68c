"""seed_demo gives the exchange realistic data, and running it twice adds nothing."""

import io

from django.core.management import call_command

from exchange.models import Application, Opportunity, Secondment


def test_seed_demo_covers_every_state_both_ways_and_is_idempotent(db):
    call_command("seed_demo", stdout=io.StringIO())
    assert set(Application.objects.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "endorsed",
        "accepted",
        "returned",
        "declined",
        "withdrawn",
    }
    assert set(Secondment.objects.values_list("direction", "status")) == {
        ("UK_AU", "planning"),
        ("AU_UK", "ready"),
    }
    assert set(Opportunity.objects.values_list("host_institute__code", flat=True)) == {
        "UK-AISI",
        "AU-AISI",
    }
    counts = (Opportunity.objects.count(), Application.objects.count())
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert (Opportunity.objects.count(), Application.objects.count()) == counts
    assert "Exchange: demo data already present." in out.getvalue()
