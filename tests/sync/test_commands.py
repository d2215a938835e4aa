"""Requests owned by the partner: kept in an outbox, sent signed and in order, retried until answered."""

import dataclasses
import json

import pytest

from django.db import transaction

from sync import registry
from sync.models import OutgoingCommand
from sync.selectors import sync_status
from sync.services.commands import command_enqueue
from sync.services.delivery import partner_commands_send
from sync.signing import sign_headers, signature

from .conftest import CHONGQING, PartnerStub

pytestmark = pytest.mark.django_db


@pytest.fixture
def echo_command():
    """A command of this test only; its replies are collected as the requester would apply them."""
    replies = []
    registry.register_command(
        "tests.echo", lambda payload, region: payload, on_reply=lambda payload, reply: replies.append(reply)
    )
    yield replies
    registry._commands.pop("tests.echo")


def enqueue(n: int) -> OutgoingCommand:
    with transaction.atomic():
        return command_enqueue(partner_region="chongqing", name="tests.echo", payload={"n": n})


def sent_numbers(stub) -> list[int]:
    return [json.loads(r["body"])["payload"]["n"] for r in stub.requests if r["path"] == "/sync/commands"]


def test_a_request_made_while_the_partner_is_down_waits_and_goes_once_it_is_back(
    partners, echo_command, settings
):
    command = enqueue(1)
    assert partner_commands_send(partner_region="chongqing") == 0  # nothing listens on port 9
    command.refresh_from_db()
    assert (command.state, command.attempts) == (OutgoingCommand.State.PENDING, 1)
    assert "ConnectionError" in command.last_error
    [status] = sync_status()
    assert status["commands_pending"] == 1 and "ConnectionError" in status["commands_last_error"]

    stub = PartnerStub()
    try:
        settings.PORTAL_PARTNERS = [dataclasses.replace(CHONGQING, base_url=stub.url)]
        stub.answer("POST", "/sync/commands", (200, {"state": "recorded"}))
        assert partner_commands_send(partner_region="chongqing") == 1
    finally:
        stub.close()
    command.refresh_from_db()
    assert command.state == OutgoingCommand.State.DELIVERED and command.reply == {"state": "recorded"}
    assert echo_command == [{"state": "recorded"}]
    assert sync_status()[0]["commands_pending"] == 0


def test_requests_go_in_the_order_they_were_made_and_a_failure_holds_the_later_ones(
    partner_stub, echo_command
):
    for n in (1, 2, 3):
        enqueue(n)
    partner_stub.answer("POST", "/sync/commands", (503, {"error": "busy"}), (200, {"ok": True}))
    assert partner_commands_send(partner_region="chongqing") == 0
    assert sent_numbers(partner_stub) == [1]
    assert OutgoingCommand.objects.filter(state="pending").count() == 3

    assert partner_commands_send(partner_region="chongqing") == 3
    assert sent_numbers(partner_stub) == [1, 1, 2, 3]
    assert list(OutgoingCommand.objects.values_list("state", flat=True)) == ["delivered"] * 3


def test_a_request_the_owner_cannot_understand_is_refused_without_holding_the_queue(
    partner_stub, echo_command
):
    enqueue(1)
    enqueue(2)
    partner_stub.answer(
        "POST", "/sync/commands", (400, {"error": "bad_payload"}), (200, {"state": "recorded"})
    )
    assert partner_commands_send(partner_region="chongqing") == 2
    first, second = OutgoingCommand.objects.order_by("pk")
    assert first.state == OutgoingCommand.State.REFUSED and "bad_payload" in first.last_error
    assert second.state == OutgoingCommand.State.DELIVERED
    assert echo_command[0]["state"] == "refused" and echo_command[1] == {"state": "recorded"}


def test_each_attempt_is_signed_with_the_shared_key(partner_stub, echo_command):
    enqueue(7)
    partner_stub.answer("POST", "/sync/commands", (200, {}))
    partner_commands_send(partner_region="chongqing")
    [request] = partner_stub.requests
    headers = {k.lower(): v for k, v in request["headers"].items()}
    expected = signature(
        secret=CHONGQING.secret,
        message_id=headers["webhook-id"],
        timestamp=int(headers["webhook-timestamp"]),
        content=request["body"],
    )
    assert headers["webhook-signature"] == expected and headers["webhook-key-id"] == CHONGQING.key_id


def test_a_request_is_kept_only_if_the_users_action_commits(partners, echo_command):
    with pytest.raises(RuntimeError), transaction.atomic():
        command_enqueue(partner_region="chongqing", name="tests.echo", payload={"n": 1})
        raise RuntimeError("the user's action failed")
    assert not OutgoingCommand.objects.exists()


def test_the_owner_answers_a_signed_command_and_refuses_a_malformed_one(client, partners, echo_command):
    def signed_post(message):
        body = json.dumps(message).encode()
        headers = sign_headers(partner=CHONGQING, content=body)
        return client.post("/sync/commands", data=body, content_type="application/json", headers=headers)

    response = signed_post({"command": "tests.echo", "payload": {"n": 3}})
    assert response.status_code == 200 and response.json() == {"n": 3}
    response = signed_post({"payload": {}})
    assert response.status_code == 400 and response.json()["error"] == "bad_request"
