"""The LMC staff groups. Staff rights come from these groups, never from is_superuser."""

OFFICERS = "LMC officers"
TRIAGE_LEAD = "Triage lead"
LEVY_ADMIN = "Levy administrator"
PROGRAMME_ADMIN = "Programme administrator"
STAFF_GROUPS = (OFFICERS, TRIAGE_LEAD, LEVY_ADMIN, PROGRAMME_ADMIN)
