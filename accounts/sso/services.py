"""Writes for single sign-on: a person's details from their provider's claims."""

from django.db import transaction

from ..models import User
from .selectors import provider_configured

NAME_MAX = User._meta.get_field("full_name").max_length
JOB_TITLE_MAX = User._meta.get_field("job_title").max_length


def user_profile_from_claims(*, claims: dict, provider_id: str) -> dict[str, str]:
    """Name and (if the provider sends one) job title, as the portal stores them."""
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    provider = provider_configured(provider_id)
    job_title = claims.get(provider["job_title_claim"]) if provider else None
    return {
        "full_name": name.strip()[:NAME_MAX],
        "job_title": job_title.strip()[:JOB_TITLE_MAX] if isinstance(job_title, str) else "",
    }


@transaction.atomic
def user_fill_from_claims(*, user: User, claims: dict, provider_id: str) -> list[str]:
    """Fills an existing person's blank name and job title from the provider.

    What the person or an admin has entered in the portal is kept.
    """
    profile = user_profile_from_claims(claims=claims, provider_id=provider_id)
    changed = [field for field, value in profile.items() if value and not getattr(user, field)]
    for field in changed:
        setattr(user, field, profile[field])
    if changed:
        user.save(update_fields=changed)
    return changed
