from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .personal_data import personal_data_collect, personal_data_export, personal_data_filename
from .services import personal_data_export_record


@login_required
def personal_data_overview(request):
    """Show the person what the portal holds about them, section by section."""
    sections = personal_data_collect(user=request.user)
    counts = {name.replace("_", " ").capitalize(): len(rows) for name, rows in sections.items()}
    context = {
        "counts": counts,
        "retention_years": settings.LMC_RETENTION_YEARS_DEFAULT,
        "lmc_email": settings.LMC_TRIAGE_EMAIL,
    }
    return render(request, "privacy/personal_data_overview.html", context)


@login_required
@require_POST
@never_cache
def personal_data_download(request):
    """Give the person their own personal data as a ZIP, and record that they took it."""
    content = personal_data_export(user=request.user)
    personal_data_export_record(subject=request.user, produced_by=request.user, request=request)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{personal_data_filename(user=request.user)}"'
    return response
