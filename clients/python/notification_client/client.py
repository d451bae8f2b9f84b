"""A thin wrapper over the generated gRPC stubs of the notification service."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

import grpc

from notification_client.gen.notification.v1 import (
    job_pb2_grpc,
    notification_pb2,
    notification_pb2_grpc,
    preference_pb2,
    preference_pb2_grpc,
    rule_pb2,
    rule_pb2_grpc,
    stream_pb2,
    stream_pb2_grpc,
    topic_pb2_grpc,
)
from notification_client.producer import ProducerCalls

#: Seconds a unary call may take unless the caller says otherwise.
DEFAULT_TIMEOUT = 10.0

#: A token, or a function that returns the current one (asked before every call).
TokenSource = str | Callable[[], str]

_READ_FILTERS = {
    None: notification_pb2.READ_FILTER_UNSPECIFIED,
    "unread": notification_pb2.READ_FILTER_UNREAD,
    "read": notification_pb2.READ_FILTER_READ,
}


def inbox_filter(
    categories: Sequence[str] = (),
    read: str | None = None,
    archived: bool = False,
    properties: Mapping[str, str] | None = None,
) -> notification_pb2.NotificationFilter:
    """Which notifications a list, a count or a mark-all covers.

    ``categories``: any of them (empty: every category); ``read``: ``"unread"``,
    ``"read"`` or ``None`` for both; ``archived``: the archive view instead of
    the inbox view; ``properties``: every pair must match. The defaults are the
    inbox view, whose first page alone moves the seen cursor.
    """
    if read not in _READ_FILTERS:
        raise ValueError(f'read must be "unread", "read" or None (got {read!r})')
    return notification_pb2.NotificationFilter(
        categories=categories,
        read=_READ_FILTERS[read],
        archived=archived,
        properties=properties or {},
    )


class NotificationClient(ProducerCalls):
    """The notification service over gRPC.

    ``target`` is ``host:port`` (``localhost:8080``). Without ``credentials`` the
    channel is plaintext (h2c), as the service serves it; pass
    ``grpc.ssl_channel_credentials()`` behind TLS. ``channel`` replaces both,
    for callers that build their own (interceptors, options). Unary calls give up
    after ``timeout`` seconds (default 10; ``None`` waits for ever).

    ``token`` is sent as ``authorization: Bearer <token>`` metadata on every
    call, for a service with ``auth.mode: jwt``: a string, or a function asked
    before every call (return a fresh token when the last one expired).
    Without it no token is sent (``auth.mode: none``). A missing or invalid
    token fails with ``UNAUTHENTICATED``, another user's inbox with
    ``PERMISSION_DENIED``; ``error.details()`` says why.

    The producer calls (fan-out, topics, jobs, changes by key) come from
    ``ProducerCalls``.

    Every method raises ``grpc.RpcError`` on failure: ``error.code()`` is the
    status (``INVALID_ARGUMENT`` names the field at fault in ``error.details()``).
    Use it as a context manager, or call ``close()``.
    """

    def __init__(
        self,
        target: str = "localhost:8080",
        *,
        credentials: grpc.ChannelCredentials | None = None,
        channel: grpc.Channel | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        token: TokenSource | None = None,
    ) -> None:
        if channel is None:
            channel = (
                grpc.secure_channel(target, credentials)
                if credentials is not None
                else grpc.insecure_channel(target)
            )
        self._channel = channel
        self._timeout = timeout
        self._token = token
        self._notifications = notification_pb2_grpc.NotificationServiceStub(channel)
        self._rules = rule_pb2_grpc.RuleServiceStub(channel)
        self._streams = stream_pb2_grpc.StreamServiceStub(channel)
        self._preferences = preference_pb2_grpc.PreferenceServiceStub(channel)
        self._topics = topic_pb2_grpc.TopicServiceStub(channel)
        self._jobs = job_pb2_grpc.JobServiceStub(channel)

    def __enter__(self) -> NotificationClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _metadata(self) -> list[tuple[str, str]] | None:
        if self._token is None:
            return None
        token = self._token if isinstance(self._token, str) else self._token()
        return [("authorization", f"Bearer {token}")]

    def close(self) -> None:
        """Closes the channel; calls still running are cancelled."""
        self._channel.close()

    def create_notification(
        self,
        username: str,
        category: str,
        message: str,
        properties: Mapping[str, str] | None = None,
        *,
        key: str = "",
        idempotency_key: str = "",
    ) -> notification_pb2.Notification | None:
        """Stores a notification for ``username``; returns it with its id and ``created_at``.

        Returns ``None`` when the user muted ``category`` in the inbox: nothing
        was stored or streamed (see ``update_preferences``). With
        ``idempotency_key``, a retry within the window returns the first call's
        notification (see ``ProducerCalls``).
        """
        request = notification_pb2.CreateNotificationRequest(
            username=username,
            category=category,
            message=message,
            properties=properties or {},
            key=key,
            idempotency_key=idempotency_key,
        )
        response = self._notifications.CreateNotification(
            request, timeout=self._timeout, metadata=self._metadata()
        )
        return None if response.suppressed else response.notification

    def list_notifications(
        self,
        username: str,
        page_size: int = 0,
        page_token: str = "",
        filter: notification_pb2.NotificationFilter | None = None,
    ) -> notification_pb2.ListNotificationsResponse:
        """One page of the inbox, newest first, rolled up (``page_size`` 0 means 20).

        ``filter`` (see ``inbox_filter``; default the inbox view) selects before
        rollups group; a ``page_token`` belongs to the filter it was issued
        with. Listing the first page of the unfiltered inbox view marks it as
        seen; the ``unseen`` flags in the answer are those from before.
        """
        request = notification_pb2.ListNotificationsRequest(
            username=username, page_size=page_size, page_token=page_token, filter=filter
        )
        return self._notifications.ListNotifications(
            request, timeout=self._timeout, metadata=self._metadata()
        )

    def iter_notifications(
        self,
        username: str,
        page_size: int = 0,
        filter: notification_pb2.NotificationFilter | None = None,
    ) -> Iterator[notification_pb2.Notification]:
        """Every top-level item the filter selects, newest first, fetched a page at a time."""
        page_token = ""
        while True:
            page = self.list_notifications(username, page_size, page_token, filter)
            yield from page.notifications
            page_token = page.next_page_token
            if not page_token:
                return

    def delete_notifications(self, username: str, ids: Sequence[str]) -> None:
        """Deletes the given notifications (at most 1000; unknown ids are ignored).

        An empty ``ids`` is ``INVALID_ARGUMENT``, never a delete-all: use
        ``delete_all_notifications`` for that.
        """
        request = notification_pb2.DeleteNotificationsRequest(username=username, ids=ids)
        self._notifications.DeleteNotifications(
            request, timeout=self._timeout, metadata=self._metadata()
        )

    def delete_all_notifications(self, username: str) -> None:
        """Deletes every notification of ``username``, and the user's cursor."""
        request = notification_pb2.DeleteNotificationsRequest(username=username, all=True)
        self._notifications.DeleteNotifications(
            request, timeout=self._timeout, metadata=self._metadata()
        )

    def count_notifications(
        self, username: str, filter: notification_pb2.NotificationFilter | None = None
    ) -> notification_pb2.CountNotificationsResponse:
        """``total``, ``unseen`` and ``unread``: what paging the list with ``filter`` returns."""
        request = notification_pb2.CountNotificationsRequest(username=username, filter=filter)
        return self._notifications.CountNotifications(
            request, timeout=self._timeout, metadata=self._metadata()
        )

    def mark_notifications_read(self, username: str, ids: Sequence[str]) -> None:
        """Marks the given notifications read (1 to 1000 ids; unknown ids are ignored)."""
        request = notification_pb2.MarkNotificationsReadRequest(username=username, ids=ids)
        self._notifications.MarkNotificationsRead(
            request, timeout=self._timeout, metadata=self._metadata()
        )

    def mark_all_notifications_read(
        self, username: str, filter: notification_pb2.NotificationFilter | None = None
    ) -> None:
        """Marks read, in one write, everything ``filter`` selects now (default: the inbox view)."""
        request = notification_pb2.MarkNotificationsReadRequest(
            username=username, all=True, filter=filter
        )
        self._notifications.MarkNotificationsRead(
            request, timeout=self._timeout, metadata=self._metadata()
        )

    def mark_notifications_unread(self, username: str, ids: Sequence[str]) -> None:
        """Marks the given notifications unread (1 to 1000 ids)."""
        request = notification_pb2.MarkNotificationsUnreadRequest(username=username, ids=ids)
        self._notifications.MarkNotificationsUnread(
            request, timeout=self._timeout, metadata=self._metadata()
        )

    def archive_notifications(self, username: str, ids: Sequence[str]) -> None:
        """Moves the given notifications to the archive view (1 to 1000 ids)."""
        request = notification_pb2.ArchiveNotificationsRequest(username=username, ids=ids)
        self._notifications.ArchiveNotifications(
            request, timeout=self._timeout, metadata=self._metadata()
        )

    def archive_all_notifications(
        self, username: str, filter: notification_pb2.NotificationFilter | None = None
    ) -> None:
        """Archives, in one write, everything ``filter`` selects now (default: the inbox view)."""
        request = notification_pb2.ArchiveNotificationsRequest(
            username=username, all=True, filter=filter
        )
        self._notifications.ArchiveNotifications(
            request, timeout=self._timeout, metadata=self._metadata()
        )

    def unarchive_notifications(self, username: str, ids: Sequence[str]) -> None:
        """Moves the given notifications back to the inbox view (1 to 1000 ids)."""
        request = notification_pb2.UnarchiveNotificationsRequest(username=username, ids=ids)
        self._notifications.UnarchiveNotifications(
            request, timeout=self._timeout, metadata=self._metadata()
        )

    def mark_notifications_seen(self, username: str, up_to: str = "") -> str:
        """Moves the seen cursor to ``up_to`` (default: the newest), never back; returns it."""
        request = notification_pb2.MarkNotificationsSeenRequest(username=username, up_to=up_to)
        response = self._notifications.MarkNotificationsSeen(
            request, timeout=self._timeout, metadata=self._metadata()
        )
        return response.cursor

    def put_rule(
        self,
        category: str,
        *,
        max_size: int | None = None,
        max_duration: str | None = None,
        match_on: str = "",
    ) -> None:
        """Creates or replaces the rollup rule of ``category`` (at least one field set)."""
        rule = rule_pb2.Rule(max_size=max_size, max_duration=max_duration, match_on=match_on)
        request = rule_pb2.PutRuleRequest(category=category, rule=rule)
        self._rules.PutRule(request, timeout=self._timeout, metadata=self._metadata())

    def delete_rule(self, category: str) -> None:
        """Removes the rule of ``category``; removing an absent rule succeeds."""
        self._rules.DeleteRule(
            rule_pb2.DeleteRuleRequest(category=category),
            timeout=self._timeout,
            metadata=self._metadata(),
        )

    def list_rules(self) -> dict[str, rule_pb2.Rule]:
        """Every rule, by category, with ``max_duration`` in canonical form (``3 minutes``)."""
        response = self._rules.ListRules(
            rule_pb2.ListRulesRequest(), timeout=self._timeout, metadata=self._metadata()
        )
        return dict(response.rules)

    def get_preferences(self, username: str) -> preference_pb2.GetPreferencesResponse:
        """The user's preferences, defaults written out, and the categories no one can mute."""
        return self._preferences.GetPreferences(
            preference_pb2.GetPreferencesRequest(username=username),
            timeout=self._timeout,
            metadata=self._metadata(),
        )

    def update_preferences(
        self, username: str, preferences: preference_pb2.Preferences
    ) -> preference_pb2.Preferences:
        """Replaces the user's preferences; returns them as stored (defaults filled in).

        ``INVALID_ARGUMENT`` names the field at fault, such as
        ``preferences.email.time``; muting a critical category is one.
        """
        request = preference_pb2.UpdatePreferencesRequest(username=username, preferences=preferences)
        response = self._preferences.UpdatePreferences(
            request, timeout=self._timeout, metadata=self._metadata()
        )
        return response.preferences

    def unsubscribe(self, token: str) -> None:
        """Turns off the digests a digest's unsubscribe link names, with that link's token."""
        self._preferences.Unsubscribe(
            preference_pb2.UnsubscribeRequest(token=token),
            timeout=self._timeout,
            metadata=self._metadata(),
        )

    def subscribe(
        self, username: str, after: str = "", timeout: float | None = None
    ) -> Iterator[stream_pb2.SubscribeResponse]:
        """The user's inbox events, as an iterator of ``SubscribeResponse``.

        First a ``state`` event (the inbox view's counts, newest id and cursor;
        with ``resync`` set, list again instead of applying the replay), then
        (with ``after``, a notification id) the replay of what is newer and of
        the states that changed, then live ``notification``, ``deleted``,
        ``cleared``, ``read``, ``read_all``, ``archived``, ``archived_all``,
        ``seen``, ``updated`` (a change by key), ``broadcast`` (a topic's
        live-only message) and ``heartbeat`` events; every one but ``state``
        and ``heartbeat`` carries ``counts``. The result is also the call:
        ``cancel()`` ends it. The stream ends with ``UNAVAILABLE`` when the
        server shuts down, ``RESOURCE_EXHAUSTED`` when the reader is too slow
        and ``UNAUTHENTICATED`` when its token expires; subscribe again (with a
        fresh token) with ``after`` set to the greatest notification id
        received (or the first state's ``newest_id``). No timeout by default.
        """
        request = stream_pb2.SubscribeRequest(username=username, after=after)
        return self._streams.Subscribe(request, timeout=timeout, metadata=self._metadata())
