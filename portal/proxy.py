"""Forwarded headers are believed only from a configured proxy (TRUSTED_PROXIES)."""

import ipaddress

from django.conf import settings

FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_FORWARDED",
)


def address_in(address: str | None, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network) for network in networks)


class TrustedProxyMiddleware:
    """First in MIDDLEWARE. From a trusted proxy, REMOTE_ADDR becomes the client the proxy saw
    (the right-most address of X-Forwarded-For it did not add itself) and X-Forwarded-Proto stands;
    from anyone else the forwarded headers are dropped, so SECURE_PROXY_SSL_HEADER cannot be spoofed
    by a client that reaches gunicorn directly."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if address_in(meta.get("REMOTE_ADDR"), settings.TRUSTED_PROXIES):
            hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
            while hops and address_in(hops[-1], settings.TRUSTED_PROXIES):
                hops.pop()
            if hops and address_in(hops[-1], ["0.0.0.0/0", "::/0"]):
                meta["REMOTE_ADDR"] = hops[-1]
        else:
            for header in FORWARDED_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)
