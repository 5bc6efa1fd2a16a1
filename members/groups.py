"""The LMC staff groups. Staff rights come from these groups, never from is_superuser."""

OFFICERS = "LMC officers"
TRIAGE_LEAD = "Triage lead"
LEVY_ADMIN = "Levy administrator"
PROGRAMME_ADMIN = "Programme administrator"
STAFF_GROUPS = (OFFICERS, TRIAGE_LEAD, LEVY_ADMIN, PROGRAMME_ADMIN)
# Sees and works the requests to Pastoral and professional support (enquiries migration 0017).
# Not in STAFF_GROUPS: it is a service's group, joined on top of a staff role.
PASTORAL_SUPPORT = "Pastoral support"
