"""Demo data: both institutes, one person per role at each, and each app's own examples.

Safe to run more than once: what exists is left as it is, and passwords are printed only
for people created by this run.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import seed_people
from portal.demo import seeds


class Command(BaseCommand):
    help = "Create demo institutes, people and example records (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        created = seed_people()
        for seed in seeds.entries():
            seed(stdout=self.stdout)

        if created:
            self.stdout.write(self.style.SUCCESS("Demo people created (passwords shown once):"))
            for email, password, roles in created:
                role_text = ", ".join(r.label for r in roles) or "Staff"
                self.stdout.write(f"  {email:34} {password}   {role_text}")
            self.stdout.write(
                "Programme managers and admins are asked to set up an authenticator app "
                "at their first sign-in."
            )
        else:
            self.stdout.write("Demo data already present; nothing new created.")
