"""`catalyse`: the command line — thin click commands over `catalyse.workspace.Workspace`.

Conventions: messages and help are in English; analysis tables and views are in French unless ``--lang en``
(or ``CATALYSE_LANG=en``); ``--format csv|json`` output always uses stable English keys and codes, at full
precision (JSON strict: NaN and infinities as null). A user error prints one line starting with ``Error:`` and
exits with status 1 (2 for a usage error), never a traceback.

The shared options, settings and error handling live in `catalyse.cli.common`; each module of commands imports
it, and this module imports the command modules so that they register on the group (no import cycle).
"""

from __future__ import annotations

from catalyse.web.commands import serve, users  # noqa: E402  (the web workspace's commands)

from . import analysis, data, introductions, orgs, views  # noqa: F401  (register the commands)
from .common import UserError, cli

cli.add_command(serve)
cli.add_command(users)

__all__ = ["cli", "main", "UserError"]


def main() -> None:
    cli(prog_name="catalyse")


if __name__ == "__main__":
    main()
