"""Read, archived and seen states, filters and counts through the Python client."""

from __future__ import annotations

import grpc
import pytest

from notification_client import NotificationClient, inbox_filter


def _inbox(client: NotificationClient, username: str, *categories: str) -> list[str]:
    return [client.create_notification(username, c, f"a {c}").id for c in categories]


def test_marks_archives_filters_and_counts(client: NotificationClient) -> None:
    user = "py-state"
    like, comment, later_like = _inbox(client, user, "like", "comment", "like")

    client.mark_notifications_read(user, [like])
    counts = client.count_notifications(user)
    assert (counts.total, counts.unseen, counts.unread) == (3, 3, 2)
    unread_likes = inbox_filter(categories=["like"], read="unread")
    assert client.count_notifications(user, unread_likes).total == 1
    assert [n.id for n in client.iter_notifications(user, 1, unread_likes)] == [later_like]

    client.archive_notifications(user, [comment])
    archived = client.list_notifications(user, filter=inbox_filter(archived=True))
    assert [(n.id, n.archived) for n in archived.notifications] == [(comment, True)]

    client.mark_all_notifications_read(user)
    assert client.count_notifications(user).unread == 0
    assert client.count_notifications(user, inbox_filter(archived=True)).unread == 1

    client.archive_all_notifications(user, inbox_filter(read="read"))
    assert client.count_notifications(user).total == 0
    client.unarchive_notifications(user, [like])
    client.mark_notifications_unread(user, [like])
    listed = client.list_notifications(user, filter=inbox_filter(read="unread"))
    assert [(n.id, n.read) for n in listed.notifications] == [(like, False)]


def test_moves_the_seen_cursor(client: NotificationClient) -> None:
    first, newest = _inbox(client, "py-seen", "like", "like")
    assert client.mark_notifications_seen("py-seen", first) == first
    assert client.count_notifications("py-seen").unseen == 1
    assert client.mark_notifications_seen("py-seen") == newest
    assert client.count_notifications("py-seen").unseen == 0


def test_a_page_token_belongs_to_its_filter(client: NotificationClient) -> None:
    _inbox(client, "py-token", "like", "like", "comment")
    likes = inbox_filter(categories=["like"])
    page = client.list_notifications("py-token", page_size=1, filter=likes)
    with pytest.raises(grpc.RpcError) as failure:
        client.list_notifications("py-token", 1, page.next_page_token, inbox_filter(read="read"))
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert failure.value.details().startswith("page_token was issued for another filter")


def test_bad_input_is_invalid_argument_naming_the_field(client: NotificationClient) -> None:
    one_letter = inbox_filter(categories=["x"])
    for call, field in [
        (lambda: client.mark_notifications_read("py-bad", []), "ids"),
        (lambda: client.mark_notifications_seen("py-bad", "soon"), "up_to"),
        (lambda: client.count_notifications("py-bad", one_letter), "filter.categories"),
    ]:
        with pytest.raises(grpc.RpcError) as failure:
            call()
        assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert failure.value.details().startswith(field)
    with pytest.raises(ValueError, match="read must be"):
        inbox_filter(read="maybe")


def test_streams_state_events_with_counts(client: NotificationClient) -> None:
    user = "py-stream-state"
    (only,) = _inbox(client, user, "like")
    events = client.subscribe(user, timeout=20)
    try:
        state = next(events)
        assert state.WhichOneof("event") == "state"
        assert (state.state.total_count, state.state.unread_count) == (1, 1)
        client.mark_notifications_read(user, [only])
        event = next(e for e in events if e.WhichOneof("event") != "heartbeat")
        assert event.WhichOneof("event") == "read"
        assert list(event.read.ids) == [only] and event.read.read
        assert (event.counts.total, event.counts.unread) == (1, 0)
    finally:
        events.cancel()
