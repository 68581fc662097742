#!/usr/bin/env python3
"""Start/stop a real Neo4j 5.26 (embedded, Community) on 127.0.0.1 for catalyse's tests.

CLI::

    python tools/neo4j/server.py build [--gds]
    python tools/neo4j/server.py start [--port 17687] [--data DIR] [--gds]
    python tools/neo4j/server.py stop|kill|status [--port 17687]

Python (pytest fixtures)::

    srv = Neo4jServer(port=17687, data_dir=tmp_path / "neo4j", password="...")
    srv.start(); driver = neo4j.GraphDatabase.driver(srv.uri, auth=srv.auth); ...; srv.stop()

``--gds`` / ``Neo4jServer(gds=True)`` adds the Graph Data Science plugin (GPLv3, from Maven Central: ``mvn -Pgds``).

The password is NEO4J_PASSWORD, else a random one kept in run/password (mode 0600). It is
handed to the JVM through its environment only and is never printed or logged.
Standard library + the ``neo4j`` driver only.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUN = HERE / "run"
TARGET = HERE / "target"
JAR = TARGET / "launcher.jar"
LIB = TARGET / "lib"
GDS_DIR = TARGET / "gds"  # the org.neo4j.gds jars (plugin directory); their dependencies are in LIB
STAMP = TARGET / "build.stamp"
BUILD_LOG = RUN / "build.log"
PASSWORD_FILE = RUN / "password"
MAIN_CLASS = "catalyse.neo4j.Launcher"
HOST = "127.0.0.1"
DEFAULT_PORT = 17687
JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
]


class Neo4jServerError(RuntimeError):
    """A one-line, user-facing failure (missing tool, failed build, server not coming up)."""


def _tool(name: str) -> str:
    path = shutil.which(name)
    if name == "java" and os.environ.get("JAVA_HOME"):
        candidate = Path(os.environ["JAVA_HOME"]) / "bin" / "java"
        path = str(candidate) if candidate.exists() else path
    if not path:
        raise Neo4jServerError(f"'{name}' not found on PATH (needs Java 17 and Maven 3.8+)")
    return path


def _source_digest() -> str:
    h = hashlib.sha256()
    for f in [HERE / "pom.xml", *sorted((HERE / "src").rglob("*.java"))]:
        h.update(str(f.relative_to(HERE)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def needs_build(gds: bool = False) -> bool:
    """True if the launcher must be (re)built; with ``gds``, also if it was built without the GDS plugin.

    The stamp is the source digest, then ``gds`` on a second line when built with ``-Pgds`` (a superset: a GDS
    build serves plain servers too).
    """
    stamp = STAMP.read_text().split() if STAMP.exists() else []
    return not (
        JAR.exists()
        and LIB.is_dir()
        and any(LIB.glob("neo4j-kernel-*.jar"))
        and stamp[:1] == [_source_digest()]
        and (not gds or ("gds" in stamp[1:] and any(GDS_DIR.glob("proc-*.jar"))))
    )


def build(force: bool = False, gds: bool = False) -> bool:
    """Run ``mvn -q package`` (``-Pgds`` with ``gds``) if the jar/lib are missing or pom/java changed.

    True if it built. A tree built with GDS is kept as is when a plain build is asked for.
    """
    RUN.mkdir(exist_ok=True)
    with open(RUN / "build.lock", "w") as lock:  # several pytest workers may race here
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not force and not needs_build(gds):
            return False
        mvn = _tool("mvn")
        _tool("java")
        digest = _source_digest()
        profile = ["-Pgds"] if gds else []
        with open(BUILD_LOG, "w") as log:
            rc = subprocess.call(
                [mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(HERE / "pom.xml"), *profile, "package"],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        if rc != 0 or not JAR.exists():
            raise Neo4jServerError(f"Maven build failed (exit {rc}); see {BUILD_LOG}")
        if gds and not any(GDS_DIR.glob("proc-*.jar")):
            raise Neo4jServerError(f"Maven built no GDS plugin in {GDS_DIR}; see {BUILD_LOG}")
        STAMP.write_text(digest + "\n" + ("gds\n" if gds else ""))
        return True


def default_password() -> str:
    """NEO4J_PASSWORD, else the one stored in run/password (created, mode 0600, if missing)."""
    pw = os.environ.get("NEO4J_PASSWORD")
    if pw:
        return pw
    RUN.mkdir(exist_ok=True)
    try:
        return PASSWORD_FILE.read_text().strip()
    except FileNotFoundError:
        pw = secrets.token_urlsafe(18)
        fd = os.open(PASSWORD_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(pw + "\n")
        return pw


def free_port() -> int:
    """A TCP port on HOST that nothing listens on now (for a server of one's own: tests, benchmarks)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    """True if pid is a live (not zombie) Launcher JVM."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return MAIN_CLASS.encode() in f.read()
    except OSError:
        return False


class Neo4jServer:
    """One Neo4j JVM on 127.0.0.1:port with its data in data_dir (default run/data-PORT)."""

    def __init__(
        self,
        port: int = DEFAULT_PORT,
        data_dir: str | os.PathLike | None = None,
        password: str | None = None,
        heap: str | None = None,
        pagecache: str | None = None,
        gds: bool = False,
    ):
        self.port = int(port)
        self.data_dir = Path(data_dir or RUN / f"data-{self.port}").resolve()
        self._password = password or default_password()
        self.heap = heap or os.environ.get("CATALYSE_NEO4J_HEAP", "3g")
        self.pagecache = pagecache or os.environ.get("CATALYSE_NEO4J_PAGECACHE", "256m")
        self.gds = bool(gds)
        self.pid_file = RUN / f"neo4j-{self.port}.pid"
        self.log_file = RUN / f"neo4j-{self.port}.log"
        self._proc: subprocess.Popen | None = None

    uri = property(lambda self: f"bolt://{HOST}:{self.port}")
    auth = property(lambda self: ("neo4j", self._password))

    def __repr__(self) -> str:  # no password here
        return f"Neo4jServer(uri={self.uri!r}, data_dir={str(self.data_dir)!r})"

    def pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text())
        except (OSError, ValueError):
            return None

    def _pid_alive(self, pid: int | None) -> bool:
        if pid is None:
            return False
        if self._proc is not None and self._proc.pid == pid:  # our child: trust the handle
            return self._proc.poll() is None  # (poll also reaps it)
        return _alive(pid)

    def is_running(self) -> bool:
        return self._pid_alive(self.pid())

    def start(self, timeout: float = 120.0) -> Neo4jServer:
        if self.is_running():
            self._wait_connectivity(time.monotonic() + timeout)
            return self
        java = _tool("java")
        build(gds=self.gds)
        with socket.socket() as s:
            if s.connect_ex((HOST, self.port)) == 0:
                raise Neo4jServerError(f"port {self.port} on {HOST} is already in use")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        classpath = f"{JAR}{os.pathsep}{LIB}/*" + (f"{os.pathsep}{GDS_DIR}/*" if self.gds else "")
        cmd = [
            java,
            f"-Xms{self.heap}",
            f"-Xmx{self.heap}",
            *JVM_FLAGS,
            "-cp",
            classpath,
            MAIN_CLASS,
            "--port",
            str(self.port),
            "--home",
            str(self.data_dir),
            "--pagecache",
            self.pagecache,
            *(["--gds", str(GDS_DIR)] if self.gds else []),
        ]
        env = dict(os.environ, NEO4J_PASSWORD=self._password)
        with open(self.log_file, "a") as log:
            log.write(f"=== start {time.strftime('%Y-%m-%d %H:%M:%S')} {self.uri} data={self.data_dir}\n")
            log.flush()
            self._proc = subprocess.Popen(
                cmd,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                cwd=self.data_dir,
            )
        self.pid_file.write_text(f"{self._proc.pid}\n")
        try:
            self._wait_connectivity(time.monotonic() + timeout)
        except BaseException:
            self.kill()
            raise
        return self

    def _wait_connectivity(self, deadline: float) -> None:
        import neo4j  # the driver; imported here so `build` needs the standard library only

        last = None
        while time.monotonic() < deadline:
            if not self.is_running():
                raise Neo4jServerError(f"Neo4j exited during start-up; see {self.log_file}")
            if self._ready_logged():
                try:
                    with neo4j.GraphDatabase.driver(self.uri, auth=self.auth, connection_timeout=5) as driver:
                        driver.verify_connectivity()
                    return
                except neo4j.exceptions.AuthError:
                    raise Neo4jServerError(
                        f"Neo4j on {self.uri} rejected the password (another server on this port?)"
                    ) from None
                except Exception as e:  # noqa: BLE001 - not up yet
                    last = e
            time.sleep(0.25)
        raise Neo4jServerError(
            f"Neo4j not reachable on {self.uri} after the timeout "
            f"({type(last).__name__ if last else 'no READY line'}); "
            f"see {self.log_file}"
        )

    def _ready_logged(self) -> bool:
        """True if the last start section of the log has the READY line."""
        try:
            text = self.log_file.read_text(errors="replace")
        except OSError:
            return False
        return f"READY {self.uri}" in text[text.rfind("=== start") :]

    def _wait_exit(self, pid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._pid_alive(pid):
                return True
            time.sleep(0.1)
        return False

    def _signal(self, sig: int, timeout: float) -> None:
        pid = self.pid()
        if self._pid_alive(pid):
            os.kill(pid, sig)
            if not self._wait_exit(pid, timeout) and sig != signal.SIGKILL:
                os.kill(pid, signal.SIGKILL)
                self._wait_exit(pid, 30)
        self.pid_file.unlink(missing_ok=True)
        self._proc = None

    def stop(self, timeout: float = 60.0) -> None:
        """Clean shutdown (SIGTERM); SIGKILL if it has not exited after ``timeout`` seconds."""
        self._signal(signal.SIGTERM, timeout)

    def kill(self) -> None:
        """SIGKILL at once (fault tests: the next start runs recovery)."""
        self._signal(signal.SIGKILL, 30)

    def __enter__(self) -> Neo4jServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Local Neo4j 5.26 for catalyse tests")
    p.add_argument("command", choices=["build", "start", "stop", "kill", "status"])
    p.add_argument("--port", type=int, default=DEFAULT_PORT)
    p.add_argument("--data", help="data directory (default tools/neo4j/run/data-PORT)")
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("--gds", action="store_true", help="with the Graph Data Science plugin (GPLv3; built with -Pgds)")
    a = p.parse_args(argv)
    try:
        if a.command == "build":
            t = time.monotonic()
            built = build(gds=a.gds)
            print(f"built in {time.monotonic() - t:.1f}s: {JAR}" if built else f"up to date: {JAR}")
            return 0
        srv = Neo4jServer(port=a.port, data_dir=a.data, gds=a.gds)
        if a.command == "start":
            t = time.monotonic()
            srv.start(timeout=a.timeout)
            print(f"NEO4J_URI={srv.uri}")
            print(
                f"# user neo4j, pid {srv.pid()}, ready in {time.monotonic() - t:.1f}s, "
                f"log {srv.log_file}, password from "
                f"{'$NEO4J_PASSWORD' if os.environ.get('NEO4J_PASSWORD') else PASSWORD_FILE}"
            )
        elif a.command in ("stop", "kill"):
            was = srv.is_running()
            srv.stop() if a.command == "stop" else srv.kill()
            print(f"{'stopped' if a.command == 'stop' else 'killed'} {srv.uri}" if was else f"not running on {srv.uri}")
        else:
            if not srv.is_running():
                print(f"not running on {srv.uri}")
                return 3
            print(f"running pid {srv.pid()} on {srv.uri}")
        return 0
    except Neo4jServerError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
