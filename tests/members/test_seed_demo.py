import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command


def row_counts() -> dict[str, int]:
    """Count every row the demo might create, across all project apps."""
    labels = {"members", "privacy", "enquiries", "levies", "programmes", "mail", "voice"}
    counts = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in labels and not model._meta.object_name.startswith("Historical")
    }
    counts["EmailAddress"] = EmailAddress.objects.count()
    return counts


@pytest.mark.django_db
def test_seed_demo_twice_leaves_the_same_counts():
    call_command("seed_demo", stdout=None)
    first = row_counts()

    call_command("seed_demo")

    assert row_counts() == first
    assert first["members.Practice"] >= 12
    assert first["members.PCN"] >= 3


@pytest.mark.django_db
def test_seed_demo_gives_every_role_and_every_staff_group():
    from members.models import Membership, User
    from members.permissions import STAFF_GROUPS

    call_command("seed_demo")

    roles = set(Membership.objects.values_list("role", flat=True))
    assert {"gp_partner", "salaried_gp", "practice_manager", "assistant_manager"} <= roles
    for group in STAFF_GROUPS:
        assert User.objects.filter(groups__name=group, is_staff=True).exists(), group
