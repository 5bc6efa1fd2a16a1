from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import redirect


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

    Each request pushes the expiry forward, so only inactivity logs them out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.user.is_staff:
            request.session.set_expiry(settings.LMC_STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)
