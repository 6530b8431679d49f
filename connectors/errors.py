"""Errors that end a sync. Each message names the source, the stream and what to do; none carries a secret."""


class SyncError(RuntimeError):
    """A sync stopped; data committed before it (and its cursor) stays valid."""


class ApiLimitExceeded(SyncError):
    """The source's daily/total API allowance is used up: stopping is the only honest outcome."""


class AuthenticationFailed(SyncError):
    """The credentials were refused, or a renewed session was refused again."""


class RecordShapeError(SyncError):
    """A record from the source lacks a field the raw layer needs; the message names record and field."""
