from .models import Membership, Organization


def provider_administered_by(*, user, provider_slug: str) -> Organization | None:
    """The provider ``provider_slug`` if ``user`` is one of its admins (an
    active membership with the provider_admin role), else None."""
    membership = (
        Membership.objects.filter(
            user=user,
            is_active=True,
            organization__slug=provider_slug,
            organization__kind=Organization.Kind.PROVIDER,
        )
        .select_related("organization")
        .first()
    )
    if membership is None or "provider_admin" not in membership.roles:
        return None
    return membership.organization
