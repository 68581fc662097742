"""`serve` and `users`, invoked directly with click's CliRunner (the lead registers them on the main group)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat

from click.testing import CliRunner

from catalyse.web.accounts import Accounts
from catalyse.web.commands import serve, users


def test_users_add_and_token(db):
    runner = CliRunner()
    r = runner.invoke(
        users, ["add", "ada", "--role", "admin", "--db", str(db)], env={"CATALYSE_PASSWORD": "s3cret-passphrase"}
    )
    assert r.exit_code == 0, r.output
    path = f"{db}.accounts.db"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    raw = open(path, "rb").read()
    assert b"s3cret-passphrase" not in raw
    with sqlite3.connect(path) as con:
        (hashed,) = con.execute("SELECT password FROM users WHERE name = 'ada'").fetchone()
    assert hashed.startswith("$argon2id$")
    r = runner.invoke(users, ["token", "ada", "--db", str(db)])
    assert r.exit_code == 0
    token = r.output.strip()
    assert len(token) >= 40
    with sqlite3.connect(path) as con:
        digests = [d for (d,) in con.execute("SELECT digest FROM tokens")]
    assert digests == [hashlib.sha256(token.encode()).hexdigest()]  # only its hash is kept
    with Accounts(path) as accounts:
        assert accounts.token_user(token).name == "ada"
        assert accounts.authenticate("ada", "s3cret-passphrase").role == "admin"
        assert accounts.authenticate("ada", "wrong") is None
        assert [x["action"] for x in accounts.audit()] == ["users.token", "users.add"]
    r = runner.invoke(users, ["token", "nobody", "--db", str(db)])
    assert r.exit_code == 1 and "no user 'nobody'" in r.output
    r = runner.invoke(users, ["add", "bob", "--role", "boss", "--db", str(db)], env={"CATALYSE_PASSWORD": "x" * 9})
    assert r.exit_code == 2  # not a role
    r = runner.invoke(users, ["add", "bob", "--role", "viewer", "--db", str(db)], env={"CATALYSE_PASSWORD": "short"})
    assert r.exit_code == 1 and "at least 8" in r.output


def test_password_is_prompted_when_not_in_the_environment(db):
    r = CliRunner().invoke(
        users, ["add", "ada", "--role", "viewer", "--db", str(db)], input="long-password\nlong-password\n", env={}
    )
    assert r.exit_code == 0, r.output
    with Accounts(f"{db}.accounts.db") as accounts:
        assert accounts.authenticate("ada", "long-password") is not None


def test_serve_refuses_a_public_host_without_accounts(db):
    r = CliRunner().invoke(serve, ["--host", "0.0.0.0", "--db", str(db)])
    assert r.exit_code == 1 and "refusing to serve on 0.0.0.0" in r.output and "users add" in r.output
    r = CliRunner().invoke(serve, ["--host", "192.0.2.10", "--db", str(db)])
    assert r.exit_code == 1 and "no account exists" in r.output
    with Accounts(f"{db}.accounts.db") as accounts:
        accounts.add("ada", "admin", "long-password")
    r = CliRunner().invoke(serve, ["--host", "0.0.0.0", "--db", str(db)])
    assert r.exit_code == 1 and "--allow-host" in r.output  # every address: the Host check needs a name
