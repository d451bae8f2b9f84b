from google.protobuf import timestamp_pb2 as _timestamp_pb2
from notification_client.gen.notification.v1 import notification_pb2 as _notification_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Broadcast(_message.Message):
    __slots__ = ["category", "message", "properties", "sent_at", "topic"]
    class PropertiesEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    category: str
    message: str
    properties: _containers.ScalarMap[str, str]
    sent_at: _timestamp_pb2.Timestamp
    topic: str
    def __init__(self, topic: _Optional[str] = ..., category: _Optional[str] = ..., message: _Optional[str] = ..., properties: _Optional[_Mapping[str, str]] = ..., sent_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CursorMoved(_message.Message):
    __slots__ = ["cursor"]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    def __init__(self, cursor: _Optional[str] = ...) -> None: ...

class Heartbeat(_message.Message):
    __slots__ = ["time"]
    TIME_FIELD_NUMBER: _ClassVar[int]
    time: _timestamp_pb2.Timestamp
    def __init__(self, time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class InboxCounts(_message.Message):
    __slots__ = ["total", "unread", "unseen"]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    UNREAD_FIELD_NUMBER: _ClassVar[int]
    UNSEEN_FIELD_NUMBER: _ClassVar[int]
    total: int
    unread: int
    unseen: int
    def __init__(self, total: _Optional[int] = ..., unseen: _Optional[int] = ..., unread: _Optional[int] = ...) -> None: ...

class InboxState(_message.Message):
    __slots__ = ["cursor", "newest_id", "resync", "total_count", "unread_count", "unseen_count"]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    NEWEST_ID_FIELD_NUMBER: _ClassVar[int]
    RESYNC_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    UNREAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    UNSEEN_COUNT_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    newest_id: str
    resync: bool
    total_count: int
    unread_count: int
    unseen_count: int
    def __init__(self, unseen_count: _Optional[int] = ..., newest_id: _Optional[str] = ..., total_count: _Optional[int] = ..., unread_count: _Optional[int] = ..., cursor: _Optional[str] = ..., resync: bool = ...) -> None: ...

class NotificationUpdated(_message.Message):
    __slots__ = ["notification"]
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    notification: _notification_pb2.Notification
    def __init__(self, notification: _Optional[_Union[_notification_pb2.Notification, _Mapping]] = ...) -> None: ...

class NotificationsArchived(_message.Message):
    __slots__ = ["archived", "ids"]
    ARCHIVED_FIELD_NUMBER: _ClassVar[int]
    IDS_FIELD_NUMBER: _ClassVar[int]
    archived: bool
    ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ids: _Optional[_Iterable[str]] = ..., archived: bool = ...) -> None: ...

class NotificationsArchivedAll(_message.Message):
    __slots__ = ["filter", "up_to"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    UP_TO_FIELD_NUMBER: _ClassVar[int]
    filter: _notification_pb2.NotificationFilter
    up_to: str
    def __init__(self, up_to: _Optional[str] = ..., filter: _Optional[_Union[_notification_pb2.NotificationFilter, _Mapping]] = ...) -> None: ...

class NotificationsCleared(_message.Message):
    __slots__ = ["ids", "up_to"]
    IDS_FIELD_NUMBER: _ClassVar[int]
    UP_TO_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    up_to: str
    def __init__(self, up_to: _Optional[str] = ..., ids: _Optional[_Iterable[str]] = ...) -> None: ...

class NotificationsDeleted(_message.Message):
    __slots__ = ["ids"]
    IDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ids: _Optional[_Iterable[str]] = ...) -> None: ...

class NotificationsRead(_message.Message):
    __slots__ = ["ids", "read"]
    IDS_FIELD_NUMBER: _ClassVar[int]
    READ_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    read: bool
    def __init__(self, ids: _Optional[_Iterable[str]] = ..., read: bool = ...) -> None: ...

class NotificationsReadAll(_message.Message):
    __slots__ = ["filter", "up_to"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    UP_TO_FIELD_NUMBER: _ClassVar[int]
    filter: _notification_pb2.NotificationFilter
    up_to: str
    def __init__(self, up_to: _Optional[str] = ..., filter: _Optional[_Union[_notification_pb2.NotificationFilter, _Mapping]] = ...) -> None: ...

class SubscribeRequest(_message.Message):
    __slots__ = ["after", "username"]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    after: str
    username: str
    def __init__(self, username: _Optional[str] = ..., after: _Optional[str] = ...) -> None: ...

class SubscribeResponse(_message.Message):
    __slots__ = ["archived", "archived_all", "broadcast", "cleared", "counts", "deleted", "heartbeat", "notification", "read", "read_all", "seen", "state", "updated"]
    ARCHIVED_ALL_FIELD_NUMBER: _ClassVar[int]
    ARCHIVED_FIELD_NUMBER: _ClassVar[int]
    BROADCAST_FIELD_NUMBER: _ClassVar[int]
    CLEARED_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    READ_ALL_FIELD_NUMBER: _ClassVar[int]
    READ_FIELD_NUMBER: _ClassVar[int]
    SEEN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    archived: NotificationsArchived
    archived_all: NotificationsArchivedAll
    broadcast: Broadcast
    cleared: NotificationsCleared
    counts: InboxCounts
    deleted: NotificationsDeleted
    heartbeat: Heartbeat
    notification: _notification_pb2.Notification
    read: NotificationsRead
    read_all: NotificationsReadAll
    seen: CursorMoved
    state: InboxState
    updated: NotificationUpdated
    def __init__(self, state: _Optional[_Union[InboxState, _Mapping]] = ..., notification: _Optional[_Union[_notification_pb2.Notification, _Mapping]] = ..., deleted: _Optional[_Union[NotificationsDeleted, _Mapping]] = ..., cleared: _Optional[_Union[NotificationsCleared, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ..., read: _Optional[_Union[NotificationsRead, _Mapping]] = ..., read_all: _Optional[_Union[NotificationsReadAll, _Mapping]] = ..., archived: _Optional[_Union[NotificationsArchived, _Mapping]] = ..., archived_all: _Optional[_Union[NotificationsArchivedAll, _Mapping]] = ..., seen: _Optional[_Union[CursorMoved, _Mapping]] = ..., updated: _Optional[_Union[NotificationUpdated, _Mapping]] = ..., broadcast: _Optional[_Union[Broadcast, _Mapping]] = ..., counts: _Optional[_Union[InboxCounts, _Mapping]] = ...) -> None: ...
