"""Preferences and unsubscribe through the Python client, over real gRPC."""

from __future__ import annotations

import grpc
import pytest

from notification_client import NotificationClient
from notification_client.gen.notification.v1 import preference_pb2

from conftest import UNSUBSCRIBE_SECRET
from test_auth import hs256_token


def _daily(address: str) -> preference_pb2.Preferences:
    return preference_pb2.Preferences(
        email=preference_pb2.EmailPreferences(
            address=address, digest="daily", time="07:45", time_zone="europe/paris"
        ),
        categories={"promo": preference_pb2.CategoryPreferences(in_app=False)},
    )


def test_update_read_back_and_a_muted_create(client: NotificationClient) -> None:
    stored = client.update_preferences("py-pref-ann", _daily("ann@example.com"))
    assert stored.email.time_zone == "Europe/Paris"
    assert stored.email.weekday == "monday"
    read = client.get_preferences("py-pref-ann")
    assert read.preferences == stored
    assert list(read.critical_categories) == ["security"]
    assert client.create_notification("py-pref-ann", "promo", "sale") is None
    assert client.create_notification("py-pref-ann", "security", "sign-in").category == "security"


def test_a_bad_field_is_invalid_argument_naming_it(client: NotificationClient) -> None:
    bad = preference_pb2.Preferences(
        email=preference_pb2.EmailPreferences(address="a@example.com", digest="hourly")
    )
    with pytest.raises(grpc.RpcError) as error:
        client.update_preferences("py-pref-bob", bad)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.value.details().startswith("preferences.email.digest ")


def test_unsubscribe_with_a_digest_links_token(client: NotificationClient) -> None:
    client.update_preferences("py-pref-cy", _daily("cy@example.com"))
    # What a digest's link carries: a JWT for this audience, user and address.
    token = hs256_token(
        {
            "sub": "py-pref-cy",
            "adr": "cy@example.com",
            "aud": "notification.v1.PreferenceService/Unsubscribe",
        },
        UNSUBSCRIBE_SECRET,
    )
    client.unsubscribe(token)
    assert client.get_preferences("py-pref-cy").preferences.email.digest == "off"
    with pytest.raises(grpc.RpcError) as error:
        client.unsubscribe("forged")
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
