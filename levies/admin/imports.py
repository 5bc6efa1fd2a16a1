"""List sizes in the admin, and their import: upload, progress, preview, confirm."""

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from .. import services
from ..forms import ListSizeUploadForm
from ..models import ListSize, ListSizeImport
from ..selectors import recent_imports

IMPORT_PERMISSION = "levies.import_listsize"
# Reading even the largest NHS file takes well under a minute; longer means no worker is reading it.
STALLED_AFTER = timedelta(minutes=5)


@admin.register(ListSize)
class ListSizeAdmin(admin.ModelAdmin):
    list_display = ["practice", "quarter_label", "patients", "source", "imported_at", "imported_by"]
    list_filter = ["quarter_start", "source", "practice__pcn"]
    search_fields = ["practice__name", "practice__ods_code"]
    list_select_related = ["practice", "imported_by"]
    autocomplete_fields = ["practice"]
    date_hierarchy = "quarter_start"
    fields = ["practice", "quarter_start", "patients", "source"]

    @admin.display(description="Quarter", ordering="quarter_start")
    def quarter_label(self, obj: ListSize) -> str:
        return obj.quarter.label

    def save_model(self, request, obj, form, change):
        obj.imported_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_upload_view), name="levies_listsize_import"),
            path("import/<int:pk>/", wrap(self.import_preview_view), name="levies_listsize_import_preview"),
            path("import/<int:pk>/status/", wrap(self.import_status_view), name="levies_listsize_import_status"),
            path("import/<int:pk>/confirm/", wrap(require_POST(self.import_confirm_view)), name="levies_listsize_import_confirm"),
            path("import/<int:pk>/discard/", wrap(require_POST(self.import_discard_view)), name="levies_listsize_import_discard"),
        ] + super().get_urls()  # fmt: skip

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": request.user.has_perm(IMPORT_PERMISSION)}
        return super().changelist_view(request, extra_context)

    def _require_import_permission(self, request) -> None:
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied

    def _context(self, request, title: str, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, **extra}

    def import_upload_view(self, request):
        self._require_import_permission(request)
        form = ListSizeUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            staged = services.list_size_import_start(
                upload=upload,
                file_name=upload.name,
                file_format=form.cleaned_data["file_format"],
                quarter=form.chosen_quarter,
                uploaded_by=request.user,
            )
            return redirect("admin:levies_listsize_import_preview", pk=staged.pk)
        context = self._context(request, "Import list sizes", form=form, imports=recent_imports())
        return TemplateResponse(request, "admin/levies/listsize/import_upload.html", context)

    def _staged(self, request, pk: int) -> ListSizeImport:
        self._require_import_permission(request)
        return get_object_or_404(ListSizeImport.objects.defer("data"), pk=pk)

    def import_preview_view(self, request, pk: int):
        staged = self._staged(request, pk)
        preview = services.list_size_import_preview(staged=staged) if staged.status == staged.Status.READY else None
        context = self._context(
            request,
            f"Check the list sizes in {staged.file_name}",
            staged=staged,
            preview=preview,
            stalled=timezone.now() - staged.uploaded_at > STALLED_AFTER,
            stalled_minutes=int(STALLED_AFTER.total_seconds() // 60),
            status_url=reverse("admin:levies_listsize_import_status", args=[staged.pk]),
        )
        return TemplateResponse(request, "admin/levies/listsize/import_preview.html", context)

    def import_status_view(self, request, pk: int):
        staged = self._staged(request, pk)
        done = staged.status not in (staged.Status.QUEUED, staged.Status.READING)
        return JsonResponse(
            {"status": staged.status, "label": staged.get_status_display(), "percent": staged.percent_read, "done": done}
        )

    def import_confirm_view(self, request, pk: int):
        staged = self._staged(request, pk)
        try:
            outcome = services.list_size_import_apply(import_id=staged.pk, applied_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("admin:levies_listsize_import_preview", pk=staged.pk)
        messages.success(
            request,
            f"Imported list sizes for {staged.quarter.label}: {outcome.created} new, {outcome.updated} changed, "
            f"{outcome.unchanged} already up to date. Expected levies for the quarter now use these numbers.",
        )
        return redirect(f"{reverse('admin:levies_listsize_changelist')}?quarter_start={staged.quarter_start.isoformat()}")

    def import_discard_view(self, request, pk: int):
        staged = self._staged(request, pk)
        services.list_size_import_discard(import_id=staged.pk)
        messages.info(request, f"{staged.file_name} was discarded. Nothing was imported.")
        return redirect("admin:levies_listsize_import")


@admin.register(ListSizeImport)
class ListSizeImportAdmin(admin.ModelAdmin):
    """The history of imports: who uploaded and confirmed which file, and when."""

    list_display = ["file_name", "file_format", "quarter_start", "status", "uploaded_at", "uploaded_by", "applied_by", "open"]
    list_filter = ["status", "file_format", "quarter_start"]
    list_select_related = ["uploaded_by", "applied_by"]
    exclude = ["data", "result"]
    readonly_fields = ["file_name", "file_format", "quarter_start", "status", "size_chars", "error",
                       "uploaded_at", "uploaded_by", "applied_at", "applied_by"]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")

    @admin.display(description="Preview")
    def open(self, obj: ListSizeImport) -> str:
        return format_html('<a href="{}">Open</a>', reverse("admin:levies_listsize_import_preview", args=[obj.pk]))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
