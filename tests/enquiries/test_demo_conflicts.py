"""The demo shows conflicts of interest: an officer who is a GP partner at Riverside, and a declared PCN conflict."""

import pytest

from enquiries import demo
from enquiries.models import ConflictOfInterest
from enquiries.selectors import enquiries_visible_to_staff
from members import demo as members_demo
from members.models import Membership, User

pytestmark = pytest.mark.django_db


def test_demo_officer_who_is_a_gp_partner_does_not_see_that_practices_enquiries():
    members_demo.seed()
    demo.seed()
    demo.seed()

    officer = User.objects.get(email="gp.officer@lmc.example.org")
    assert officer.is_staff
    assert officer.groups.filter(name="LMC officers").exists()
    assert Membership.objects.get(user=officer).role == Membership.Role.GP_PARTNER
    seen = set(enquiries_visible_to_staff(user=officer).values_list("practice__ods_code", flat=True))
    assert "P81001" not in seen
    assert seen


def test_demo_declares_one_pcn_conflict_once():
    members_demo.seed()
    demo.seed()
    demo.seed()

    conflict = ConflictOfInterest.objects.get()
    assert (conflict.officer.email, conflict.pcn.code, conflict.practice) == ("officer2@lmc.example.org", "U60002", None)
    officer = conflict.officer
    assert not enquiries_visible_to_staff(user=officer).filter(practice__pcn=conflict.pcn).exists()
