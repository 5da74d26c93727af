"""The signature on every delivery: what a receiver checks holds for a body as sent, and
fails, saying why, for every way a body or header can be wrong; the keys file and the
endpoint setting refuse what cannot be used, without showing a secret."""

from __future__ import annotations

import hashlib
import hmac
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopfsm.delivery import KEY_HEADER, SIGNATURE_HEADER, check_endpoint, read_keys, sign, verify
from sopfsm.delivery.policy import RetryPolicy, retried, retry_after
from sopfsm.delivery.signature import dev_key
from sopfsm.errors import BadSignature, DeliveryConfigError
from sopfsm.signing import SigningKey

KEY = SigningKey("apkt-2026-12", b"the receiver and sopfsm share this secret")
OLD = SigningKey("apkt-2026-06", b"the key before the rotation, still known")
NOW = 1_764_806_400.0
BODY = b'{"report_id":"apkt-1","revision":1}'
KNOWN = {KEY.id: KEY.secret, OLD.id: OLD.secret}


def test_a_signed_body_verifies_by_the_documented_recipe() -> None:
    headers = sign(BODY, KEY, at=NOW)
    assert verify(BODY, headers, KNOWN, now=NOW + 10) == KEY.id
    # The recipe without sopfsm: HMAC-SHA256 over "{t}." + the raw body, hex.
    stamp, digest = (part.split("=", 1)[1] for part in headers[SIGNATURE_HEADER].split(","))
    expected = hmac.new(KEY.secret, f"{stamp}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert digest == expected and headers[KEY_HEADER] == KEY.id


def test_headers_are_matched_whatever_their_case() -> None:
    lower = {name.lower(): value for name, value in sign(BODY, KEY, at=NOW).items()}
    assert verify(BODY, lower, KNOWN, now=NOW) == KEY.id


def test_after_a_rotation_both_keys_verify() -> None:
    assert verify(BODY, sign(BODY, OLD, at=NOW), KNOWN, now=NOW) == OLD.id
    assert verify(BODY, sign(BODY, KEY, at=NOW), KNOWN, now=NOW) == KEY.id


@given(st.binary(min_size=1, max_size=200), st.integers(0, 199))
def test_any_changed_byte_fails(body: bytes, where: int) -> None:
    headers = sign(body, KEY, at=NOW)
    changed = bytearray(body)
    changed[where % len(body)] ^= 0x01
    with pytest.raises(BadSignature, match="does not match"):
        verify(bytes(changed), headers, KNOWN, now=NOW)


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({}, "no Sopfsm-Signature"),
        ({SIGNATURE_HEADER: "t=1,v1=00"}, "no Sopfsm-Signature"),
        ({SIGNATURE_HEADER: "v1=00", KEY_HEADER: KEY.id}, "is not t=SECONDS"),
        ({SIGNATURE_HEADER: "t=abc,v1=00", KEY_HEADER: KEY.id}, "is not t=SECONDS"),
        ({SIGNATURE_HEADER: f"t={int(NOW)},v1=00", KEY_HEADER: "stolen"}, "not known"),
        ({SIGNATURE_HEADER: f"t={int(NOW) - 301},v1=00", KEY_HEADER: KEY.id}, "more than 300 s"),
        ({SIGNATURE_HEADER: f"t={int(NOW)},v1=00", KEY_HEADER: KEY.id}, "does not match"),
    ],
)
def test_a_bad_signature_is_refused_saying_why(headers: dict[str, str], why: str) -> None:
    with pytest.raises(BadSignature, match=why) as refused:
        verify(BODY, headers, KNOWN, now=NOW)
    assert isinstance(refused.value, ValueError)


def test_a_replayed_delivery_is_refused_after_the_tolerance() -> None:
    headers = sign(BODY, KEY, at=NOW)
    assert verify(BODY, headers, KNOWN, now=NOW + 300) == KEY.id
    with pytest.raises(BadSignature, match="more than 300 s"):
        verify(BODY, headers, KNOWN, now=NOW + 301)


def test_the_keys_file_signs_with_its_first_key(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    path.write_text(f"# rotated in December\n{KEY.id} {KEY.secret.decode()}\n\n"
                    f"{OLD.id} {OLD.secret.decode()}\n", encoding="utf-8")  # fmt: skip
    assert read_keys(path) == (KEY, OLD)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "holds no key"),
        ("# only a comment\n", "holds no key"),
        ("lonely\n", "line 1"),
        ("k1 tiny42\n", "line 1: its secret is shorter than 16 bytes"),
        (f"k1 {'s' * 20}\nk1 {'t' * 20}\n", "line 2: key 'k1' given twice"),
        # A secret alone, its name forgotten: named by its line, never shown.
        ("s3cret/with+symbols=and-long-enough\n", "line 1: it does not start with a key name"),
    ],
)
def test_a_broken_keys_file_is_refused_by_line_without_its_secret(
    tmp_path: Path, text: str, why: str
) -> None:
    path = tmp_path / "keys"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeliveryConfigError, match=why) as refused:
        read_keys(path)
    for secret in ("tiny42", "s" * 20, "t" * 20, "s3cret"):
        assert secret not in str(refused.value)


