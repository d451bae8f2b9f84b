"""The producer calls: fan-out, topics, durable jobs and changes by key."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence

from notification_client.gen.notification.v1 import (
    job_pb2,
    job_pb2_grpc,
    notification_pb2,
    notification_pb2_grpc,
    topic_pb2,
    topic_pb2_grpc,
)


class ProducerCalls:
    """What a producer (scope ``notifications:write``) calls, mixed into ``NotificationClient``.

    ``key`` names a notification across all its copies (1 to 128 of
    ``A-Z a-z 0-9 . _ - : @ +``), so that it can be updated, deleted or marked
    read later. ``idempotency_key`` (1 to 128 visible ASCII characters) makes
    a retry safe: within the service's window (24 hours) the same key for the
    same user answers the first call's notification and stores nothing.
    """

    _notifications: notification_pb2_grpc.NotificationServiceStub
    _topics: topic_pb2_grpc.TopicServiceStub
    _jobs: job_pb2_grpc.JobServiceStub
    _timeout: float | None

    def _metadata(self) -> list[tuple[str, str]] | None:
        raise NotImplementedError

    def create_notifications(
        self,
        usernames: Sequence[str],
        category: str,
        message: str,
        properties: Mapping[str, str] | None = None,
        *,
        key: str = "",
        idempotency_key: str = "",
    ) -> list[notification_pb2.RecipientResult]:
        """Sends one notification to up to 1000 users; a result per user, in order.

        Each result has the user's ``notification`` (``replayed`` when an earlier
        call with the same idempotency key made it) or an ``error`` (``code``,
        ``message``) for that user alone, such as a bad username.
        """
        request = notification_pb2.CreateNotificationsRequest(
            usernames=usernames,
            category=category,
            message=message,
            properties=properties or {},
            key=key,
            idempotency_key=idempotency_key,
        )
        response = self._notifications.CreateNotifications(
            request, timeout=self._timeout, metadata=self._metadata()
        )
        return list(response.results)

    def add_topic_subscribers(self, topic: str, usernames: Sequence[str]) -> int:
        """Adds up to 1000 users to ``topic``; returns its subscriber count."""
        response = self._topics.AddTopicSubscribers(
            topic_pb2.AddTopicSubscribersRequest(topic=topic, usernames=usernames),
            timeout=self._timeout,
            metadata=self._metadata(),
        )
        return response.subscriber_count

    def remove_topic_subscribers(self, topic: str, usernames: Sequence[str]) -> int:
        """Removes up to 1000 users from ``topic``; returns its subscriber count."""
        response = self._topics.RemoveTopicSubscribers(
            topic_pb2.RemoveTopicSubscribersRequest(topic=topic, usernames=usernames),
            timeout=self._timeout,
            metadata=self._metadata(),
        )
        return response.subscriber_count

    def list_topic_subscribers(
        self, topic: str, page_size: int = 0, page_token: str = ""
    ) -> topic_pb2.ListTopicSubscribersResponse:
        """One page of ``topic``'s subscribers (``page_size`` 0 means 100)."""
        request = topic_pb2.ListTopicSubscribersRequest(
            topic=topic, page_size=page_size, page_token=page_token
        )
        return self._topics.ListTopicSubscribers(
            request, timeout=self._timeout, metadata=self._metadata()
        )

    def iter_topic_subscribers(self, topic: str, page_size: int = 0) -> Iterator[str]:
        """Every subscriber of ``topic``, fetched a page at a time."""
        page_token = ""
        while True:
            page = self.list_topic_subscribers(topic, page_size, page_token)
            yield from page.usernames
            page_token = page.next_page_token
            if not page_token:
                return

    def publish_to_topic(
        self,
        topic: str,
        category: str,
        message: str,
        properties: Mapping[str, str] | None = None,
        *,
        key: str = "",
        idempotency_key: str = "",
    ) -> notification_pb2.Job:
        """Sends a notification to every subscriber of ``topic`` as a durable job.

        Returns the job once it is recorded; ``wait_for_job`` follows it. The
        same ``idempotency_key`` answers the same job.
        """
        request = topic_pb2.PublishToTopicRequest(
            topic=topic,
            category=category,
            message=message,
            properties=properties or {},
            key=key,
            idempotency_key=idempotency_key,
        )
        return self._topics.PublishToTopic(
            request, timeout=self._timeout, metadata=self._metadata()
        ).job

    def broadcast_to_topic(
        self,
        topic: str,
        category: str,
        message: str,
        properties: Mapping[str, str] | None = None,
    ) -> int:
        """A ``broadcast`` event to the live streams of ``topic``'s subscribers; nothing stored.

        Returns how many it reached.
        """
        request = topic_pb2.PublishToTopicRequest(
            topic=topic,
            category=category,
            message=message,
            properties=properties or {},
            ephemeral=True,
        )
        response = self._topics.PublishToTopic(
            request, timeout=self._timeout, metadata=self._metadata()
        )
        return response.subscriber_count

    def get_job(self, job_id: str) -> notification_pb2.Job:
        """A job's ``state``, ``total``, ``done`` and ``failed``."""
        return self._jobs.GetJob(
            job_pb2.GetJobRequest(job_id=job_id), timeout=self._timeout, metadata=self._metadata()
        ).job

    def wait_for_job(
        self, job_id: str, interval: float = 0.25, timeout: float | None = None
    ) -> notification_pb2.Job:
        """Polls a job every ``interval`` seconds until it is done; returns it.

        Raises ``TimeoutError`` when ``timeout`` seconds pass first.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            job = self.get_job(job_id)
            if job.state == notification_pb2.JOB_STATE_DONE:
                return job
            if deadline is not None and time.monotonic() >= deadline:
                raise TimeoutError(f"job {job_id} is not done after {timeout} s")
            time.sleep(interval)

    def update_notifications_by_key(
        self,
        key: str,
        *,
        message: str | None = None,
        properties: Mapping[str, str] | None = None,
        remove_properties: Sequence[str] = (),
    ) -> notification_pb2.Job:
        """Changes every copy of the notifications with ``key``, in place; returns the job."""
        request = notification_pb2.UpdateNotificationsByKeyRequest(
            key=key, properties=properties or {}, remove_properties=remove_properties
        )
        if message is not None:
            request.message = message
        return self._notifications.UpdateNotificationsByKey(
            request, timeout=self._timeout, metadata=self._metadata()
        ).job

    def delete_notifications_by_key(self, key: str) -> notification_pb2.Job:
        """Deletes every copy of the notifications with ``key``; returns the job."""
        return self._notifications.DeleteNotificationsByKey(
            notification_pb2.DeleteNotificationsByKeyRequest(key=key),
            timeout=self._timeout,
            metadata=self._metadata(),
        ).job

    def mark_notifications_read_by_key(self, key: str) -> notification_pb2.Job:
        """Marks every copy of the notifications with ``key`` read; returns the job."""
        return self._notifications.MarkNotificationsReadByKey(
            notification_pb2.MarkNotificationsReadByKeyRequest(key=key),
            timeout=self._timeout,
            metadata=self._metadata(),
        ).job
