"""The browser screens served at ``/``, on top of the ``/v1`` API.

``page_routes()`` returns the routes that :func:`sopfsm.service.app.create_app` mounts
beside the API; handlers reach the store and settings through ``request.app.state``
(``store``, ``config``, ``tokens``). Static files are served from ``static/`` at
``/static``.
"""

from __future__ import annotations

from starlette.routing import BaseRoute


def page_routes() -> list[BaseRoute]:
    """The screens' routes (none yet)."""
    return []
