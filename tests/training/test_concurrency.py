"""Capacity holds under real concurrent requests against PostgreSQL."""

import threading

import pytest

from django.db import connection
from django.test import Client

from tests.factories import OrganisationFactory
from training.models import Enrolment
from training.selectors import waitlist_position

from .factories import SessionFactory, staff

State = Enrolment.State


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_enrolments_fill_three_places_and_queue_seven():
    assert connection.vendor == "postgresql"
    organisation = OrganisationFactory(code="sc-race", name="测试竞争单位", region="sichuan")
    session = SessionFactory(course__origin_organisation=organisation, capacity=3)
    users = [staff(f"racer{n}", organisation) for n in range(10)]
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    start = threading.Barrier(len(clients))
    statuses, errors = [], []

    def enrol(client):
        # Each thread has its own database connection, hence its own transaction.
        try:
            start.wait(timeout=30)
            statuses.append(client.post(f"/training/sessions/{session.pk}/enrol/").status_code)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=enrol, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == [] and statuses == [302] * 10
    enrolments = list(Enrolment.objects.filter(session=session))
    assert len(enrolments) == 10
    assert sum(e.state == State.ENROLLED for e in enrolments) == 3
    waitlisted = [e for e in enrolments if e.state == State.WAITLISTED]
    assert len(waitlisted) == 7
    assert sorted(waitlist_position(enrolment=e) for e in waitlisted) == list(range(1, 8))
