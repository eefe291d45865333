"""Connecting to Neo4j over Bolt, and turning every driver failure into a one-line message.

Both the loader (:mod:`paperkg.sinks.neo4j`) and the query runner (:mod:`paperkg.queries.cypher`)
connect through :func:`connect`. Every failure (server down, wrong password, bad URI, a database error)
is raised as :class:`paperkg.sinks.base.SinkError` with a one-line message that never contains the
password, nor the ``user:password@`` part of the URI.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import neo4j
from neo4j import exceptions as nx

from paperkg.sinks.base import SinkError

BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_CONNECT_TIMEOUT = 10.0
_RETRY_TIME = 10.0


def redact_uri(uri: str) -> str:
    """The URI without any ``user:password@`` part, for messages."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "<unparsable URI>"
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def one_line(text: str, secret: str | None) -> str:
    """``text`` on one line of at most 300 characters, with ``secret`` replaced by ``***``."""
    line = " ".join(str(text).split())
    if secret:
        line = line.replace(secret, "***")
    return line[:300]


def neo4j_message(exc: nx.Neo4jError) -> str:
    """What the server said: its status code and message."""
    code = getattr(exc, "code", None) or ""
    msg = getattr(exc, "message", None) or str(exc)
    return f"{code}: {msg}" if code else str(msg)


def map_error(exc: BaseException, uri: str, user: str, password: str | None) -> SinkError:
    """A one-line, password-free :class:`SinkError` for any driver/connection failure."""
    where = redact_uri(uri)
    if isinstance(exc, nx.AuthError):
        msg = f"Neo4j at {where} rejected the credentials of user {user!r} (wrong user name or password)"
    elif isinstance(exc, nx.ServiceUnavailable | nx.SessionExpired | OSError):
        msg = f"cannot reach Neo4j at {where}: is the server running? ({exc.__class__.__name__})"
    elif isinstance(exc, nx.ConfigurationError | ValueError):
        msg = f"bad Neo4j URI {where!r}: {exc} (expected e.g. bolt://127.0.0.1:7687)"
    elif isinstance(exc, nx.Neo4jError):
        msg = f"Neo4j at {where} failed: {neo4j_message(exc)}"
    elif isinstance(exc, nx.DriverError):
        msg = f"Neo4j driver error for {where}: {exc.__class__.__name__}: {exc}"
    else:
        msg = f"Neo4j load into {where} failed: {exc.__class__.__name__}: {exc}"
    if where != uri:
        msg = msg.replace(uri, where)
        try:
            uri_password = urlsplit(uri).password
        except ValueError:
            uri_password = None
        if uri_password:
            msg = msg.replace(f":{uri_password}@", ":***@")
    return SinkError(one_line(msg, password))


@contextmanager
def mapped_errors(uri: str, user: str, password: str | None) -> Iterator[None]:
    """Driver, connection and URI failures inside the block become :func:`map_error`'s SinkError."""
    try:
        yield
    except SinkError:
        raise
    except (nx.Neo4jError, nx.DriverError, OSError, ValueError) as exc:
        raise map_error(exc, uri, user, password) from None


def connect(uri: str, user: str, password: str) -> neo4j.Driver:
    """A driver whose connectivity and credentials have been checked; failures are :class:`SinkError`."""
    scheme = uri.partition("://")[0].lower() if "://" in uri else ""
    if scheme not in BOLT_SCHEMES:
        raise SinkError(
            one_line(
                f"bad Neo4j URI {redact_uri(uri)!r}: scheme must be one of {', '.join(BOLT_SCHEMES)} "
                "(e.g. bolt://127.0.0.1:7687)",
                password,
            )
        )
    with mapped_errors(uri, user, password):
        driver = neo4j.GraphDatabase.driver(
            uri,
            auth=(user, password),
            connection_timeout=_CONNECT_TIMEOUT,
            max_transaction_retry_time=_RETRY_TIME,
            notifications_min_severity="OFF",
        )
        try:
            driver.verify_connectivity()
        except BaseException:
            driver.close()
            raise
        return driver
