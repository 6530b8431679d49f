"""Errors that end a sync. Each message names the source, the stream and what to do; none carries a secret.

A plain SyncError is worth retrying later (transient failures outlasted the retries); the subclasses
are not: the same request would fail the same way until someone changes a setting, a permission or
the source's data.
"""


class SyncError(RuntimeError):
    """A sync stopped; data committed before it (and its cursor) stays valid."""


class ApiLimitExceeded(SyncError):
    """The source's daily/total API allowance is used up: stopping is the only honest outcome."""


class AuthenticationFailed(SyncError):
    """The credentials were refused, or a renewed session was refused again."""


class RecordShapeError(SyncError):
    """A record from the source lacks a field the raw layer needs; the message names record and field."""


class SourceRejected(SyncError):
    """The source refused the request itself (a 4xx such as a missing scope, an unknown field or object,
    or a setting naming something the source does not define): retrying cannot help, a fix must come first."""


class MissingScopes(SourceRejected):
    """The token lacks a scope the request needs (HubSpot 403 MISSING_SCOPES); an optional stream may go without."""
