from django.conf import settings

from .contact import lmc_contact


def portal(request) -> dict:
    return {"lmc_name": settings.LMC_NAME, "admin_path": "/" + settings.LMC_ADMIN_PATH, "lmc_contact": lmc_contact()}
