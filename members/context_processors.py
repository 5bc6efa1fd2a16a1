from django.conf import settings


def portal(request) -> dict:
    return {"lmc_name": settings.LMC_NAME, "admin_path": "/" + settings.LMC_ADMIN_PATH}
