import pytest

from django.test import Client

from portal.services import staff_user_create_or_update
from tests.factories import OrganisationFactory

PASSWORD = "Lock-test-2030"


@pytest.fixture
def organisation(db):
    return OrganisationFactory(
        code="sc-acc", name="测试市委党史研究室", short_name="测试市委", region="sichuan"
    )


@pytest.fixture
def staff(organisation):
    def make(username, roles=("editor",), password=PASSWORD):
        return staff_user_create_or_update(
            username=username, organisation=organisation, roles=list(roles), password=password
        )

    return make


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post("/admin/login/", {"username": username, "password": password}, **extra)


def signed_in(response) -> bool:
    return response.status_code == 302 and "/admin/login/" not in response["Location"]
