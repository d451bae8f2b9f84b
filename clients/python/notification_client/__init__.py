"""Python client of the notification service (gRPC), generated from proto/.

``NotificationClient`` wraps the generated stubs; the messages are in
``notification_client.gen.notification.v1`` (``notification_pb2``,
``rule_pb2``, ``stream_pb2``, ``topic_pb2``, ``job_pb2``).
"""

from notification_client.client import DEFAULT_TIMEOUT, NotificationClient, inbox_filter
from notification_client.gen.notification.v1.notification_pb2 import (
    Job,
    Notification,
    RecipientResult,
)
from notification_client.gen.notification.v1.rule_pb2 import Rule
from notification_client.gen.notification.v1.stream_pb2 import SubscribeResponse

__all__ = [
    "DEFAULT_TIMEOUT",
    "Job",
    "Notification",
    "NotificationClient",
    "RecipientResult",
    "Rule",
    "SubscribeResponse",
    "inbox_filter",
]
