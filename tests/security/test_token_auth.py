"""Bearer tokens: the project's TokenAuth decides every case as Wagtail's own BearerTokenAuth does."""

import datetime

import pytest

from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.utils import timezone

from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.models import APIToken

from home.api_auth import TokenAuth

pytestmark = pytest.mark.django_db


def decision(auth, token):
    """(the token's pk or None, the user the request is left with) after `auth` checked `token`."""
    request = RequestFactory().get("/api/search")
    request.user = AnonymousUser()
    found = auth.authenticate(request, token)
    return (found.pk if found else None), request.user


def both(token):
    ours, wagtails = decision(TokenAuth(), token), decision(BearerTokenAuth(), token)
    assert ours == wagtails
    return ours


def test_a_valid_token_is_its_owner(rep):
    instance, plaintext = APIToken.create_token(user=rep, name="CRM")
    assert both(plaintext) == (instance.pk, rep)


def test_a_revoked_token_an_unknown_one_and_an_inactive_owner_are_nobody(rep, marketer):
    revoked, revoked_text = APIToken.create_token(user=rep, name="old")
    revoked.revoke()
    _instance, inactive_text = APIToken.create_token(user=marketer, name="left")
    marketer.is_active = False
    marketer.save()
    for token in (revoked_text, inactive_text, "wagtail_not-a-real-token", "x' OR '1'='1"):
        found, user = both(token)
        assert found is None and not user.is_authenticated


def test_a_token_made_before_a_secret_key_rotation_still_works(settings, rep):
    instance, plaintext = APIToken.create_token(user=rep, name="CRM")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-0123456789"
    assert both(plaintext) == (instance.pk, rep)


def test_use_is_recorded_once_a_minute_at_most(rep):
    instance, plaintext = APIToken.create_token(user=rep, name="CRM")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert client.get("/api/search", {"q": "roi"}).status_code == 200
    first_use = APIToken.objects.get(pk=instance.pk).last_used_at
    assert first_use is not None
    assert client.get("/api/search", {"q": "roi"}).status_code == 200
    assert APIToken.objects.get(pk=instance.pk).last_used_at == first_use  # within the minute: no write
    APIToken.objects.filter(pk=instance.pk).update(last_used_at=first_use - datetime.timedelta(minutes=5))
    assert client.get("/api/search", {"q": "roi"}).status_code == 200
    assert APIToken.objects.get(pk=instance.pk).last_used_at > timezone.now() - datetime.timedelta(seconds=30)
