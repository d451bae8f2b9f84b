from notification_client.gen.google.api import annotations_pb2 as _annotations_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CategoryPreferences(_message.Message):
    __slots__ = ["email", "in_app"]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    IN_APP_FIELD_NUMBER: _ClassVar[int]
    email: bool
    in_app: bool
    def __init__(self, in_app: bool = ..., email: bool = ...) -> None: ...

class EmailPreferences(_message.Message):
    __slots__ = ["address", "digest", "time", "time_zone", "weekday"]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    WEEKDAY_FIELD_NUMBER: _ClassVar[int]
    address: str
    digest: str
    time: str
    time_zone: str
    weekday: str
    def __init__(self, address: _Optional[str] = ..., digest: _Optional[str] = ..., time: _Optional[str] = ..., weekday: _Optional[str] = ..., time_zone: _Optional[str] = ...) -> None: ...

class GetPreferencesRequest(_message.Message):
    __slots__ = ["username"]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    username: str
    def __init__(self, username: _Optional[str] = ...) -> None: ...

class GetPreferencesResponse(_message.Message):
    __slots__ = ["critical_categories", "preferences"]
    CRITICAL_CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    critical_categories: _containers.RepeatedScalarFieldContainer[str]
    preferences: Preferences
    def __init__(self, preferences: _Optional[_Union[Preferences, _Mapping]] = ..., critical_categories: _Optional[_Iterable[str]] = ...) -> None: ...

class Preferences(_message.Message):
    __slots__ = ["categories", "email"]
    class CategoriesEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: CategoryPreferences
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[CategoryPreferences, _Mapping]] = ...) -> None: ...
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    categories: _containers.MessageMap[str, CategoryPreferences]
    email: EmailPreferences
    def __init__(self, categories: _Optional[_Mapping[str, CategoryPreferences]] = ..., email: _Optional[_Union[EmailPreferences, _Mapping]] = ...) -> None: ...

class UnsubscribeRequest(_message.Message):
    __slots__ = ["token"]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class UnsubscribeResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class UpdatePreferencesRequest(_message.Message):
    __slots__ = ["preferences", "username"]
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    preferences: Preferences
    username: str
    def __init__(self, username: _Optional[str] = ..., preferences: _Optional[_Union[Preferences, _Mapping]] = ...) -> None: ...

class UpdatePreferencesResponse(_message.Message):
    __slots__ = ["preferences"]
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    preferences: Preferences
    def __init__(self, preferences: _Optional[_Union[Preferences, _Mapping]] = ...) -> None: ...
