"""The producer calls against the real service."""

from __future__ import annotations

import grpc
import pytest

from notification_client import NotificationClient
from notification_client.gen.notification.v1 import notification_pb2


def test_fans_out_with_a_result_per_user_and_retries_safely(client: NotificationClient) -> None:
    results = client.create_notifications(
        ["py-fan-a", "bad name", "py-fan-b"], "release", "1.2 is out", idempotency_key="py-once"
    )
    assert [r.error.code or "ok" for r in results] == ["ok", "invalid_argument", "ok"]
    assert results[1].error.message.startswith("usernames[1] must be")
    retry = client.create_notifications(
        ["py-fan-a"], "release", "1.2 is out", idempotency_key="py-once"
    )
    assert retry[0].replayed
    assert retry[0].notification.id == results[0].notification.id


def test_publishes_to_a_topic_and_waits_for_the_job(client: NotificationClient) -> None:
    members = [f"py-member-{i}" for i in range(40)]
    assert client.add_topic_subscribers("py-topic", members) == 40
    assert client.remove_topic_subscribers("py-topic", members[:1]) == 39
    assert sorted(client.iter_topic_subscribers("py-topic", page_size=15)) == sorted(members[1:])
    job = client.publish_to_topic("py-topic", "release", "1.2 is out", key="py-rel")
    done = client.wait_for_job(job.id, interval=0.05, timeout=30)
    assert done.state == notification_pb2.JOB_STATE_DONE
    assert (done.total, done.done, done.failed) == (39, 39, 0)
    assert [n.key for n in client.list_notifications(members[3]).notifications] == ["py-rel"]


def test_updates_and_deletes_by_key(client: NotificationClient) -> None:
    created = client.create_notification("py-keyed", "comment", "Ann commented", key="py-c1")
    job = client.update_notifications_by_key("py-c1", message="Ann edited", remove_properties=["x"])
    assert job.state == notification_pb2.JOB_STATE_DONE
    inbox = client.list_notifications("py-keyed").notifications
    assert [(n.id, n.message) for n in inbox] == [(created.id, "Ann edited")]
    assert client.mark_notifications_read_by_key("py-c1").state == notification_pb2.JOB_STATE_DONE
    assert client.list_notifications("py-keyed").notifications[0].read
    client.delete_notifications_by_key("py-c1")
    assert list(client.list_notifications("py-keyed").notifications) == []


def test_bad_input_names_the_field(client: NotificationClient) -> None:
    with pytest.raises(grpc.RpcError) as failure:
        client.publish_to_topic("bad topic", "release", "x")
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert failure.value.details().startswith("topic must be 1 to 128 characters")
