"""``sopfsm deliver`` and ``sopfsm deliveries``: reports sent from the command line, the
outbox listed and retried, and every bad setting refused in one line with exit 2."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from sopfsm.cli import main
from sopfsm.service import stored_calls
from sopfsm.store import open_store
from tests.support.backends import ServerThread
from tests.support.receiver import GONE, OK, Receiver

SECRET = "the receiver and sopfsm share this secret"


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A SQLite store with two calls at an APKT outcome: two reports waiting."""
    url = f"sqlite:///{tmp_path / 'calls.db'}"
    store = open_store(url)
    try:
        for _ in range(2):
            stored_calls.start_call(store, "lebih-tagih", {"accepts_explanation": "ya"}, "ana")
    finally:
        store.close()
    return url


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    path = tmp_path / "delivery.keys"
    path.write_text(f"apkt-1 {SECRET}\n", encoding="utf-8")
    return path


def one_line_refusal(capsys: pytest.CaptureFixture[str], *words: str) -> str:
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    for word in words:
        assert word in err
    return err


def test_deliver_once_sends_the_waiting_reports_and_deliveries_lists_them(
    url: str, keys: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    receiver = Receiver({"apkt-1": SECRET.encode()}, lambda n: OK if n == 0 else GONE)
    with ServerThread(receiver) as base:
        assert main(["deliver", "--store", url, "--to", f"{base}/apkt", "--keys", str(keys),
                     "--once"]) == 0  # fmt: skip
    assert "2 attempt(s) made" in capsys.readouterr().out
    assert [r.signed_by for r in receiver.received] == ["apkt-1", "apkt-1"]
    assert main(["deliveries", "--store", url, "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted(d["state"] for d in listed) == ["dead", "delivered"]
    dead = next(d for d in listed if d["state"] == "dead")
    assert dead["last_status"] == 410 and "retired" in dead["last_error"]
    assert SECRET not in json.dumps(listed)

    assert main(["deliveries", "--store", url, "--state", "dead"]) == 0
    assert capsys.readouterr().out.split()[:2] == [str(dead["id"]), "dead"]
    assert main(["deliveries", "--store", url, "--retry", str(dead["id"])]) == 0
    assert "is due now" in capsys.readouterr().out
    assert main(["deliveries", "--store", url, "--state", "dead"]) == 0
    assert capsys.readouterr().out == ""

    delivered = next(d for d in listed if d["state"] == "delivered")
    assert main(["deliveries", "--store", url, "--retry", str(delivered["id"])]) == 2
    one_line_refusal(capsys, "delivered already")


@pytest.mark.parametrize(
    ("to", "words"),
    [("ftp://apkt.example/in", ("--to", "http")), ("http://u:pw@apkt.example/in", ("--to",)),
     ("not a url", ("--to",))],
)  # fmt: skip
def test_an_endpoint_that_is_no_http_url_is_refused_in_one_line(
    url: str, keys: Path, to: str, words: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["deliver", "--store", url, "--to", to, "--keys", str(keys), "--once"]) == 2
    err = one_line_refusal(capsys, *words)
    assert "pw@" not in err


def test_a_missing_endpoint_or_keys_file_is_named(
    url: str, keys: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv("SOPFSM_DELIVER_TO", raising=False)
    monkeypatch.delenv("SOPFSM_DELIVERY_KEYS", raising=False)
    assert main(["deliver", "--store", url, "--keys", str(keys), "--once"]) == 2
    one_line_refusal(capsys, "--to", "SOPFSM_DELIVER_TO")
    assert main(["deliver", "--store", url, "--to", "http://127.0.0.1:9/in", "--once"]) == 2
    one_line_refusal(capsys, "--keys", "SOPFSM_DELIVERY_KEYS")
    missing = tmp_path / "nowhere.keys"
    assert main(["deliver", "--store", url, "--to", "http://127.0.0.1:9/in", "--keys",
                 str(missing), "--once"]) == 2  # fmt: skip
    one_line_refusal(capsys, "nowhere.keys", "cannot be read")


def test_a_keys_file_with_a_short_secret_is_refused_without_showing_it(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = tmp_path / "short.keys"
    keys.write_text("apkt-1 tooshort\n", encoding="utf-8")
    assert main(["deliver", "--store", url, "--to", "http://127.0.0.1:9/in", "--keys",
                 str(keys), "--once"]) == 2  # fmt: skip
    err = one_line_refusal(capsys, "line 1")
    assert "tooshort" not in err


def test_a_store_from_a_newer_sopfsm_is_refused_in_one_line(
    url: str, keys: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        db.execute("INSERT INTO sopfsm_migrations VALUES (99, 'outbox_from_the_future', 'now')")
    assert main(["deliver", "--store", url, "--to", "http://127.0.0.1:9/in", "--keys",
                 str(keys), "--once"]) == 2  # fmt: skip
    one_line_refusal(capsys, "0099_outbox_from_the_future")
    assert main(["deliveries", "--store", url]) == 2
    one_line_refusal(capsys, "0099_outbox_from_the_future")


@pytest.mark.parametrize(
    "args",
    [["--limit", "0"], ["--limit", "501"], ["--retry", "x"], ["--retry", "0"],
     ["--state", "lost"]],
)  # fmt: skip
def test_deliveries_refuses_a_bad_option_in_one_line(
    url: str, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["deliveries", "--store", url, *args])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith("sopfsm deliveries: error")


def test_deliver_once_on_sqlite_waits_its_turn_behind_a_running_deliverer(
    url: str, keys: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import fcntl

    with Path(f"{url.removeprefix('sqlite:///')}.deliver.lock").open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running deliverer holds it
        assert main(["deliver", "--store", url, "--to", "http://127.0.0.1:9/in", "--keys",
                     str(keys), "--once"]) == 2  # fmt: skip
    one_line_refusal(capsys, "another deliverer")
    store = open_store(url)
    try:
        assert {d.attempts for d in store.deliveries()} == {0}  # nothing was tried
    finally:
        store.close()


def test_deliver_reads_the_environment_the_service_reads() -> None:
    from sopfsm.cli import deliver
    from sopfsm.service import config

    assert (deliver.DELIVER_TO_ENV, deliver.DELIVERY_KEYS_ENV) == (
        config.DELIVER_TO_ENV,
        config.DELIVERY_KEYS_ENV,
    )
