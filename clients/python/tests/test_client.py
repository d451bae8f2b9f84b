"""The Python client against a running service: every RPC over real gRPC."""

from __future__ import annotations

import grpc
import pytest

from notification_client import NotificationClient


def test_create_returns_the_stored_notification(client: NotificationClient) -> None:
    created = client.create_notification(
        "py-ann", "new-follower", "Bob followed you", {"follower": "bob"}
    )
    assert len(created.id) == 27 and created.id.isalnum()
    assert created.category == "new-follower"
    assert created.message == "Bob followed you"
    assert dict(created.properties) == {"follower": "bob"}
    assert created.created_at.seconds > 0

    listed = client.list_notifications("py-ann")
    assert [n.id for n in listed.notifications] == [created.id]
    assert listed.notifications[0].unseen
    assert listed.next_page_token == ""


def test_lists_page_by_page_newest_first(client: NotificationClient) -> None:
    ids = [client.create_notification("py-pager", "like", f"like {i}").id for i in range(5)]
    newest_first = ids[::-1]

    pages = []
    token = ""
    while True:
        page = client.list_notifications("py-pager", page_size=2, page_token=token)
        pages.append([n.id for n in page.notifications])
        token = page.next_page_token
        if not token:
            break
    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:5]]
    assert [n.id for n in client.iter_notifications("py-pager", page_size=2)] == newest_first


def test_deletes_by_id_then_everything(client: NotificationClient) -> None:
    a, b, c = (client.create_notification("py-deleter", "like", m).id for m in "abc")

    client.delete_notifications("py-deleter", [b])
    assert [n.id for n in client.list_notifications("py-deleter").notifications] == [c, a]

    client.delete_all_notifications("py-deleter")
    assert list(client.list_notifications("py-deleter").notifications) == []


def test_an_empty_delete_is_invalid_argument_and_deletes_nothing(
    client: NotificationClient,
) -> None:
    kept = client.create_notification("py-empty-delete", "like", "kept").id
    with pytest.raises(grpc.RpcError) as failure:
        client.delete_notifications("py-empty-delete", [])
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert failure.value.details().startswith("ids must name at least one notification")
    assert [n.id for n in client.list_notifications("py-empty-delete").notifications] == [kept]


def test_puts_lists_and_deletes_rules(client: NotificationClient) -> None:
    client.put_rule("py-follow", max_size=9, max_duration="3m")
    rule = client.list_rules()["py-follow"]
    assert rule.HasField("max_size") and rule.max_size == 9
    assert rule.max_duration == "3 minutes"

    client.put_rule("py-follow", match_on="post")
    replaced = client.list_rules()["py-follow"]
    assert replaced.match_on == "post"
    assert not replaced.HasField("max_size")

    client.delete_rule("py-follow")
    assert "py-follow" not in client.list_rules()


def test_a_rule_rolls_notifications_up(client: NotificationClient) -> None:
    client.put_rule("py-rolled", max_size=3)
    ids = [client.create_notification("py-roller", "py-rolled", f"{i}").id for i in range(4)]

    inbox = client.list_notifications("py-roller").notifications
    assert [n.id for n in inbox] == [ids[3], ids[0]]
    assert [child.id for child in inbox[0].notifications] == [ids[2], ids[1]]


def test_bad_input_is_invalid_argument_naming_the_field(client: NotificationClient) -> None:
    with pytest.raises(grpc.RpcError) as failure:
        client.create_notification("py-ann", "x", "hi")
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "category" in failure.value.details()


def test_a_subscription_receives_a_notification_created_during_it(
    client: NotificationClient,
) -> None:
    events = client.subscribe("py-live", timeout=30)
    try:
        first = next(events)
        assert first.WhichOneof("event") == "state"
        assert first.state.newest_id == ""

        created = client.create_notification("py-live", "like", "live!")
        received = next(e for e in events if e.WhichOneof("event") != "heartbeat")
        assert received.WhichOneof("event") == "notification"
        assert received.notification.id == created.id
        assert received.notification.message == "live!"
        assert received.notification.unseen
    finally:
        events.cancel()


def test_a_subscription_replays_what_is_newer_than_after(client: NotificationClient) -> None:
    ids = [client.create_notification("py-replay", "like", m).id for m in "abc"]
    events = client.subscribe("py-replay", after=ids[0], timeout=30)
    try:
        assert next(events).WhichOneof("event") == "state"
        replayed = [
            next(e for e in events if e.WhichOneof("event") == "notification").notification.id
            for _ in range(2)
        ]
        assert replayed == ids[1:]
    finally:
        events.cancel()
