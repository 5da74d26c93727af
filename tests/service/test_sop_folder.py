"""``sopfsm serve --sops DIR``: the service serves a folder's SOP files added to the
bundled SOPs or overriding them, and refuses a bad folder before it listens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from sopfsm.catalogue import clear_added_versions
from sopfsm.cli import main
from sopfsm.service.app import create_app
from sopfsm.service.config import SOPS_ENV, ServiceConfig
from sopfsm.store import open_store
from tests.support.backends import PATIENCE, ServerThread
from tests.support.servers import Served

ROOT = Path(__file__).parent.parent.parent
EXAMPLES = ROOT / "docs" / "examples"
EARLIER = "2021-01-01"  # the illustrative update, dated so that it is in force on any clock


@pytest.fixture(autouse=True)
def _bundled_only() -> Iterator[None]:
    clear_added_versions()
    yield
    clear_added_versions()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An update of a bundled SOP and a SOP the bundle does not have."""
    sops = tmp_path / "sops"
    sops.mkdir()
    update = (EXAMPLES / "lebih-tagih-illustrative-update.yaml").read_text("utf-8")
    assert "version: '2026-12-01'\n" in update
    update = update.replace("version: '2026-12-01'\n", f"version: '{EARLIER}'\n")
    (sops / "lebih-tagih-update.yaml").write_text(update, encoding="utf-8")
    invented = (EXAMPLES / "token-tidak-masuk.yaml").read_text("utf-8")
    (sops / "token-tidak-masuk.yaml").write_text(invented, encoding="utf-8")
    return sops


def test_the_service_serves_the_folders_versions_beside_the_bundled_sops(
    folder: Path, tokens_file: Path
) -> None:
    store = open_store("memory:")
    config = ServiceConfig(tokens_file=tokens_file, sops=folder)
    create_app(config, store)  # an app built twice in one process adds the folder once
    with (
        ServerThread(create_app(config, store)) as url,
        httpx.Client(
            base_url=url, headers={"Authorization": "Bearer tok-ana-0123456789"}, timeout=PATIENCE
        ) as client,
    ):
        listed = {s["id"]: s["version"] for s in client.get("/v1/sops").json()["sops"]}
        assert listed["lebih-tagih"] == EARLIER
        assert listed["token-tidak-masuk"] == "2026-11-29"
        assert listed["turun-daya"] == "2020-04-10"
        call = client.post("/v1/calls", json={"sop": "lebih-tagih"}).json()
        assert (call["version"], call["newer_version"]) == (EARLIER, None)
        assert client.post("/v1/calls", json={"sop": "token-tidak-masuk"}).status_code == 201
        screen = client.get("/pages/sops.json").json()
        assert [s["version"] for s in screen["sops"] if s["id"] == "lebih-tagih"] == [EARLIER]
        # The version the update replaces is there still, for calls that keep it.
        assert list(screen["versions"]["lebih-tagih"]) == ["2020-04-10"]
    store.close()


def _broken(folder: Path) -> str:
    text = (folder / "lebih-tagih-update.yaml").read_text("utf-8")
    (folder / "lebih-tagih-update.yaml").write_text(
        text.replace("to: to_unit", "to: nowhere", 1), encoding="utf-8"
    )
    return f"{folder / 'lebih-tagih-update.yaml'}:"


def test_a_folder_with_a_broken_file_is_refused_at_start(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    where = _broken(folder)
    assert main(["serve", "--dev", "--store", "memory:", "--sops", str(folder)]) == 2
    first, *problems = capsys.readouterr().err.splitlines()
    assert first.startswith(f"sopfsm: error: SOP folder {folder} refused (")
    assert first.endswith(f"not loaded: {folder / 'token-tidak-masuk.yaml'}")
    assert problems and all(p.startswith(where) for p in problems)
    assert any("no step 'nowhere'" in p for p in problems)
    monkeypatch.setenv(SOPS_ENV, str(folder))  # the same folder named by the environment
    assert main(["serve", "--dev", "--store", "memory:"]) == 2
    assert f"SOP folder {folder} refused" in capsys.readouterr().err


def test_a_folder_that_is_not_there_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-folder"
    assert main(["serve", "--dev", "--store", "memory:", "--sops", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"{missing}: cannot read the folder" in err
    assert err.startswith(f"sopfsm: error: SOP folder {missing} refused")


def test_serve_names_the_versions_it_added_and_serves_them(
    folder: Path, serve: Callable[..., Served]
) -> None:
    served = serve("--dev", "--store", "memory:", "--sops", str(folder))
    sops = httpx.get(
        f"{served.url}/v1/sops", headers={"Authorization": "Bearer ana"}, timeout=PATIENCE
    ).json()["sops"]
    assert {s["id"]: s["version"] for s in sops}["lebih-tagih"] == EARLIER
    served.process.terminate()
    printed = served.process.communicate(timeout=PATIENCE)[0]
    assert (
        f"sopfsm serve: SOP folder {folder}: lebih-tagih@{EARLIER}, token-tidak-masuk@2026-11-29"
        in printed
    )
