from django import template

register = template.Library()


@register.filter
def reminder_label(minutes) -> str:
    """1440 -> '1 day before'; 90 -> '1 hour 30 minutes before'."""
    minutes = int(minutes)
    if minutes == 0:
        return "at the start"
    parts = []
    for size, name in ((7 * 1440, "week"), (1440, "day"), (60, "hour"), (1, "minute")):
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count} {name}{'' if count == 1 else 's'}")
    return " ".join(parts) + " before"
