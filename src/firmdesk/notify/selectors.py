from django.db.models import Q

from .models import Notification


def notifications_visible(*, user, firm_ids):
    """``user``'s own notifications, of no firm or of a firm in ``firm_ids``
    (those they may act for now): one about a firm they lost access to stays
    hidden."""
    return Notification.objects.filter(user=user).filter(
        Q(firm__isnull=True) | Q(firm_id__in=firm_ids)
    )
