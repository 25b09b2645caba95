"""schemathesis over /api/schema/, in-process, for every persona: no 500, and every
response matches the schema (status codes, content types, bodies).

The "positive data accepted" check is left out: a schema-valid body can still name a
company that does not exist or is not the user's, which the API rightly answers with 400.
Schema-violating data must still be rejected."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application
from incubator import services
from tests.conftest import PERSONAS


@pytest.fixture
def api_schema(db):
    # Called in-process, the WSGI handler would close the test's database connection at
    # the end of every request; Django's own test client disconnects the same handler.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


def headers_for(user) -> dict:
    if user is None:
        return {}
    # Obtained afresh for every call: an example may have revoked the token.
    return {"Authorization": f"Token {services.api_token_obtain(user=user).key}"}


@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_api_conforms_to_its_schema(case, personas):
    for persona in PERSONAS:
        response = case.call_and_validate(
            headers=headers_for(personas[persona]), excluded_checks=[positive_data_acceptance]
        )
        assert response.status_code < 500, persona
        if response.status_code >= 400:
            assert "code" in response.json(), persona
