"""Who is acting, from where: the context every write and audit row reads.

Web requests set it in ``RequestContextMiddleware``; the API, importers, CLI commands and
background jobs enter it explicitly with :func:`actor_context`, so that an audit row always
names a user (or the built-in system actor), a source and a request id.
"""

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext_lazy as _


class Source:
    WEB = "web"
    API = "api"
    IMPORT = "import"
    CLI = "cli"
    SYSTEM = "system"

    CHOICES = [
        (WEB, _("web page")), (API, _("API")), (IMPORT, _("import")), (CLI, _("command line")), (SYSTEM, _("system")),
    ]


@dataclass(frozen=True)
class ActorContext:
    user: object = None
    source: str = Source.SYSTEM
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    remote_addr: str = ""
    extra: dict = field(default_factory=dict)


_current = contextvars.ContextVar("jindu_actor_context", default=None)


def current():
    """The active context; outside any, a system context with a fresh request id."""
    ctx = _current.get()
    if ctx is None:
        ctx = ActorContext()
        _current.set(ctx)
    return ctx


@contextmanager
def actor_context(user=None, source=None, request_id=None, remote_addr=None, **extra):
    """Run a block as ``user`` from ``source``; values not given are inherited."""
    parent = _current.get() or ActorContext()
    ctx = replace(
        parent,
        user=user if user is not None else parent.user,
        source=source or parent.source,
        request_id=request_id or parent.request_id,
        remote_addr=remote_addr if remote_addr is not None else parent.remote_addr,
        extra={**parent.extra, **extra},
    )
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def set_user(user):
    """Name the user of the running context once it is known (API token authentication)."""
    _current.set(replace(current(), user=user))
