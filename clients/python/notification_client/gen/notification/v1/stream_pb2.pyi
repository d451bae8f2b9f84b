from google.protobuf import timestamp_pb2 as _timestamp_pb2
from notification_client.gen.notification.v1 import notification_pb2 as _notification_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Heartbeat(_message.Message):
    __slots__ = ["time"]
    TIME_FIELD_NUMBER: _ClassVar[int]
    time: _timestamp_pb2.Timestamp
    def __init__(self, time: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class InboxState(_message.Message):
    __slots__ = ["newest_id", "unseen_count"]
    NEWEST_ID_FIELD_NUMBER: _ClassVar[int]
    UNSEEN_COUNT_FIELD_NUMBER: _ClassVar[int]
    newest_id: str
    unseen_count: int
    def __init__(self, unseen_count: _Optional[int] = ..., newest_id: _Optional[str] = ...) -> None: ...

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

class SubscribeRequest(_message.Message):
    __slots__ = ["after", "username"]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    after: str
    username: str
    def __init__(self, username: _Optional[str] = ..., after: _Optional[str] = ...) -> None: ...

class SubscribeResponse(_message.Message):
    __slots__ = ["cleared", "deleted", "heartbeat", "notification", "state"]
    CLEARED_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    cleared: NotificationsCleared
    deleted: NotificationsDeleted
    heartbeat: Heartbeat
    notification: _notification_pb2.Notification
    state: InboxState
    def __init__(self, state: _Optional[_Union[InboxState, _Mapping]] = ..., notification: _Optional[_Union[_notification_pb2.Notification, _Mapping]] = ..., deleted: _Optional[_Union[NotificationsDeleted, _Mapping]] = ..., cleared: _Optional[_Union[NotificationsCleared, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ...) -> None: ...
