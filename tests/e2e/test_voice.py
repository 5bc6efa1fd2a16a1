"""A practice manager answers a consultation from the dashboard, then sees "You said, we did" (1280 and 390 px)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Membership
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import PASSWORD, MembershipFactory
from tests.voice.factories import survey_with_questions
from voice import services
from voice.models import Response, Survey


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_practice_manager_answers_from_the_dashboard_then_sees_you_said_we_did(page, width, height):
    page.set_viewport_size({"width": width, "height": height})
    manager = MembershipFactory(role=Membership.Role.PRACTICE_MANAGER, user__first_name="Priya").user
    survey = survey_with_questions(
        title="Premises: what should we ask the ICB for?",
        audience="role",
        audience_role=Membership.Role.PRACTICE_MANAGER,
    )

    log_in(page, manager.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    assert_accessible(page)
    page.get_by_test_id("voice-card").get_by_role("link", name=survey.title).click()
    page.wait_for_url(f"**/voice/{survey.pk}/")
    expect(page.get_by_test_id("what-we-keep")).to_contain_text("anonymous")
    assert_accessible(page)

    # Forgetting a required question shows the error at the question and a summary; nothing is lost.
    page.get_by_label("Funding").check()
    page.get_by_label("Anything else? (optional)").fill("Rent reimbursement is years behind.")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Question 1: Choose an answer to this question.")).to_be_visible()
    expect(page.get_by_label("Funding")).to_be_checked()
    expect(page.get_by_label("Anything else? (optional)")).to_have_value("Rent reimbursement is years behind.")
    assert_accessible(page)

    page.get_by_label("Yes").check()
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_test_id("thanks")).to_contain_text(survey.title)
    assert_accessible(page)
    assert Response.objects.filter(survey=survey).count() == 1

    # Staff close the consultation and publish what they did.
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    survey.refresh_from_db()
    survey.you_said_we_did = "You said premises funding is behind. We did: the ICB will clear the backlog by March."
    survey.save()
    services.you_said_we_did_publish(survey=survey)

    page.goto(f"/voice/{survey.pk}/")
    expect(page.get_by_test_id("you-said-we-did")).to_contain_text("the ICB will clear the backlog by March")
    expect(page.get_by_test_id("already-responded")).to_be_visible()
    assert_accessible(page)


def test_staff_see_results_as_charts_and_satisfaction_on_the_support_overview(page):
    from members.permissions import OFFICERS
    from tests.conftest import give_totp
    from tests.e2e.test_triage import log_in_with_totp
    from tests.factories import StaffFactory
    from tests.voice.factories import good_answers

    survey = survey_with_questions(title="Winter pressures")
    for _ in range(5):
        services.response_submit(survey=survey, user=MembershipFactory().user, data=good_answers(survey))
    feedback = Survey.objects.get(purpose=Survey.Purpose.SUPPORT_FEEDBACK)
    satisfied = feedback.questions.get(kind="scale")
    for score in (5, 4, 4, 3, 5):
        response = Response.objects.create(survey=feedback, submitted_on=timezone.localdate(), service="LMS", topic="Workforce")
        response.answers.create(question=satisfied, scale=score)
    officer = StaffFactory(groups=[OFFICERS])
    log_in_with_totp(page, officer, give_totp(officer))

    single, multiple, scale, _ = survey.questions.all()
    page.goto(f"/admin/voice/survey/{survey.pk}/results/")
    page.wait_for_function(
        f"() => typeof Chart !== 'undefined' && Chart.getChart('chart-{single.pk}') && Chart.getChart('chart-{scale.pk}')"
    )
    expect(page.get_by_test_id("total")).to_contain_text("5 responses")
    assert_accessible(page)

    page.goto(f"/admin/voice/survey/{survey.pk}/change/")
    expect(page.get_by_role("link", name="Preview as members see it")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Preview as members see it").click()
    expect(page.get_by_test_id("preview-banner")).to_be_visible()
    expect(page.get_by_role("button", name="Send my answers")).to_have_count(0)
    assert_accessible(page)

    page.goto("/admin/enquiries/enquiry/overview/")
    page.wait_for_function("() => typeof Chart !== 'undefined' && Chart.getChart('satisfaction-chart')")
    expect(page.get_by_test_id("support-satisfaction")).to_contain_text("4.2")
    assert_accessible(page)


def test_a_member_gives_feedback_from_the_emailed_link_once(page, mailoutbox):
    import re

    from enquiries.models import Status
    from tests.enquiries.factories import EnquiryFactory

    page.set_viewport_size({"width": 390, "height": 844})
    closed_at = timezone.now() - timedelta(days=5)
    enquiry = EnquiryFactory(
        submitted_at=closed_at - timedelta(days=20),
        first_contact_due_at=closed_at - timedelta(days=15),
        first_contact_at=closed_at - timedelta(days=16),
        status=Status.CLOSED,
        outcome="Agreed a new rota.",
        closed_at=closed_at,
    )
    services.feedback_invitations_send_due()
    link = re.search(r"(/voice/feedback/[\w-]+/)", mailoutbox[0].body).group(1)

    log_in(page, enquiry.submitted_by.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("How did we do?")
    assert_accessible(page)
    page.get_by_label("5 – Very satisfied").check()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_test_id("thanks")).to_be_visible()
    assert_accessible(page)

    page.goto(link)
    expect(page.get_by_test_id("feedback-unusable")).to_contain_text("already given your feedback")
    assert_accessible(page)
