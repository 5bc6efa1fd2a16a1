"""Read-side enquiry queries; import from `enquiries.selectors`.

Every public name is listed here, so a reader (and a type checker) sees the
package's interface in one place.
"""

from .data_protection import (
    restricted_enquiries_orphaned_by,
    enquiry_subject_access_refusal,
    restriction_officer_choices,
    retention_years_by_topic,
    enquiries_past_retention,
)
from .member import (
    TimelineEntry,
    enquiry_draft_get_for_member,
    enquiry_file_get_for_member,
    enquiry_get_for_member,
    enquiry_list_for_member,
    enquiry_member_readers,
    enquiry_messages_for_member,
    enquiry_open_count_for_member,
    enquiry_open_list_for_member_dashboard,
    enquiry_sharing_choices,
    enquiry_recent_duplicate,
    enquiry_timeline_for_member,
    pcn_support_pause_current,
)
from .reminders import (
    enquiries_breached_unreminded,
    enquiries_due_soon_unreminded,
)
from .staff import (
    enquiry_list_for_triage,
    enquiry_list_for_staff,
    support_overview,
    support_overview_by_state,
    support_overview_per_officer,
    support_overview_compliance,
    support_overview_per_topic,
    TRIAGE_ORDERING,
)
from .needs_you import enquiry_needs_you_now_for_staff
from .story import StoryEntry, enquiry_story_for_staff
from .visibility import (
    enquiries_visible_to_staff,
    enquiry_is_visible_to_staff,
    officer_is_conflicted_with,
    enquiries_conflicted_for,
    officers_without_conflict,
    enquiries_without_unconflicted_officer,
    unconflicted_officer_exists,
)

__all__ = [
    "enquiry_needs_you_now_for_staff",
    "StoryEntry",
    "enquiry_story_for_staff",
    "restricted_enquiries_orphaned_by",
    "enquiry_subject_access_refusal",
    "restriction_officer_choices",
    "retention_years_by_topic",
    "enquiries_past_retention",
    "TimelineEntry",
    "enquiry_draft_get_for_member",
    "enquiry_file_get_for_member",
    "enquiry_get_for_member",
    "enquiry_list_for_member",
    "enquiry_member_readers",
    "enquiry_messages_for_member",
    "enquiry_open_count_for_member",
    "enquiry_open_list_for_member_dashboard",
    "enquiry_sharing_choices",
    "enquiry_recent_duplicate",
    "enquiry_timeline_for_member",
    "pcn_support_pause_current",
    "enquiries_breached_unreminded",
    "enquiries_due_soon_unreminded",
    "enquiry_list_for_triage",
    "enquiry_list_for_staff",
    "support_overview",
    "support_overview_by_state",
    "support_overview_per_officer",
    "support_overview_compliance",
    "support_overview_per_topic",
    "TRIAGE_ORDERING",
    "enquiries_visible_to_staff",
    "enquiry_is_visible_to_staff",
    "officer_is_conflicted_with",
    "enquiries_conflicted_for",
    "officers_without_conflict",
    "enquiries_without_unconflicted_officer",
    "unconflicted_officer_exists",
]
