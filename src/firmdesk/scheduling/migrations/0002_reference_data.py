"""Load the starter courts, deadline rules and declared holidays."""

from django.db import migrations


def load(apps, schema_editor):
    from firmdesk.scheduling import reference

    Court = apps.get_model("scheduling", "Court")
    DeadlineRule = apps.get_model("scheduling", "DeadlineRule")
    DeclaredHoliday = apps.get_model("scheduling", "DeclaredHoliday")
    for code, name, jurisdiction, zone in reference.FEDERAL_DISTRICT_COURTS:
        Court.objects.update_or_create(
            code=code,
            defaults={"name": name, "jurisdiction": jurisdiction, "time_zone": zone},
        )
    for (
        code,
        jurisdiction,
        citation,
        name,
        trigger,
        offset,
        unit,
        direction,
        extension,
    ) in reference.STARTER_RULES:
        DeadlineRule.objects.update_or_create(
            code=code,
            defaults={
                "jurisdiction": jurisdiction,
                "citation": citation,
                "name": name,
                "trigger": trigger,
                "offset": offset,
                "unit": unit,
                "direction": direction,
                "service_extension": extension,
            },
        )
    for day, name in reference.DECLARED_HOLIDAYS.items():
        DeclaredHoliday.objects.update_or_create(
            day=day, defaults={"name": name, "source": "FRCP 6(a)(6)(B)"}
        )


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
