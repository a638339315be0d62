"""Migration 0004 keeps which checklist items were ticked when the texts leave
the task row, and going back restores the texts from the playbook version."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("work", "0003_task_closed_at")]
AFTER = [("work", "0004_task_checklist_ticked")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    """Going back to 0003 also takes every later migration of work (and what
    depends on them) away: put the whole schema back to the latest, so the
    tests after this one (the browser tests share this database) find it."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_ticks_survive_the_move_and_the_way_back():
    apps = migrate(BEFORE)
    Organization = apps.get_model("orgs", "Organization")
    Playbook = apps.get_model("work", "Playbook")
    PlaybookVersion = apps.get_model("work", "PlaybookVersion")
    Task = apps.get_model("work", "Task")
    firm = Organization._default_manager.create(
        name="Hale & Ortiz LLP", slug="hale-ortiz"
    )
    playbook = Playbook._default_manager.create(firm=firm, function="scheduling")
    items = ["Entered in the calendar", "Reminder set", "Client told"]
    version = PlaybookVersion._default_manager.create(
        firm=firm,
        playbook=playbook,
        number=1,
        title="Calendar a court date",
        steps="1. Read the order.",
        definition_of_done=items,
    )
    checklist = [{"text": t, "done": i != 1} for i, t in enumerate(items)]
    half = Task._default_manager.create(
        firm=firm,
        function="scheduling",
        title="Calendar the hearing",
        playbook_version=version,
        checklist=checklist,
    )
    untouched = Task._default_manager.create(
        firm=firm,
        function="scheduling",
        title="Calendar the deposition",
        playbook_version=version,
        checklist=[{"text": t, "done": False} for t in items],
    )
    odd = Task._default_manager.create(
        firm=firm,
        function="scheduling",
        title="Written by hand",
        checklist=[{"text": "No tick recorded"}, {"text": "Ticked", "done": True}],
    )
    empty = Task._default_manager.create(
        firm=firm, function="scheduling", title="No playbook", checklist=[]
    )

    apps = migrate(AFTER)
    Task = apps.get_model("work", "Task")
    assert Task._default_manager.get(pk=half.pk).checklist_ticked == [0, 2]
    assert Task._default_manager.get(pk=untouched.pk).checklist_ticked == []
    assert Task._default_manager.get(pk=odd.pk).checklist_ticked == [1]
    assert Task._default_manager.get(pk=empty.pk).checklist_ticked == []

    apps = migrate(BEFORE)
    Task = apps.get_model("work", "Task")
    assert Task._default_manager.get(pk=half.pk).checklist == checklist
    migrate(AFTER)
