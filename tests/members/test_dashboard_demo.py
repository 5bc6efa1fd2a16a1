"""The seeded demo shows every kind of dashboard item to the documented demo practice manager.

The dashboard tests in test_dashboard.py build their own rows; this one runs the real `seed_demo`
and logs in through the login form as the README's "Demo logins" practice manager, so a demo that
stops showing a feature fails here.
"""

import re

from django.core.management import call_command
from django.urls import reverse

from enquiries.models import Enquiry
from members.demo import DEMO_PASSWORD
from members.models import Practice

DEMO_MANAGER = "manager@riverside.example.org"  # README, "Demo logins"


def card(page: str, testid: str) -> str:
    """The HTML of one dashboard card, by its data-testid."""
    match = re.search(rf'data-testid="{testid}"(.*?)</div></div></div>', page, re.S)
    assert match, f"the dashboard has no {testid} card"
    return match.group(1)


def test_demo_manager_sees_each_kind_of_item_and_nothing_of_another_practice(db, client):
    call_command("seed_demo", stdout=None)
    response = client.post(reverse("account_login"), {"login": DEMO_MANAGER, "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("members:dashboard")
    page = response.content.decode()

    enquiries = card(page, "dashboard-enquiries")
    assert "We'll contact you by" in enquiries or "Overdue, sorry" in enquiries  # an open enquiry and its promise
    assert "New message from the LMC" in enquiries
    programme = card(page, "dashboard-programme")
    booking = re.search(r'data-testid="dashboard-booking">(.*?)</li>', programme, re.S)
    assert booking, "no upcoming booking"
    assert "Add to calendar" in booking.group(1)
    assert 'data-testid="dashboard-goal"' in programme
    levies = card(page, "dashboard-levies")
    assert "Riverside Medical Practice" in levies
    # This quarter's status, in words and a symbol.
    assert re.search(r'data-testid="dashboard-levy">.*class="levy-state-icon"', levies, re.S)
    assert "Open for your views" in card(page, "voice-card")

    others = Practice.objects.exclude(memberships__user__email=DEMO_MANAGER)
    other_references = list(Enquiry.objects.filter(practice__in=others).values_list("reference", flat=True))
    assert other_references  # the demo has other practices' enquiries that could leak
    for reference in other_references:
        assert reference not in page
    for practice in others:
        assert practice.name not in page
