"""How this deployment reaches Elasticsearch: read by the search index and by the readiness probe."""

from django.conf import settings


def elasticsearch_client_options(*, request_timeout: float) -> dict:
    """Keyword arguments for an Elasticsearch client: ELASTICSEARCH_URL may list several nodes."""
    options = {
        "hosts": [url.strip() for url in settings.ELASTICSEARCH_URL.split(",") if url.strip()],
        "request_timeout": request_timeout,
    }
    if getattr(settings, "ELASTICSEARCH_CA_CERTS", None):
        options["ca_certs"] = str(settings.ELASTICSEARCH_CA_CERTS)
    return options
