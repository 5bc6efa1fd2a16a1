import time

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control


class StaffMFAMiddleware:
    """Keep staff out of the admin until they have an authenticator app set up."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.LMC_ADMIN_PATH

    def __call__(self, request):
        if (
            settings.LMC_STAFF_MFA_REQUIRED
            and request.path.startswith(self.admin_prefix)
            and request.user.is_authenticated
            and request.user.is_staff
            and not is_mfa_enabled(request.user)
        ):
            return redirect("members:staff_mfa_required")
        return self.get_response(request)


class StaffSessionIdleMiddleware:
    """End a staff member's session after LMC_STAFF_SESSION_IDLE_SECONDS without a request.

    Activity pushes the expiry forward. The session is re-saved at most once
    a minute, so the timeout is accurate to a minute without a database write
    on every admin page.
    """

    TOUCH_INTERVAL_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff
            and time.time() - request.session.get("staff_seen_at", 0) >= self.TOUCH_INTERVAL_SECONDS
        ):
            start_staff_idle_clock(request)
        return self.get_response(request)


def start_staff_idle_clock(request) -> None:
    request.session["staff_seen_at"] = int(time.time())
    request.session.set_expiry(settings.LMC_STAFF_SESSION_IDLE_SECONDS)


class NoStoreWhenSignedInMiddleware:
    """Send every response to a signed-in person with `Cache-Control: no-store, private`.

    On a shared computer in a practice, the browser (and any cache between it
    and us) must not keep a copy of an enquiry, a levy statement, a calendar
    file or an export for the next person at the keyboard to find with Back
    or in the cache. Anything already in the header (the admin's never_cache)
    is kept and tightened, never loosened.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
