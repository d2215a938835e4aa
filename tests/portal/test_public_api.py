"""The public API is what the public may use: schemathesis drives the site's own schema.

Every operation /api/openapi.json documents is called with generated parameters (a fixed seed,
a few examples each), anonymously: no answer is a server error and every answer conforms to
the schema (status code documented, body and content type as documented).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from django.test import override_settings

from .world import build_world

EXAMPLES = 15
# No server error, and every answer as the schema documents it: status code, content type,
# headers and body. (Not "every schema-valid request succeeds": an unknown page id is a 404
# and an unknown ordering field a 422, both documented.)
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_world(django_db_setup, django_db_blocker):
    overrides = override_settings(
        ELASTICSEARCH_URL=None,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
    with django_db_blocker.unblock(), overrides:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def wsgi_app(api_world, db):
    """Django's WSGI handler, in this test's transaction (as the test client keeps its connection)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_every_public_operation_answers_within_its_schema(wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case):
            response = case.call()
            case.validate_response(response, checks=CONFORMANCE)

        conforms()


def test_the_public_schema_documents_only_reads(client, db):
    document = client.get("/api/openapi.json").json()
    methods = {method for operations in document["paths"].values() for method in operations}
    assert methods == {"get"}
    paths = set(document["paths"])
    assert "/api/pages/" in paths and "/api/materials/" in paths
    # Wagtail's write API, revisions and sites are not served here at all.
    assert not any("revisions" in p or p.startswith("/api/sites") for p in paths)
    assert client.post("/api/pages/", {}).status_code in (404, 405)


@pytest.mark.parametrize(
    "query",
    ["offset=85191592090749517824", "offset=-1", "limit=100000", "limit=0", "offset=abc"],
)
def test_paging_parameters_are_validated(client, db, query):
    for path in ("/api/pages/", "/api/materials/", "/api/research/projects/", "/api/research/experts/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 422, (path, query, response.status_code)


def test_ids_are_validated(client, db):
    assert client.get("/api/pages/85191592090749517824/").status_code == 422
    assert client.get("/api/pages/find/?id=85191592090749517824").status_code == 422
    assert client.get("/api/research/projects/not-a-uuid/").status_code == 422
