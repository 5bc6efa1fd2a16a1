from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.urls import include, path

# The admin login goes through allauth, so it is rate limited and asks for
# the TOTP code like every other login.
admin.site.login = secure_admin_login(AdminSite.login.__get__(admin.site))
admin.site.site_header = f"{settings.LMC_NAME}: staff"
admin.site.site_title = "LMC portal staff"
admin.site.index_title = "Member services"

urlpatterns = [
    path(settings.LMC_ADMIN_PATH, admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("enquiries/", include("enquiries.urls")),
    path("support/", include("enquiries.support_urls")),
    path("levies/", include("levies.urls")),
    path("programme/", include("programmes.urls")),
    path("account/your-data/", include("privacy.urls")),
    path("voice/", include("voice.urls")),
    path("", include("members.urls")),
]

# The portal's own error pages (see lmcportal/errors.py; 403 and 404 use templates/403.html and 404.html).
handler500 = "lmcportal.errors.server_error"
