"""The client's address, one home for every log that records where a request came from."""

import ipaddress

from django.http import HttpRequest

__all__ = ["request_ip"]


def request_ip(request: HttpRequest | None) -> str | None:
    """Return the client's IP address as the web server saw it, or None.

    REMOTE_ADDR only: X-Forwarded-For is written by the client unless a
    trusted proxy rewrites it, and a log must not record what a user claims.
    """
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
