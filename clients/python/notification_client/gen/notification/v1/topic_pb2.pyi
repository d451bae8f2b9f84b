from notification_client.gen.google.api import annotations_pb2 as _annotations_pb2
from notification_client.gen.notification.v1 import notification_pb2 as _notification_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AddTopicSubscribersRequest(_message.Message):
    __slots__ = ["topic", "usernames"]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    USERNAMES_FIELD_NUMBER: _ClassVar[int]
    topic: str
    usernames: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, topic: _Optional[str] = ..., usernames: _Optional[_Iterable[str]] = ...) -> None: ...

class AddTopicSubscribersResponse(_message.Message):
    __slots__ = ["subscriber_count"]
    SUBSCRIBER_COUNT_FIELD_NUMBER: _ClassVar[int]
    subscriber_count: int
    def __init__(self, subscriber_count: _Optional[int] = ...) -> None: ...

class ListTopicSubscribersRequest(_message.Message):
    __slots__ = ["page_size", "page_token", "topic"]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    topic: str
    def __init__(self, topic: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTopicSubscribersResponse(_message.Message):
    __slots__ = ["next_page_token", "subscriber_count", "usernames"]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIBER_COUNT_FIELD_NUMBER: _ClassVar[int]
    USERNAMES_FIELD_NUMBER: _ClassVar[int]
    next_page_token: str
    subscriber_count: int
    usernames: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, usernames: _Optional[_Iterable[str]] = ..., next_page_token: _Optional[str] = ..., subscriber_count: _Optional[int] = ...) -> None: ...

class PublishToTopicRequest(_message.Message):
    __slots__ = ["category", "ephemeral", "idempotency_key", "key", "message", "properties", "topic"]
    class PropertiesEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    EPHEMERAL_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PROPERTIES_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    category: str
    ephemeral: bool
    idempotency_key: str
    key: str
    message: str
    properties: _containers.ScalarMap[str, str]
    topic: str
    def __init__(self, topic: _Optional[str] = ..., category: _Optional[str] = ..., message: _Optional[str] = ..., properties: _Optional[_Mapping[str, str]] = ..., key: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., ephemeral: bool = ...) -> None: ...

class PublishToTopicResponse(_message.Message):
    __slots__ = ["job", "subscriber_count"]
    JOB_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIBER_COUNT_FIELD_NUMBER: _ClassVar[int]
    job: _notification_pb2.Job
    subscriber_count: int
    def __init__(self, job: _Optional[_Union[_notification_pb2.Job, _Mapping]] = ..., subscriber_count: _Optional[int] = ...) -> None: ...

class RemoveTopicSubscribersRequest(_message.Message):
    __slots__ = ["topic", "usernames"]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    USERNAMES_FIELD_NUMBER: _ClassVar[int]
    topic: str
    usernames: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, topic: _Optional[str] = ..., usernames: _Optional[_Iterable[str]] = ...) -> None: ...

class RemoveTopicSubscribersResponse(_message.Message):
    __slots__ = ["subscriber_count"]
    SUBSCRIBER_COUNT_FIELD_NUMBER: _ClassVar[int]
    subscriber_count: int
    def __init__(self, subscriber_count: _Optional[int] = ...) -> None: ...
