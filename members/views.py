from allauth.account.utils import perform_login
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import services
from .selectors import memberships_for_user


def home(request):
    if request.user.is_authenticated:
        return redirect("members:dashboard")
    return redirect("account_login")


@login_required
def dashboard(request):
    memberships = list(memberships_for_user(user=request.user))
    return render(request, "members/dashboard.html", {"memberships": memberships})


@login_required
def account(request):
    """One page for the person's account: name, email, practices and roles, password, two-factor, their data."""
    from allauth.mfa.utils import is_mfa_enabled

    memberships = list(memberships_for_user(user=request.user))
    return render(request, "members/account.html", {"memberships": memberships, "mfa_enabled": is_mfa_enabled(request.user)})


@login_required
def staff_mfa_required(request):
    return render(request, "members/staff_mfa_required.html")


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
def accept_invitation(request, uidb64: str, token: str):
    user = services.invitation_user(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "members/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, "Your password is set and you are now logged in.")
        return perform_login(request, user, redirect_url="/dashboard/")
    return render(request, "members/accept_invitation.html", {"form": form, "invited_user": user})
