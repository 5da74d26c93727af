"""The service's settings, declared once: the ``serve`` command fills them, ``create_app``
reads them, and the documentation names each one (a test checks)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import attrs

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8123
MAX_BODY_BYTES = 64 * 1024
SHUTDOWN_SECONDS = 20
WORKER_CHECK_SECONDS = 5  # uvicorn's own default
# Beyond an hour a hung worker goes unnoticed for too long; far beyond, the supervisor's
# poll of the worker overflows.
WORKER_CHECK_LIMIT = 3600
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # where each worker writes its metrics
TOKENS_ENV = "SOPFSM_TOKENS_FILE"
SECRET_ENV = "SOPFSM_SECRET_FILE"
DELIVER_TO_ENV = "SOPFSM_DELIVER_TO"
DELIVERY_KEYS_ENV = "SOPFSM_DELIVERY_KEYS"
SOPS_ENV = "SOPFSM_SOPS"  # as the CLI's --sops (sopfsm.formats.folder.SOPS_ENV)


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@attrs.frozen
class ServiceConfig:
    """How one ``sopfsm serve`` process runs."""

    host: str = attrs.field(default=DEFAULT_HOST, metadata=_help("address to listen on"))
    port: int = attrs.field(default=DEFAULT_PORT, metadata=_help("TCP port to listen on"))
    workers: int = attrs.field(default=1, metadata=_help("server processes (uvicorn workers)"))
    store: str = attrs.field(
        default="", metadata=_help("call store URL: sqlite:///PATH, postgresql://..., memory:")
    )
    tokens_file: Path | None = attrs.field(
        default=None,
        metadata=_help(f"file of `TOKEN AGENT_ID` lines (or ${TOKENS_ENV}); required off loopback"),
    )
    dev: bool = attrs.field(
        default=False,
        metadata=_help("loopback only: accept any bearer token and use it as the agent id"),
    )
    secret_file: Path | None = attrs.field(
        default=None,
        metadata=_help(f"file holding the key that signs saved calls (or ${SECRET_ENV})"),
    )
    max_body_bytes: int = attrs.field(
        default=MAX_BODY_BYTES, metadata=_help("largest request body accepted (413 above)")
    )
    page_size: int = attrs.field(default=50, metadata=_help("calls per page of GET /v1/calls"))
    shutdown_seconds: int = attrs.field(
        default=SHUTDOWN_SECONDS,
        metadata=_help(
            "on SIGTERM, how long requests in flight may take to finish before the server "
            "closes the store and exits"
        ),
    )
    worker_check_seconds: int = attrs.field(
        default=WORKER_CHECK_SECONDS,
        metadata=_help(
            "with workers: how long a worker may take to answer the supervisor's health "
            "check (sent every half second) before it is killed and another started in its "
            f"place, 1 to {WORKER_CHECK_LIMIT} seconds"
        ),
    )
    tls_cert: Path | None = attrs.field(
        default=None, metadata=_help("PEM certificate (chain) to serve HTTPS with; with tls_key")
    )
    tls_key: Path | None = attrs.field(default=None, metadata=_help("PEM private key of tls_cert"))
    behind_proxy: bool = attrs.field(
        default=False,
        metadata=_help(
            "off loopback without TLS: a TLS proxy in front serves HTTPS (trusts its "
            "X-Forwarded-Proto)"
        ),
    )
    retain_days: int | None = attrs.field(
        default=None,
        metadata=_help(
            "purge the personal data of calls that ended more than this many days ago, "
            "at start and daily (unset: keep)"
        ),
    )

    deliver_to: str | None = attrs.field(
        default=None,
        metadata=_help(
            f"APKT endpoint (http(s) URL) each call's report is POSTed to (or ${DELIVER_TO_ENV});"
            " unset: reports wait in the store for `sopfsm deliver`"
        ),
    )
    delivery_keys: Path | None = attrs.field(
        default=None,
        metadata=_help(
            f"file of `NAME SECRET` lines whose first key signs deliveries (or "
            f"${DELIVERY_KEYS_ENV}); with --dev and none given, a key is made for the session"
        ),
    )
    sops: Path | None = attrs.field(
        default=None,
        metadata=_help(
            f"folder of SOP files whose versions are served added to the bundled SOPs, or "
            f"overriding them (or ${SOPS_ENV}); a folder with a broken file is refused at start"
        ),
    )

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def from_environment(config: ServiceConfig) -> ServiceConfig:
    """``config`` with the files, the APKT endpoint and the SOP folder the environment
    names, where unset."""
    tokens = config.tokens_file or _path(os.environ.get(TOKENS_ENV))
    secret = config.secret_file or _path(os.environ.get(SECRET_ENV))
    deliver_to = config.deliver_to or os.environ.get(DELIVER_TO_ENV) or None
    keys = config.delivery_keys or _path(os.environ.get(DELIVERY_KEYS_ENV))
    sops = config.sops or _path(os.environ.get(SOPS_ENV))
    return attrs.evolve(
        config,
        tokens_file=tokens,
        secret_file=secret,
        deliver_to=deliver_to,
        delivery_keys=keys,
        sops=sops,
    )


def _path(text: str | None) -> Path | None:
    return Path(text) if text else None


def settings() -> dict[str, str]:
    """Each setting's name and help, for the docs and their test."""
    return {f.name: f.metadata["help"] for f in attrs.fields(ServiceConfig)}
