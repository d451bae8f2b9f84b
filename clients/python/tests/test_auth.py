"""The Python client against a service with ``auth.mode: jwt``: it sends its token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import grpc
import pytest

from notification_client import NotificationClient

from conftest import JWT_SECRET, Server


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256_token(claims: dict[str, object], secret: str = JWT_SECRET) -> str:
    """A JWT signed with HS256, as an identity provider (or `npm run token`) issues it."""
    payload = {"exp": int(time.time()) + 3600, **claims}
    signing_input = (
        _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        + "."
        + _b64(json.dumps(payload).encode())
    )
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + _b64(signature)


def test_a_user_token_reaches_its_own_inbox(jwt_server: Server) -> None:
    producer = hs256_token({"sub": "py-producer", "scope": "notifications:write"})
    with NotificationClient(jwt_server.target, token=producer) as client:
        created = client.create_notification("py-auth-ann", "like", "hello")
    with NotificationClient(jwt_server.target, token=hs256_token({"sub": "py-auth-ann"})) as ann:
        assert [n.id for n in ann.list_notifications("py-auth-ann").notifications] == [created.id]
        with pytest.raises(grpc.RpcError) as other:
            ann.list_notifications("py-auth-bob")
        assert other.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "names another user" in other.value.details()
        with pytest.raises(grpc.RpcError) as create:
            ann.create_notification("py-auth-ann", "like", "self-made")
        assert create.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_without_a_token_or_with_a_bad_one_the_service_says_why(jwt_server: Server) -> None:
    with NotificationClient(jwt_server.target) as anonymous:
        with pytest.raises(grpc.RpcError) as missing:
            anonymous.list_notifications("py-auth-ann")
    assert missing.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "no token" in missing.value.details()
    forged = hs256_token({"sub": "py-auth-ann"}, secret="another-secret-of-enough-length-0123456789")
    with NotificationClient(jwt_server.target, token=forged) as client:
        with pytest.raises(grpc.RpcError) as bad:
            client.list_notifications("py-auth-ann")
    assert bad.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "signature" in bad.value.details()
    assert forged not in bad.value.details()


def test_a_token_function_is_asked_before_every_call(jwt_server: Server) -> None:
    asked: list[int] = []

    def token() -> str:
        asked.append(1)
        return hs256_token({"sub": "py-auth-fn"})

    with NotificationClient(jwt_server.target, token=token) as client:
        client.list_notifications("py-auth-fn")
        client.list_notifications("py-auth-fn")
        events = client.subscribe("py-auth-fn")
        first = next(events)
        events.cancel()
    assert first.WhichOneof("event") == "state"
    assert len(asked) == 3
