#!/usr/bin/env python3
"""Re-run the shell transcripts of README.md and write their real output back.

A transcript is a ```console block between ``<!-- transcript -->`` and ``<!-- /transcript -->``; each line starting
with ``$ `` is a command, run with bash in one scratch directory shared by all blocks in order (so ``catalyse demo``
in an early block feeds the later ones), with ``CATALYSE_DB`` unset and the columns fixed at 120.
``--check`` only reports whether the README is up to date (exit 1 if not).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"(<!-- transcript -->\n```console\n)(.*?)(```\n<!-- /transcript -->)", re.S)


def run_block(body: str, cwd: str, env: dict) -> str:
    out = []
    for line in body.splitlines():
        if not line.startswith("$ "):
            continue
        cmd = line[2:]
        p = subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
        out.append(line)
        text = (p.stdout + p.stderr).rstrip("\n")
        if text:
            out.append(text)
    return "\n".join(out) + "\n"


COLUMNS = re.compile(r"(<!-- columns -->\n)(.*?)(<!-- /columns -->)", re.S)


def columns_table() -> str:
    sys.path.insert(0, str(ROOT))
    from catalyse.importers.columns import KINDS, describe

    lines = ["| kind | column | also accepted (French and English aliases) |", "|---|---|---|"]
    for kind in KINDS:
        for name, aliases, required in describe(kind):
            lines.append(f"| {kind} | `{name}`{' (required)' if required else ''} | {aliases} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CATALYSE_", "NEO4J_"))}
    env.update(COLUMNS="120", CATALYSE_LANG="fr", PYTHONIOENCODING="utf-8")
    with tempfile.TemporaryDirectory() as scratch:
        env["CATALYSE_CONFIG"] = "settings.json"  # `init --catalyser` writes there (in the scratch directory)
        for name in ("examples",):
            src = ROOT / name
            if src.exists():
                subprocess.run(["cp", "-r", str(src), scratch], check=True)
        new = BLOCK.sub(lambda m: m.group(1) + run_block(m.group(2), scratch, env) + m.group(3), text)
    new = COLUMNS.sub(lambda m: m.group(1) + columns_table() + m.group(3), new)
    if "--check" in argv:
        if new != text:
            print("README.md transcripts are out of date: run python tools/transcripts.py", file=sys.stderr)
            return 1
        return 0
    readme.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
