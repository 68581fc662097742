"""Accounts of the web workspace: users and roles, API tokens, login sessions and the audit log of every write.

Everything lives in one small SQLite file of its own (default ``<db>.accounts.db`` beside the embedded store),
created with mode 0600. Passwords are hashed with Argon2id (argon2-cffi); API tokens and session ids are random
32-byte values of which only the SHA-256 is stored, so that a copy of the file gives neither a password nor a
usable token.

Roles, each including the one before: ``viewer`` (reads), ``catalyser`` (records introductions, outcomes and
imports), ``admin`` (manages accounts, reads the audit log).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import secrets
import sqlite3
import threading
from dataclasses import dataclass

ROLES = ("viewer", "catalyser", "admin")
#: A session lasts this long without use.
SESSION_IDLE = _dt.timedelta(hours=12)
#: After this many failed logins for one name within `LOGIN_WINDOW`, its logins are refused until it passes.
LOGIN_FAILURES = 10
LOGIN_WINDOW = _dt.timedelta(minutes=15)
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, password TEXT NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    digest TEXT PRIMARY KEY, user TEXT REFERENCES users(name) ON DELETE CASCADE, csrf TEXT NOT NULL,
    lang TEXT, seen TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL,
    detail TEXT NOT NULL);
"""


class AccountError(ValueError):
    """A refused account operation (unknown user, bad role or name, empty password); one line for a person."""


@dataclass(frozen=True)
class User:
    """Who is making a request: a name and a role (``local`` is the loopback user when no account exists)."""

    name: str
    role: str

    def can(self, role: str) -> bool:
        """Whether this user has `role` or a higher one.

        >>> User("a", "catalyser").can("viewer"), User("a", "catalyser").can("admin")
        (True, False)
        """
        return ROLES.index(self.role) >= ROLES.index(role)


LOCAL_USER = User("local", "admin")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)


def default_path(db: str | None) -> str:
    """Where the accounts file goes: beside the embedded store file.

    >>> default_path("/srv/crest.db")
    '/srv/crest.db.accounts.db'
    """
    return f"{db or os.environ.get('CATALYSE_DB') or 'catalyse.db'}.accounts.db"


