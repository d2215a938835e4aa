import pytest

from django.contrib.auth import get_user_model
from django.test import Client

from portal.models import StaffProfile
from tests.factories import OrganisationFactory

from .factories import ProjectFactory


@pytest.fixture
def organisations(db):
    """The owning organisation, another office of the same region, and one of the partner region."""
    return {
        "own": OrganisationFactory(code="cq-test-own", name="测试市委党史研究室", region="chongqing"),
        "same_region": OrganisationFactory(
            code="cq-test-other", name="测试区委党史研究室", region="chongqing"
        ),
        "partner": OrganisationFactory(code="sc-test", name="测试省委党史研究室", region="sichuan"),
    }


def staff(username, organisation):
    """A staff user of one organisation. Role groups play no part in what research shows."""
    user = get_user_model().objects.create_user(
        username, password="pass-word-123", last_name="测", first_name="试人员", is_staff=True
    )
    StaffProfile.objects.update_or_create(user=user, defaults={"organisation": organisation})
    return user


@pytest.fixture
def readers(organisations):
    """A client per kind of reader: anonymous, partner-region staff, own-organisation staff."""
    partner = Client()
    partner.force_login(staff("partner_staff", organisations["partner"]))
    own = Client()
    own.force_login(staff("own_staff", organisations["own"]))
    return {"anonymous": Client(), "partner": partner, "own": own}


@pytest.fixture
def projects(organisations):
    """One project per access level, owned by the "own" organisation, led jointly with the partner."""
    return {
        level: ProjectFactory(
            title=f"{label}课题",
            access_level=level,
            origin_organisation=organisations["own"],
            lead_organisations=[organisations["own"], organisations["partner"]],
        )
        for level, label in [("public", "公开"), ("partners", "协作"), ("internal", "内部")]
    }
