"""The reference data loader shared by migration 0002 and the post_migrate
handler (scheduling/apps.py). Not a migration: its name starts with "_"."""


def load(apps, using="default"):
    from firmdesk.scheduling import reference

    Court = apps.get_model("scheduling", "Court")
    DeadlineRule = apps.get_model("scheduling", "DeadlineRule")
    DeclaredHoliday = apps.get_model("scheduling", "DeclaredHoliday")
    for code, name, jurisdiction, zone in reference.FEDERAL_DISTRICT_COURTS:
        Court.objects.using(using).update_or_create(
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
        DeadlineRule.objects.using(using).update_or_create(
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
        DeclaredHoliday.objects.using(using).update_or_create(
            day=day, defaults={"name": name, "source": "FRCP 6(a)(6)(B)"}
        )
