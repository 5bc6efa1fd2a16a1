"""Every database constraint speaks to a person: a violation through a form says what to change.

Driven from the model registry, so a new CheckConstraint or UniqueConstraint without a
`violation_error_message` fails here. ModelAdmin forms run `validate_constraints`, so the message on
the constraint is what a member of staff reads in the admin.
"""

from datetime import date

import pytest
from django.apps import apps
from django.db.models import BaseConstraint, CheckConstraint, UniqueConstraint

from levies.models import LevyRate
from tests.conftest import give_totp
from tests.factories import MembershipFactory, PracticeFactory, StaffFactory, UserFactory

PROJECT_APPS = {"members", "privacy", "enquiries", "levies", "programmes", "mail", "voice"}


def project_constraints() -> list[tuple[str, BaseConstraint]]:
    return [
        (f"{model._meta.label}.{constraint.name}", constraint)
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        for constraint in model._meta.constraints
        if isinstance(constraint, (CheckConstraint, UniqueConstraint))
    ]


def test_the_registry_finds_the_constraints():
    assert len(project_constraints()) > 50


@pytest.mark.parametrize(("label", "constraint"), project_constraints(), ids=[label for label, _ in project_constraints()])
def test_every_constraint_has_a_message_for_a_person(label, constraint):
    message = constraint.violation_error_message
    assert message, f"{label} needs a violation_error_message"
    assert message != constraint.default_violation_error_message, f"{label} needs a violation_error_message"
    assert constraint.name not in message
    assert message.rstrip().endswith("."), f"{label}: a message is a sentence"


@pytest.fixture
def admin_client(client, db):
    superuser = StaffFactory(is_superuser=True)
    give_totp(superuser)
    client.force_login(superuser)
    return client


def test_admin_duplicate_levy_rate_says_to_change_the_existing_rate(admin_client):
    LevyRate.objects.create(financial_year="2026/27", kind="statutory", pence_per_patient="42", date_approved=date(2026, 3, 1))

    response = admin_client.post(
        "/admin/levies/levyrate/add/",
        {"financial_year": "2026/27", "kind": "statutory", "pence_per_patient": "43", "date_approved": "2026-03-02", "note": ""},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is already a rate for this levy in this financial year. Change that rate instead." in content
    assert "already exists" not in content
    assert "is violated" not in content


def test_admin_second_membership_at_a_practice_says_to_change_the_role(admin_client):
    membership = MembershipFactory()

    response = admin_client.post(
        "/admin/members/membership/add/",
        {"user": membership.user.pk, "practice": membership.practice.pk, "role": "gp_partner", "is_active": "on"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "This person is already a member of this practice. Change their existing role instead." in content
    assert "already exists" not in content
    assert "is violated" not in content


def test_admin_list_size_for_a_mid_quarter_date_names_the_quarter_days(admin_client):
    practice = PracticeFactory()

    response = admin_client.post(
        "/admin/levies/listsize/add/",
        {"practice": practice.pk, "quarter_start": "2026-05-14", "patients": "9000", "source": "manual"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "1 April, 1 July, 1 October or 1 January" in content
    assert "is violated" not in content


def test_user_with_the_same_email_in_capitals_is_refused_in_words(db):
    from django.core.exceptions import ValidationError

    UserFactory(email="helen@riverside.example.org")
    twin = UserFactory.build(email="Helen@Riverside.example.org")

    with pytest.raises(ValidationError) as refused:
        twin.validate_constraints()

    assert "Someone already has an account with this email address" in str(refused.value)
