"""Django admin for enquiries: the triage dashboard and the PCN support pause."""

from . import pause, triage  # noqa: F401
