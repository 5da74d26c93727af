"""No secret of a store URL, a token file or a signing key in any response (``/readyz``
needs no token), start-up line, log line or error message, in any form of the URL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from sopfsm.cli import main
from sopfsm.store.url import redacted, scrubbed
from tests.support.backends import PATIENCE, SECRET, TOKENS
from tests.support.servers import Served

PASSWORD = "Hunter2-s3cret"

URL_FORMS = {
    "user:pw@": f"postgresql://sopfsm:{PASSWORD}@db.example/calls",
    "user:pw@ with @ unescaped": f"postgresql://sopfsm:{PASSWORD}@x@db.example/calls",
    "?password=": f"postgresql://sopfsm@db.example/calls?password={PASSWORD}",
    "&password= after another": f"postgresql://db.example/calls?schema=s&password={PASSWORD}",
    "?PASSWORD= in capitals": f"postgresql://db.example/calls?PASSWORD={PASSWORD}",
    "percent-encoded key": f"postgresql://db.example/calls?pass%77ord={PASSWORD}",
    "passfile": f"postgresql://db.example/calls?passfile=/etc/{PASSWORD}",
    "sslpassword": f"postgres://db.example/calls?sslpassword={PASSWORD}",
    "key=value": f"host=db.example password={PASSWORD} dbname=calls",
    "key=value quoted": f"host=db.example password = '{PASSWORD} x' dbname=calls",
    "another scheme": f"mysql://sopfsm:{PASSWORD}@db.example/calls",
}


@pytest.mark.parametrize("form", URL_FORMS)
def test_a_redacted_store_url_keeps_the_store_and_hides_its_secret(form: str) -> None:
    url = URL_FORMS[form]
    shown = redacted(url)
    assert PASSWORD not in shown
    assert "***" in shown
    assert "db.example" in shown
    assert PASSWORD not in scrubbed(f'cannot connect: bad conninfo "{url}"', url)


def test_a_url_without_a_secret_is_shown_as_given() -> None:
    for url in ("postgresql://sopfsm@db.example:5433/calls?schema=qa", "memory:"):
        assert redacted(url) == url


@pytest.mark.parametrize("form", URL_FORMS)
def test_a_store_that_cannot_be_opened_is_named_without_its_secret(
    form: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = URL_FORMS[form].replace("db.example", "127.0.0.1:1")  # nothing listens there
    assert main(["serve", "--dev", "--store", url]) == 2
    err = capsys.readouterr().err
    assert PASSWORD not in err
    assert "127.0.0.1" in err


def test_a_serving_store_url_shows_no_password_at_start_or_when_ready(
    serve: Callable[..., Served], postgres_url: str, tokens_file: Path, secret_file: Path
) -> None:
    url = f"{postgres_url}&password={PASSWORD}"  # trust auth: the password goes unused
    served = serve("--store", url, "--tokens", str(tokens_file), "--secret", str(secret_file))
    ready = httpx.get(f"{served.url}/readyz", timeout=PATIENCE)
    assert ready.status_code == 200
    assert "password=***" in ready.json()["store"]
    bodies = [ready.text]
    token = next(iter(TOKENS))
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=served.url, timeout=PATIENCE) as client:
        bodies.append(client.get("/v1/calls", headers={"Authorization": "Bearer wrong"}).text)
        call = client.post("/v1/calls", json={"sop": "lebih-tagih"}, headers=auth).json()
        bodies.append(client.get(f"/v1/calls/{call['id']}/saved", headers=auth).text)
        bodies.append(client.get("/v1/calls", headers=auth).text)
    served.process.terminate()
    printed = served.process.communicate(timeout=PATIENCE)[0]
    assert "password=***" in printed
    for text in (*bodies, printed):
        assert PASSWORD not in text
        assert token not in text
        assert SECRET.decode() not in text
