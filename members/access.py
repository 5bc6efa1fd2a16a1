"""Guards for the members area. Objects are always fetched through selectors
scoped to the user's practices, so another practice's object is a 404."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render

from .selectors import user_is_member


def _no_practice(request):
    return render(request, "members/no_practice.html", status=403)


def member_required(view):
    """Require a logged-in user with at least one active practice membership."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_is_member(user=request.user):
            return _no_practice(request)
        return view(request, *args, **kwargs)

    return wrapper


class MemberRequiredMixin(LoginRequiredMixin):
    """Class-based form of `member_required`."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_is_member(user=request.user):
            return _no_practice(request)
        return super().dispatch(request, *args, **kwargs)
