import pytest

from tests.factories import OrganisationFactory

from .factories import SessionFactory, staff


@pytest.fixture(autouse=True)
def mail_tasks_run_here():
    """Mail tasks run in the test process (the smoke test sends them through a real worker)."""
    from portal.celery import app

    eager, propagates = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = eager, propagates


@pytest.fixture
def organisations(db):
    """The organiser (Sichuan), another Sichuan office, and a Chongqing office."""
    return {
        "organiser": OrganisationFactory(
            code="sc-test-organiser", name="测试省委党史研究室", short_name="测试省委", region="sichuan"
        ),
        "sichuan": OrganisationFactory(
            code="sc-test-city", name="测试市委党史研究室", short_name="测试市委", region="sichuan"
        ),
        "chongqing": OrganisationFactory(
            code="cq-test-district", name="测试区委党史研究室", short_name="测试区委", region="chongqing"
        ),
    }


@pytest.fixture
def trainer(organisations):
    return staff("organiser_trainer", organisations["organiser"], roles=["trainer"], full_name="陈培训")


@pytest.fixture
def session(organisations):
    """An open session of capacity 3 organised by the Sichuan provincial office."""
    return SessionFactory(course__origin_organisation=organisations["organiser"], capacity=3)
