from django.shortcuts import render
from django.utils import timezone

from members.access import member_required

from .selectors import levies_for_member


@member_required
def index(request):
    """The member's practices' list sizes, levy rates, expected levies and what has been remitted."""
    summaries = levies_for_member(user=request.user, today=timezone.localdate())
    return render(request, "levies/index.html", {"summaries": summaries})
