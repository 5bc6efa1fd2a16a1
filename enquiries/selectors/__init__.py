"""Read-side enquiry queries; import from `enquiries.selectors`.

Every public name is listed here, so a reader (and a type checker) sees the
package's interface in one place.
"""

from .data_protection import (
    enquiries_past_retention,
    enquiries_visible_to_staff,
    enquiry_is_visible_to_staff,
    enquiry_subject_access_refusal,
    restricted_enquiries_orphaned_by,
    restriction_officer_choices,
    retention_years_by_topic,
)
from .member import (
    TimelineEntry,
    enquiry_get_for_member,
    enquiry_list_for_member,
    enquiry_timeline_for_member,
    pcn_support_pause_current,
)
from .reminders import (
    AWAITING_FIRST_CONTACT,
    enquiries_breached_unreminded,
    enquiries_due_soon_unreminded,
)
from .staff import (
    TRIAGE_ORDERING,
    enquiry_list_for_triage,
    sla_state_expression,
    support_overview,
)

__all__ = [
    "enquiries_visible_to_staff",
    "enquiry_is_visible_to_staff",
    "restricted_enquiries_orphaned_by",
    "enquiry_subject_access_refusal",
    "restriction_officer_choices",
    "retention_years_by_topic",
    "enquiries_past_retention",
    "TimelineEntry",
    "enquiry_get_for_member",
    "enquiry_list_for_member",
    "enquiry_timeline_for_member",
    "pcn_support_pause_current",
    "AWAITING_FIRST_CONTACT",
    "enquiries_breached_unreminded",
    "enquiries_due_soon_unreminded",
    "sla_state_expression",
    "enquiry_list_for_triage",
    "support_overview",
    "TRIAGE_ORDERING",
]
