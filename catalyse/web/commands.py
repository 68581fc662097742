"""Click commands of the web workspace: ``serve`` and the ``users`` group.

They are registered on the main ``catalyse`` group (``cli.add_command(serve)``, ``cli.add_command(users)``) and
read the store settings from the parent group's object when there is one (``--db``, ``--store``, ``--lang``),
else from their own ``--db`` / ``--store`` options or the environment (``CATALYSE_DB``, ``CATALYSE_STORE``).
Passwords come from ``CATALYSE_PASSWORD`` or a prompt, never from an argument.
"""

from __future__ import annotations

import os

import click

from .accounts import ROLES, AccountError, Accounts, default_path


def _settings(ctx: click.Context, db: str | None, store: str | None) -> tuple[str | None, str | None, str]:
    parent = ctx.find_object(object)
    pdb = getattr(parent, "db", None)
    pstore = getattr(parent, "store_kind", None)
    lang = getattr(parent, "lang", None) or os.environ.get("CATALYSE_LANG") or "fr"
    return db or pdb, store or pstore, lang if lang in ("fr", "en") else "fr"


def _accounts_path(path: str | None, db: str | None, store: str | None) -> str:
    if path:
        return path
    if (store or os.environ.get("CATALYSE_STORE") or "embedded").lower() == "neo4j" and not db:
        return "catalyse.accounts.db"
    return default_path(db)


def _db_options(fn):
    fn = click.option(
        "--accounts",
        "accounts_path",
        metavar="PATH",
        envvar="CATALYSE_ACCOUNTS",
        help="Accounts file [env CATALYSE_ACCOUNTS; default <db>.accounts.db beside the embedded store].",
    )(fn)
    fn = click.option("--store", "store_kind", default=None, help="embedded or neo4j (default: the main option).")(fn)
    fn = click.option("--db", default=None, metavar="PATH", help="Embedded store file (default: the main option).")(fn)
    return fn


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="Another host name users reach the server by (the Host header is checked; repeatable).",
)
@_db_options
@click.pass_context
def serve(ctx, host, port, allow_hosts, db, store_kind, accounts_path):
    """Serve the web workspace (pages and JSON API) over the store.

    On 127.0.0.1 with no account yet, the local user works without logging in; on any other address the
    server refuses to start until an account exists (`catalyse users add NAME --role admin`).
    """
    from catalyse.graphcore.stores import StoreError, open_store

    from .app import ServeRefused, check_can_serve, create_app
    from .data import WebData

    db, store_kind, lang = _settings(ctx, db, store_kind)
    accounts = Accounts(_accounts_path(accounts_path, db, store_kind))
    try:
        note = check_can_serve(host, accounts, allow_hosts)
    except ServeRefused as exc:
        accounts.close()
        raise click.ClickException(str(exc)) from None
    try:
        store = open_store(store_kind, db=db)
        data = WebData(store)
    except StoreError as exc:
        accounts.close()
        raise click.ClickException(str(exc)) from None
    app = create_app(data, accounts, host=host, port=port, allowed_hosts=allow_hosts, lang=lang)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Serving {data.describe()} ({len(data.orgs)} organisations) on http://{shown}:{port}/")
    click.echo(f"Accounts: {accounts.path} ({accounts.count()} accounts)")
    if note:
        click.echo(note)
    import uvicorn

    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False)
    finally:
        data.close()
        accounts.close()


@click.group()
def users():
    """Accounts of the web workspace: viewers read, catalysers write, admins manage accounts."""


def _open(ctx, db, store_kind, accounts_path) -> Accounts:
    db, store_kind, _ = _settings(ctx, db, store_kind)
    return Accounts(_accounts_path(accounts_path, db, store_kind))


@users.command(name="add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@_db_options
@click.pass_context
def users_add(ctx, name, role, db, store_kind, accounts_path):
    """Create account NAME (or change its role and password); the password comes from CATALYSE_PASSWORD or a
    prompt."""
    password = os.environ.get("CATALYSE_PASSWORD")
    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _open(ctx, db, store_kind, accounts_path) as accounts:
        try:
            accounts.add(name, role, password, by=f"cli:{os.environ.get('USER', '?')}")
        except AccountError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"Account {name} ({role}) saved in {accounts.path}.")


@users.command(name="token")
@click.argument("name")
@_db_options
@click.pass_context
def users_token(ctx, name, db, store_kind, accounts_path):
    """Print a new API token for NAME, once (only its hash is kept): send it as `Authorization: Bearer TOKEN`."""
    with _open(ctx, db, store_kind, accounts_path) as accounts:
        try:
            token = accounts.new_token(name, by=f"cli:{os.environ.get('USER', '?')}")
        except AccountError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(token)


@users.command(name="list")
@_db_options
@click.pass_context
def users_list(ctx, db, store_kind, accounts_path):
    """List accounts and their roles."""
    with _open(ctx, db, store_kind, accounts_path) as accounts:
        for u in accounts.users():
            click.echo(f"{u.name}\t{u.role}")


@users.command(name="remove")
@click.argument("name")
@_db_options
@click.pass_context
def users_remove(ctx, name, db, store_kind, accounts_path):
    """Delete account NAME with its tokens and sessions."""
    with _open(ctx, db, store_kind, accounts_path) as accounts:
        try:
            accounts.remove(name, by=f"cli:{os.environ.get('USER', '?')}")
        except AccountError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Account {name} removed.")
