import time

import pytest

from newswatch.errors import PermanentDeliveryError, TransientDeliveryError
from newswatch.notify.webhook import classify, sign, verify


def test_signature_verifies_and_detects_tampering() -> None:
    body = b'{"id":"abc"}'
    header = sign("s3cret", body, int(time.time()))
    assert verify("s3cret", header, body)
    assert not verify("s3cret", header, body + b" ")
    assert not verify("other", header, body)


def test_old_signatures_are_rejected() -> None:
    body = b"{}"
    an_hour_ago = int(time.time()) - 3600
    assert not verify("k", sign("k", body, an_hour_ago), body)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503])
def test_transient_statuses(status: int) -> None:
    with pytest.raises(TransientDeliveryError):
        classify(status, "7", "http://h/")


def test_retry_after_is_carried() -> None:
    with pytest.raises(TransientDeliveryError) as info:
        classify(429, "7", "http://h/")
    assert info.value.retry_after == 7.0


@pytest.mark.parametrize("status", [400, 401, 404, 410, 422])
def test_permanent_statuses(status: int) -> None:
    with pytest.raises(PermanentDeliveryError):
        classify(status, None, "http://h/")


def test_success_statuses_pass() -> None:
    for status in (200, 201, 202, 204):
        classify(status, None, "http://h/")
