"""The demo shows pastoral support: a pastoral officer, signposts, and pastoral requests in different states."""

import pytest

from enquiries import demo, demo_pastoral
from enquiries.models import Enquiry, Signpost
from enquiries.selectors import enquiries_visible_to_staff, enquiry_list_for_member
from members import demo as members_demo
from members.models import User

pytestmark = pytest.mark.django_db


def test_demo_pastoral_requests_are_seen_by_the_pastoral_officer_and_not_an_ordinary_one():
    members_demo.seed()
    demo.seed()
    demo_pastoral.seed()
    demo_pastoral.seed()

    pastoral = Enquiry.objects.filter(service__slug="pastoral")
    assert pastoral.count() == 3
    assert set(pastoral.values_list("status", flat=True)) == {"submitted", "first_contact", "closed"}
    officer = User.objects.get(email="pastoral@lmc.example.org")
    assert set(enquiries_visible_to_staff(user=officer).filter(service__slug="pastoral")) == set(pastoral)
    ordinary = User.objects.get(email="officer@lmc.example.org")
    assert not enquiries_visible_to_staff(user=ordinary).filter(service__slug="pastoral").exists()
    salaried = User.objects.get(email="salaried@riverside.example.org")
    manager = User.objects.get(email="manager@riverside.example.org")
    gmc = pastoral.get(topic="gmc")
    assert gmc in enquiry_list_for_member(user=salaried)
    assert gmc not in enquiry_list_for_member(user=manager)


def test_demo_signposts_have_their_public_phone_numbers():
    demo_pastoral.seed()

    phones = dict(Signpost.objects.values_list("name", "phone"))
    assert phones["NHS Practitioner Health"] == "0300 0303 300"
    assert phones["Medical Defence Union (MDU)"] == "0800 716 646"
    assert {"BMA", "Medical Protection Society (MPS)", "MDDUS", "General Medical Council (GMC)"} <= set(phones)
    assert any("Training Hub" in name for name in phones)