def test_a_tab_separates_a_keys_name_from_its_secret(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    path.write_text(f"{KEY.id}\t{KEY.secret.decode()}\n", encoding="utf-8")
    assert read_keys(path) == (KEY,)


def test_a_missing_keys_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DeliveryConfigError, match="cannot be read") as refused:
        read_keys(tmp_path / "nowhere")
    assert "nowhere" in str(refused.value)


def test_a_dev_key_is_written_for_its_owner_only_and_reads_back(tmp_path: Path) -> None:
    key, path = dev_key(tmp_path)
    assert path.stat().st_mode & 0o077 == 0
    assert read_keys(path) == (key,)


@pytest.mark.parametrize(
    "url",
    ["ftp://apkt.example/in", "apkt.example/in", "http:///in", "http://u:pw@apkt.example/in",
     "http://apkt.example:99999/in", "", "file:///etc/passwd"],
)  # fmt: skip
def test_an_endpoint_that_is_not_an_http_url_with_a_host_is_refused(url: str) -> None:
    with pytest.raises(DeliveryConfigError) as refused:
        check_endpoint(url)
    assert refused.value.setting == "--to"
    assert "pw" not in str(refused.value) or "pw@" not in url


@pytest.mark.parametrize("url", ["http://127.0.0.1:9000/apkt", "https://apkt.pln.example/in"])
def test_an_http_endpoint_is_taken_as_given(url: str) -> None:
    assert check_endpoint(url) == url


def test_backoff_grows_with_full_jitter_up_to_its_cap() -> None:
    policy = RetryPolicy(base=1.0, factor=2.0, cap=10.0, attempts=5)
    rng = random.Random(3)
    for attempts, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 10.0)]:
        waits = [policy.delay(attempts, None, rng) for _ in range(200)]
        assert all(0.0 <= w <= ceiling for w in waits)
        assert max(waits) > ceiling * 0.8  # drawn across the range, not pinned
    assert policy.delay(1, 3600 * 24 * 365, rng) == 10.0  # a receiver's wait, capped
    assert policy.delay(1, 2.5, rng) == 2.5
    assert not policy.exhausted(4) and policy.exhausted(5)


@pytest.mark.parametrize(
    ("status", "again"),
    [(408, True), (429, True), (500, True), (503, True), (400, False), (404, False),
     (410, False), (422, False)],
)  # fmt: skip
def test_which_answers_are_tried_again(status: int, again: bool) -> None:
    assert retried(status) is again


def test_retry_after_is_read_in_seconds_or_as_a_date() -> None:
    import datetime as dt

    now = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)
    assert retry_after("120", now) == 120.0
    assert retry_after("Sat, 05 Dec 2026 08:01:00 GMT", now) == 60.0
    assert retry_after("Sat, 05 Dec 2026 07:00:00 GMT", now) == 0.0
    assert retry_after("soon", now) is None
    assert retry_after(None, now) is None


def test_the_documented_recipe_without_sopfsm_checks_what_sopfsm_signs() -> None:
    import re
    import time

    page = (Path(__file__).parents[2] / "docs" / "apkt.md").read_text(encoding="utf-8")
    [recipe] = re.findall(r"```python\n(.*?)```", page, re.DOTALL)
    namespace: dict[str, object] = {}
    exec(recipe, namespace)  # the documentation's own code, as a reader runs it
    verified = namespace["verified"]
    key = SigningKey("apkt-2026-12", b"the shared secret")
    headers = sign(BODY, key, at=time.time())
    assert verified(BODY, headers) is True  # type: ignore[operator]
    assert verified(BODY + b" ", headers) is False  # type: ignore[operator]
    stale = sign(BODY, key, at=time.time() - 600)
    assert verified(BODY, stale) is False  # type: ignore[operator]


@pytest.mark.parametrize(
    ("why", "told"),
    [("refused with 422: nik 3171010101900001 (Budi)", "refused with 422"),
     ("503: Budi busy", "503"),
     ("gave up after 12 attempts: 503: Budi", "gave up after 12 attempts"),
     ("cannot connect (ConnectError)", "cannot connect (ConnectError)")],
)  # fmt: skip
def test_a_headline_leaves_out_the_receivers_words(why: str, told: str) -> None:
    from sopfsm.delivery.view import headline

    assert headline(why) == told
