"""Need-to-know is declared, never assumed: a tenant model that says nothing
about who inside the firm may see its rows fails Django's system checks."""

import pytest
from django.core import checks
from django.db import models
from django.test.utils import isolate_apps

from firmdesk.common.checks import check_need_to_know, tenant_models
from firmdesk.common.models import NeedToKnow, TenantModel
from firmdesk.matters.models import Matter
from firmdesk.orgs.models import User


def test_every_tenant_model_of_firmdesk_declares_need_to_know():
    errors = [e for e in checks.run_checks() if e.id == "firmdesk.E001"]
    assert errors == []
    labels = {m._meta.label for m in tenant_models()}
    # The ones the ethical-screen leak came through, and their neighbours.
    assert {
        "conflicts.ConflictCheck",
        "matters.MatterScreen",
        "engagements.MatterGrant",
        "matters.ContactAlias",
        "matters.ContactRelationship",
        "engagements.Engagement",
        "engagements.Assignment",
        "engagements.ConfidentialityAgreement",
    } <= labels


@isolate_apps("firmdesk.matters")
def test_a_new_tenant_model_without_a_declaration_fails_the_check():
    class Memo(TenantModel):
        text = models.TextField()

        class Meta:
            app_label = "matters"

    errors = check_need_to_know(models=[Memo])
    assert [e.id for e in errors] == ["firmdesk.E001"]
    assert "matters.Memo is client data but declares no need-to-know" in errors[0].msg
    assert "NeedToKnow.through_matter" in errors[0].hint


@isolate_apps("firmdesk.matters")
def test_a_declaration_inherited_from_another_model_does_not_count():
    class Base(TenantModel):
        need_to_know = NeedToKnow.whole_firm(why="Names no client.")

        class Meta:
            abstract = True
            app_label = "matters"

    class Child(Base):
        class Meta:
            app_label = "matters"

    assert [e.id for e in check_need_to_know(models=[Child])] == ["firmdesk.E001"]


@isolate_apps("firmdesk.matters")
@pytest.mark.parametrize(
    ("declaration", "problem"),
    [
        (NeedToKnow.whole_firm(why="  "), "without saying why"),
        (NeedToKnow.by_rule(lambda scope: None, why=""), "without saying why"),
        (NeedToKnow.through_matter("case"), "through 'case', no such field"),
        (NeedToKnow.through_matter("author"), "not client data"),
        (NeedToKnow.through_task("matter"), "which leads to matters.Matter"),
        ("matter", "not a NeedToKnow declaration"),
    ],
)
def test_a_declaration_that_cannot_work_fails_the_check(declaration, problem):
    class Note(TenantModel):
        matter = models.ForeignKey(Matter, on_delete=models.CASCADE)
        author = models.ForeignKey(User, on_delete=models.CASCADE)
        need_to_know = declaration

        class Meta:
            app_label = "matters"

    errors = check_need_to_know(models=[Note])
    assert len(errors) == 1 and problem in errors[0].msg, errors


@isolate_apps("firmdesk.matters")
def test_a_model_declared_through_its_matter_passes():
    class Note(TenantModel):
        matter = models.ForeignKey(Matter, on_delete=models.CASCADE)
        need_to_know = NeedToKnow.through_matter("matter")

        class Meta:
            app_label = "matters"

    assert check_need_to_know(models=[Note]) == []
