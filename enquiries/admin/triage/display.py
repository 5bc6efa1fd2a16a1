"""How the triage pages write times and officers' names."""

from datetime import datetime

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.functional import cached_property

from members.models import User

__all__ = ["local_time", "officer_name", "CappedCountPaginator"]


def local_time(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def officer_name(user: User | None) -> str:
    return (user.get_full_name() or user.email) if user else ""


class CappedCountPaginator(Paginator):
    """Counts at most `CAP` + 1 rows, as admin sites holding millions of rows do: "1,000+ enquiries".

    The count stops at the cap (`SELECT COUNT(*) FROM (… LIMIT 1001)`), so it
    costs the same at a thousand rows and at a million; the pages past the
    cap are reached by filtering or searching.
    """

    CAP = 1000

    @cached_property
    def count(self) -> int:
        if hasattr(self.object_list, "order_by"):
            return self.object_list.order_by().values("pk")[: self.CAP + 1].count()
        return len(self.object_list)

    @property
    def capped(self) -> bool:
        return self.count > self.CAP

    @property
    def capped_label(self) -> str:
        return f"{self.CAP:,}+"
