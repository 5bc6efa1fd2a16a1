"""Every admin page, as each staff group: what each group may open is pinned here.

The list of pages comes from the admin's own registry (each model's list and
"add" pages, and the admin index), so a new model admin is tried without
anyone remembering to add it. Each group's set of pages it may open is
written out below: a change in who may see what fails this test until the
set is updated on purpose.
"""

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from members.groups import PASTORAL_SUPPORT
from members.permissions import LEVY_ADMIN, OFFICERS, PROGRAMME_ADMIN, TRIAGE_LEAD
from tests.conftest import give_totp
from tests.factories import StaffFactory

GROUPS = {
    "officer": [OFFICERS],
    "triage lead": [TRIAGE_LEAD],
    "pastoral officer": [OFFICERS, PASTORAL_SUPPORT],
    "levy administrator": [LEVY_ADMIN],
    "programme administrator": [PROGRAMME_ADMIN],
    "staff in no group": [],
}


def admin_pages() -> list[str]:
    """Each registered model's list and add pages, as `app.model:changelist` / `app.model:add`."""
    pages = []
    for model in admin.site._registry:
        for view in ("changelist", "add"):
            try:
                reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")
            except NoReverseMatch:
                continue
            pages.append(f"{model._meta.label_lower}:{view}")
    return sorted(pages)


def opened(client, page: str) -> bool:
    label, view = page.split(":")
    app_label, model_name = label.split(".")
    response = client.get(reverse(f"admin:{app_label}_{model_name}_{view}"))
    assert response.status_code in (200, 302, 403), f"{page} answered {response.status_code}"
    return response.status_code == 200


# What each group may open. Row-level rules (restriction, conflicts of interest,
# the pastoral group) are tested where they live; this pins the pages.
ALLOWED: dict[str, set[str]] = {
    "levy administrator": {
        "levies.levyrate:add",
        "levies.levyrate:changelist",
        "levies.listsize:add",
        "levies.listsize:changelist",
        "levies.listsizeimport:changelist",
        "levies.remittance:add",
        "levies.remittance:changelist",
        "members.area:changelist",
        "members.membership:changelist",
        "members.pcn:changelist",
        "members.practice:changelist",
        "members.user:changelist",
    },
    "officer": {
        "enquiries.conflictofinterest:add",
        "enquiries.conflictofinterest:changelist",
        "enquiries.enquiry:changelist",
        "enquiries.pcnsupportpause:changelist",
        "enquiries.signpost:changelist",
        "levies.levyrate:changelist",
        "levies.listsize:changelist",
        "levies.remittance:changelist",
        "mail.outboundemail:changelist",
        "members.area:changelist",
        "members.membership:changelist",
        "members.pcn:changelist",
        "members.practice:changelist",
        "members.user:changelist",
        "voice.survey:add",
        "voice.survey:changelist",
    },
    "pastoral officer": {
        "enquiries.conflictofinterest:add",
        "enquiries.conflictofinterest:changelist",
        "enquiries.enquiry:changelist",
        "enquiries.pcnsupportpause:changelist",
        "enquiries.signpost:changelist",
        "levies.levyrate:changelist",
        "levies.listsize:changelist",
        "levies.remittance:changelist",
        "mail.outboundemail:changelist",
        "members.area:changelist",
        "members.membership:changelist",
        "members.pcn:changelist",
        "members.practice:changelist",
        "members.user:changelist",
        "voice.survey:add",
        "voice.survey:changelist",
    },
    "programme administrator": {
        "members.area:add",
        "members.area:changelist",
        "members.membership:changelist",
        "members.pcn:changelist",
        "members.practice:changelist",
        "members.user:changelist",
        "programmes.area:add",
        "programmes.area:changelist",
        "programmes.aspiringgroup:add",
        "programmes.aspiringgroup:changelist",
        "programmes.booking:changelist",
        "programmes.cohort:add",
        "programmes.cohort:changelist",
        "programmes.enrolment:changelist",
        "programmes.hubemailtemplate:changelist",
        "programmes.leadershipinterest:changelist",
        "programmes.mentoring:add",
        "programmes.mentoring:changelist",
        "programmes.peerreview:add",
        "programmes.peerreview:changelist",
        "programmes.programme:add",
        "programmes.programme:changelist",
        "programmes.session:add",
        "programmes.session:changelist",
        "programmes.training:add",
        "programmes.training:changelist",
        "programmes.traininghub:add",
        "programmes.traininghub:changelist",
        "voice.survey:add",
        "voice.survey:changelist",
    },
    "staff in no group": set(),
    "triage lead": {
        "enquiries.conflictofinterest:add",
        "enquiries.conflictofinterest:changelist",
        "enquiries.enquiry:changelist",
        "enquiries.enquiryaccess:changelist",
        "enquiries.pcnsupportpause:add",
        "enquiries.pcnsupportpause:changelist",
        "enquiries.retentionpolicy:add",
        "enquiries.retentionpolicy:changelist",
        "enquiries.signpost:add",
        "enquiries.signpost:changelist",
        "enquiries.supportservice:add",
        "enquiries.supportservice:changelist",
        "mail.outboundemail:changelist",
        "mail.outboundemailaccess:changelist",
        "members.area:changelist",
        "members.membership:add",
        "members.membership:changelist",
        "members.pcn:add",
        "members.pcn:changelist",
        "members.practice:add",
        "members.practice:changelist",
        "members.user:add",
        "members.user:changelist",
        "privacy.personaldataexport:changelist",
        "voice.survey:add",
        "voice.survey:changelist",
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("group", sorted(GROUPS))
def test_each_staff_group_opens_exactly_its_pinned_admin_pages(client, group):
    user = StaffFactory(groups=GROUPS[group])
    give_totp(user)
    client.force_login(user)

    allowed = {page for page in admin_pages() if opened(client, page)}

    assert allowed == ALLOWED[group]