class Accounts:
    """The accounts file. Thread-safe (one connection, one lock); use as a context manager or call `close`."""

    def __init__(self, path: str):
        self.path = path
        if not os.path.exists(path):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
        os.chmod(path, 0o600)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA busy_timeout = 5000")
        with self._lock:
            self._db.executescript(_SCHEMA)
            if self._db.execute("SELECT 1 FROM meta WHERE key = 'secret'").fetchone() is None:
                self._db.execute("INSERT INTO meta VALUES ('secret', ?)", (secrets.token_hex(32),))

    def close(self) -> None:
        self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def secret(self) -> str:
        """The key that signs session cookies (random, made when the file was created)."""
        return self._db.execute("SELECT value FROM meta WHERE key = 'secret'").fetchone()[0]

    # -- users ----------------------------------------------------------------------------------------------------
    def count(self) -> int:
        """How many accounts exist."""
        return self._db.execute("SELECT COUNT(*) FROM users").fetchone()[0]

    def users(self) -> list[User]:
        return [User(n, r) for n, r in self._db.execute("SELECT name, role FROM users ORDER BY name")]

    def get(self, name: str) -> User | None:
        row = self._db.execute("SELECT name, role FROM users WHERE name = ?", (name,)).fetchone()
        return User(*row) if row else None

    def add(self, name: str, role: str, password: str, *, by: str = "cli") -> User:
        """Create (or replace the role and password of) account `name`."""
        from argon2 import PasswordHasher

        if not _NAME_RE.match(name or ""):
            raise AccountError(f"invalid user name {name!r}: letters, digits, '.', '_', '@', '-' (64 at most)")
        if role not in ROLES:
            raise AccountError(f"invalid role {role!r}: one of {', '.join(ROLES)}")
        if not password or len(password) < 8:
            raise AccountError("the password must have at least 8 characters")
        hashed = PasswordHasher().hash(password)
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "INSERT INTO users VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET role = excluded.role, "
                "password = excluded.password",
                (name, role, hashed, _now().isoformat()),
            )
            self._log(by, "users.add", {"name": name, "role": role})
        return User(name, role)

    def remove(self, name: str, *, by: str = "cli") -> None:
        """Delete account `name` with its tokens and sessions."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            if self._db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
                raise AccountError(f"no user {name!r}")
            self._log(by, "users.remove", {"name": name})

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if `password` is theirs, else None (the same time is spent for an unknown name)."""
        from argon2 import PasswordHasher
        from argon2.exceptions import VerificationError

        row = self._db.execute("SELECT name, role, password FROM users WHERE name = ?", (name,)).fetchone()
        ph = PasswordHasher()
        try:
            if row is None:
                ph.verify(_dummy_hash(), password or "-")
                return None
            ph.verify(row[2], password or "")
            return User(row[0], row[1])
        except VerificationError:
            return None

    def recent_failures(self, name: str, *, window: _dt.timedelta = LOGIN_WINDOW) -> int:
        """Failed logins for `name` within `window` (from the audit log)."""
        since = (_now() - window).isoformat()
        return self._db.execute(
            "SELECT COUNT(*) FROM audit WHERE action = 'login.failed' AND user = ? AND at >= ?", (name, since)
        ).fetchone()[0]

    # -- API tokens -----------------------------------------------------------------------------------------------
    def new_token(self, name: str, *, by: str = "cli") -> str:
        """A new API token for `name`; only its SHA-256 is kept, so it is shown once."""
        if self.get(name) is None:
            raise AccountError(f"no user {name!r}")
        token = secrets.token_urlsafe(32)
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("INSERT INTO tokens VALUES (?, ?, ?)", (_digest(token), name, _now().isoformat()))
            self._log(by, "users.token", {"name": name})
        return token

    def token_user(self, token: str) -> User | None:
        row = self._db.execute(
            "SELECT u.name, u.role FROM tokens t JOIN users u ON u.name = t.user WHERE t.digest = ?",
            (_digest(token),),
        ).fetchone()
        return User(*row) if row else None

    # -- sessions -------------------------------------------------------------------------------------------------
    def new_session(self, user: str | None = None, *, lang: str | None = None) -> str:
        """A new session (anonymous, or logged in as `user`); returns its id, of which only the digest is kept."""
        sid = secrets.token_urlsafe(32)
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE seen < ?", ((_now() - SESSION_IDLE).isoformat(),))
            self._db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                (_digest(sid), user, secrets.token_urlsafe(32), lang, _now().isoformat()),
            )
        return sid

    def session(self, sid: str) -> tuple[User | None, str] | None:
        """(user or None if anonymous, CSRF token) of a live session; None if unknown or expired."""
        row = self._db.execute(
            "SELECT s.user, u.role, s.csrf, s.seen FROM sessions s LEFT JOIN users u ON u.name = s.user "
            "WHERE s.digest = ?",
            (_digest(sid),),
        ).fetchone()
        if row is None:
            return None
        if _dt.datetime.fromisoformat(row[3]) + SESSION_IDLE < _now():
            self.end_session(sid)
            return None
        if row[0] is not None and row[1] is None:  # the account was removed
            return None
        with self._lock:
            self._db.execute("UPDATE sessions SET seen = ? WHERE digest = ?", (_now().isoformat(), _digest(sid)))
        return (User(row[0], row[1]) if row[0] else None), row[2]

    def end_session(self, sid: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE digest = ?", (_digest(sid),))

    # -- audit ----------------------------------------------------------------------------------------------------
    def _log(self, user: str, action: str, detail: dict) -> None:
        self._db.execute(
            "INSERT INTO audit (at, user, action, detail) VALUES (?, ?, ?, ?)",
            (_now().isoformat(), user, action, json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)),
        )

    def log(self, user: str, action: str, detail: dict) -> None:
        """Record a write: who, when (UTC), what."""
        with self._lock:
            self._log(user, action, detail)

    def audit(self, *, limit: int = 200) -> list[dict]:
        """The most recent writes first."""
        return [
            {"id": i, "at": at, "user": u, "action": a, "detail": json.loads(d)}
            for i, at, u, a, d in self._db.execute(
                "SELECT id, at, user, action, detail FROM audit ORDER BY id DESC LIMIT ?", (limit,)
            )
        ]


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    from argon2 import PasswordHasher

    if not _DUMMY:
        _DUMMY.append(PasswordHasher().hash(secrets.token_hex(16)))
    return _DUMMY[0]
