from notification_client.gen.google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
JOB_STATE_DONE: JobState
JOB_STATE_PENDING: JobState
JOB_STATE_RUNNING: JobState
JOB_STATE_UNSPECIFIED: JobState
READ_FILTER_READ: ReadFilter
READ_FILTER_UNREAD: ReadFilter
READ_FILTER_UNSPECIFIED: ReadFilter

class ArchiveNotificationsRequest(_message.Message):
    __slots__ = ["all", "filter", "ids", "username"]
    ALL_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    IDS_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    all: bool
    filter: NotificationFilter
    ids: _containers.RepeatedScalarFieldContainer[str]
    username: str
    def __init__(self, username: _Optional[str] = ..., ids: _Optional[_Iterable[str]] = ..., all: bool = ..., filter: _Optional[_Union[NotificationFilter, _Mapping]] = ...) -> None: ...

class ArchiveNotificationsResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class CountNotificationsRequest(_message.Message):
    __slots__ = ["filter", "username"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    filter: NotificationFilter
    username: str
    def __init__(self, username: _Optional[str] = ..., filter: _Optional[_Union[NotificationFilter, _Mapping]] = ...) -> None: ...

class CountNotificationsResponse(_message.Message):
    __slots__ = ["total", "unread", "unseen"]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    UNREAD_FIELD_NUMBER: _ClassVar[int]
    UNSEEN_FIELD_NUMBER: _ClassVar[int]
    total: int
    unread: int
    unseen: int
    def __init__(self, total: _Optional[int] = ..., unseen: _Optional[int] = ..., unread: _Optional[int] = ...) -> None: ...

class CreateNotificationRequest(_message.Message):
    __slots__ = ["category", "idempotency_key", "key", "message", "properties", "username"]
    class PropertiesEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    category: str
    idempotency_key: str
    key: str
    message: str
    properties: _containers.ScalarMap[str, str]
    username: str
    def __init__(self, username: _Optional[str] = ..., category: _Optional[str] = ..., message: _Optional[str] = ..., properties: _Optional[_Mapping[str, str]] = ..., key: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CreateNotificationResponse(_message.Message):
    __slots__ = ["notification", "replayed", "suppressed"]
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    SUPPRESSED_FIELD_NUMBER: _ClassVar[int]
    notification: Notification
    replayed: bool
    suppressed: bool
    def __init__(self, notification: _Optional[_Union[Notification, _Mapping]] = ..., suppressed: bool = ..., replayed: bool = ...) -> None: ...

class CreateNotificationsRequest(_message.Message):
    __slots__ = ["category", "idempotency_key", "key", "message", "properties", "usernames"]
    class PropertiesEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    USERNAMES_FIELD_NUMBER: _ClassVar[int]
    category: str
    idempotency_key: str
    key: str
    message: str
    properties: _containers.ScalarMap[str, str]
    usernames: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, usernames: _Optional[_Iterable[str]] = ..., category: _Optional[str] = ..., message: _Optional[str] = ..., properties: _Optional[_Mapping[str, str]] = ..., key: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CreateNotificationsResponse(_message.Message):
    __slots__ = ["results"]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[RecipientResult]
    def __init__(self, results: _Optional[_Iterable[_Union[RecipientResult, _Mapping]]] = ...) -> None: ...

class DeleteNotificationsByKeyRequest(_message.Message):
    __slots__ = ["key"]
    KEY_FIELD_NUMBER: _ClassVar[int]
    key: str
    def __init__(self, key: _Optional[str] = ...) -> None: ...

class DeleteNotificationsByKeyResponse(_message.Message):
    __slots__ = ["job"]
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class DeleteNotificationsRequest(_message.Message):
    __slots__ = ["all", "ids", "username"]
    ALL_FIELD_NUMBER: _ClassVar[int]
    IDS_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    all: bool
    ids: _containers.RepeatedScalarFieldContainer[str]
    username: str
    def __init__(self, username: _Optional[str] = ..., ids: _Optional[_Iterable[str]] = ..., all: bool = ...) -> None: ...

class DeleteNotificationsResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class Job(_message.Message):
    __slots__ = ["created_at", "done", "failed", "id", "kind", "state", "total", "updated_at"]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    created_at: _timestamp_pb2.Timestamp
    done: int
    failed: int
    id: str
    kind: str
    state: JobState
    total: int
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[str] = ..., state: _Optional[_Union[JobState, str]] = ..., total: _Optional[int] = ..., done: _Optional[int] = ..., failed: _Optional[int] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListNotificationsRequest(_message.Message):
    __slots__ = ["filter", "page_size", "page_token", "username"]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    filter: NotificationFilter
    page_size: int
    page_token: str
    username: str
    def __init__(self, username: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[_Union[NotificationFilter, _Mapping]] = ...) -> None: ...

class ListNotificationsResponse(_message.Message):
    __slots__ = ["last_modified", "next_page_token", "notifications"]
    LAST_MODIFIED_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    last_modified: _timestamp_pb2.Timestamp
    next_page_token: str
    notifications: _containers.RepeatedCompositeFieldContainer[Notification]
    def __init__(self, notifications: _Optional[_Iterable[_Union[Notification, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., last_modified: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MarkNotificationsReadByKeyRequest(_message.Message):
    __slots__ = ["key"]
    KEY_FIELD_NUMBER: _ClassVar[int]
    key: str
    def __init__(self, key: _Optional[str] = ...) -> None: ...

class MarkNotificationsReadByKeyResponse(_message.Message):
    __slots__ = ["job"]
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class MarkNotificationsReadRequest(_message.Message):
    __slots__ = ["all", "filter", "ids", "username"]
    ALL_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    IDS_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    all: bool
    filter: NotificationFilter
    ids: _containers.RepeatedScalarFieldContainer[str]
    username: str
    def __init__(self, username: _Optional[str] = ..., ids: _Optional[_Iterable[str]] = ..., all: bool = ..., filter: _Optional[_Union[NotificationFilter, _Mapping]] = ...) -> None: ...

class MarkNotificationsReadResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class MarkNotificationsSeenRequest(_message.Message):
    __slots__ = ["up_to", "username"]
    UP_TO_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    up_to: str
    username: str
    def __init__(self, username: _Optional[str] = ..., up_to: _Optional[str] = ...) -> None: ...

class MarkNotificationsSeenResponse(_message.Message):
    __slots__ = ["cursor"]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    cursor: str
    def __init__(self, cursor: _Optional[str] = ...) -> None: ...

class MarkNotificationsUnreadRequest(_message.Message):
    __slots__ = ["ids", "username"]
    IDS_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    username: str
    def __init__(self, username: _Optional[str] = ..., ids: _Optional[_Iterable[str]] = ...) -> None: ...

class MarkNotificationsUnreadResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class Notification(_message.Message):
    __slots__ = ["archived", "category", "created_at", "id", "key", "message", "notifications", "properties", "read", "unseen"]
    class PropertiesEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ARCHIVED_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    READ_FIELD_NUMBER: _ClassVar[int]
    UNSEEN_FIELD_NUMBER: _ClassVar[int]
    archived: bool
    category: str
    created_at: _timestamp_pb2.Timestamp
    id: str
    key: str
    message: str
    notifications: _containers.RepeatedCompositeFieldContainer[Notification]
    properties: _containers.ScalarMap[str, str]
    read: bool
    unseen: bool
    def __init__(self, id: _Optional[str] = ..., category: _Optional[str] = ..., message: _Optional[str] = ..., created_at: _Optional[_Union[_timestamp_pb2.Timestamp, _Mapping]] = ..., unseen: bool = ..., properties: _Optional[_Mapping[str, str]] = ..., notifications: _Optional[_Iterable[_Union[Notification, _Mapping]]] = ..., read: bool = ..., archived: bool = ..., key: _Optional[str] = ...) -> None: ...

class NotificationFilter(_message.Message):
    __slots__ = ["archived", "categories", "properties", "read"]
    class PropertiesEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ARCHIVED_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    READ_FIELD_NUMBER: _ClassVar[int]
    archived: bool
    categories: _containers.RepeatedScalarFieldContainer[str]
    properties: _containers.ScalarMap[str, str]
    read: ReadFilter
    def __init__(self, categories: _Optional[_Iterable[str]] = ..., read: _Optional[_Union[ReadFilter, str]] = ..., archived: bool = ..., properties: _Optional[_Mapping[str, str]] = ...) -> None: ...

class RecipientError(_message.Message):
    __slots__ = ["code", "message"]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class RecipientResult(_message.Message):
    __slots__ = ["error", "notification", "replayed", "suppressed", "username"]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    NOTIFICATION_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    SUPPRESSED_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    error: RecipientError
    notification: Notification
    replayed: bool
    suppressed: bool
    username: str
    def __init__(self, username: _Optional[str] = ..., notification: _Optional[_Union[Notification, _Mapping]] = ..., suppressed: bool = ..., replayed: bool = ..., error: _Optional[_Union[RecipientError, _Mapping]] = ...) -> None: ...

class UnarchiveNotificationsRequest(_message.Message):
    __slots__ = ["ids", "username"]
    IDS_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    username: str
    def __init__(self, username: _Optional[str] = ..., ids: _Optional[_Iterable[str]] = ...) -> None: ...

class UnarchiveNotificationsResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class UpdateNotificationsByKeyRequest(_message.Message):
    __slots__ = ["key", "message", "properties", "remove_properties"]
    class PropertiesEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    KEY_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    REMOVE_PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    key: str
    message: str
    properties: _containers.ScalarMap[str, str]
    remove_properties: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, key: _Optional[str] = ..., message: _Optional[str] = ..., properties: _Optional[_Mapping[str, str]] = ..., remove_properties: _Optional[_Iterable[str]] = ...) -> None: ...

class UpdateNotificationsByKeyResponse(_message.Message):
    __slots__ = ["job"]
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: Job
    def __init__(self, job: _Optional[_Union[Job, _Mapping]] = ...) -> None: ...

class ReadFilter(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []

class JobState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = []
