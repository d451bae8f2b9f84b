from notification_client.gen.google.api import annotations_pb2 as _annotations_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DeleteRuleRequest(_message.Message):
    __slots__ = ["category"]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    category: str
    def __init__(self, category: _Optional[str] = ...) -> None: ...

class DeleteRuleResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListRulesRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class ListRulesResponse(_message.Message):
    __slots__ = ["rules"]
    class RulesEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: Rule
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[Rule, _Mapping]] = ...) -> None: ...
    RULES_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.MessageMap[str, Rule]
    def __init__(self, rules: _Optional[_Mapping[str, Rule]] = ...) -> None: ...

class PutRuleRequest(_message.Message):
    __slots__ = ["category", "rule"]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    category: str
    rule: Rule
    def __init__(self, category: _Optional[str] = ..., rule: _Optional[_Union[Rule, _Mapping]] = ...) -> None: ...

class PutRuleResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class Rule(_message.Message):
    __slots__ = ["match_on", "max_duration", "max_size"]
    MATCH_ON_FIELD_NUMBER: _ClassVar[int]
    MAX_DURATION_FIELD_NUMBER: _ClassVar[int]
    MAX_SIZE_FIELD_NUMBER: _ClassVar[int]
    match_on: str
    max_duration: str
    max_size: int
    def __init__(self, max_size: _Optional[int] = ..., max_duration: _Optional[str] = ..., match_on: _Optional[str] = ...) -> None: ...
