"""Demo people: both institutes and one person per role at each.

Safe to run more than once: what exists is left as it is, and a password is returned
only for a person created by this run.
"""

import secrets

from allauth.account.models import EmailAddress

from .models import ClassificationScheme, Role, User
from .services import institute_upsert, role_groups_ensure, user_grant_role

INSTITUTES = [
    {
        "code": "UK-AISI",
        "name": "UK AI Security Institute",
        "country": "GBR",
        "time_zone": "Europe/London",
        "classification_scheme": ClassificationScheme.UK,
        "subdivision": "ENG",
        "domains": ["aisi.example.gov.uk"],
    },
    {
        "code": "AU-AISI",
        "name": "Australian AI Safety Institute",
        "country": "AUS",
        "time_zone": "Australia/Sydney",
        "classification_scheme": ClassificationScheme.AU,
        "subdivision": "ACT",
        "domains": ["aisi.example.gov.au"],
    },
]

# (email local part, full name, job title, roles) per institute code.
PEOPLE = {
    "UK-AISI": [
        ("researcher", "Priya Shah", "Research Scientist", []),
        ("manager", "Tom Ellis", "Head of Evaluations", []),
        ("programmes", "Grace Okafor", "Programme Manager", [Role.PROGRAMME_MANAGER]),
        ("admin", "Owen Price", "Portal Administrator", [Role.INSTITUTE_ADMIN]),
    ],
    "AU-AISI": [
        ("researcher", "Liam Nguyen", "Research Engineer", []),
        ("manager", "Sophie Walker", "Director, Technical Safety", []),
        ("programmes", "Aisha Karim", "Programme Manager", [Role.PROGRAMME_MANAGER]),
        ("admin", "Jack Murray", "Portal Administrator", [Role.INSTITUTE_ADMIN]),
    ],
}


def seed_people() -> list[tuple[str, str, list[Role]]]:
    """Create what is missing; (email, password, roles) of each person created now."""
    role_groups_ensure()
    created = []
    for spec in INSTITUTES:
        institute = institute_upsert(**spec)
        domain = spec["domains"][0]
        nationality = spec["country"]
        for local, full_name, job_title, roles in PEOPLE[spec["code"]]:
            email = f"{local}@{domain}"
            user = User.objects.filter(email=email).first()
            if user is None:
                password = secrets.token_urlsafe(12)
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    full_name=full_name,
                    job_title=job_title,
                    institute=institute,
                    time_zone=institute.time_zone,
                    nationality=nationality,
                )
                created.append((email, password, roles))
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            for role in roles:
                user_grant_role(user=user, role=role)
    return created
