"""The call service: guided calls over HTTP, kept in a call store.

Build the app with :func:`sopfsm.service.app.create_app`; run it with ``sopfsm serve``.
Needs the ``serve`` extra (Starlette, uvicorn; psycopg for PostgreSQL).
"""
