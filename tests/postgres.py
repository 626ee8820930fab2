"""A throwaway PostgreSQL cluster for tests: Debian's server binaries (`postgresql`, installed by
scripts/system-deps.sh), initdb in a temp dir as the `postgres` user when run as root, listening
on 127.0.0.1 on a free port and on a socket in that dir; stopped and removed after."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

USER = "edgeapp"
DATABASE = "edgeapp"


def server_bin() -> Path:
    """The newest installed PostgreSQL's bin dir, or fail saying what installs it."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        pytest.fail("PostgreSQL server binaries are missing: `make test` installs the Debian package postgresql")
    return found[-1].parent


@dataclass
class Cluster:
    """A running cluster: `url` as a user would write it (postgresql://user@host:port/db)."""

    bin: Path
    data: Path
    socket_dir: Path
    port: int
    run_as: list[str]

    @property
    def url(self) -> str:
        """The DATABASE_URL of its database."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{DATABASE}"

    def ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run pg_ctl on this cluster."""
        return subprocess.run(
            [*self.run_as, str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", *args],
            capture_output=True,
            text=True,
            check=check,
        )

    def start(self) -> None:
        """Start (again) on the same port."""
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.socket_dir}"
        self.ctl("-l", str(self.data.parent / "server.log"), "-o", options, "start")

    def stop(self) -> None:
        """Stop at once (connections are cut, as when the database server goes away)."""
        self.ctl("-m", "immediate", "stop", check=False)

    def url_of(self, database: str) -> str:
        """The DATABASE_URL of another database in this cluster."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new, empty database; its DATABASE_URL."""
        subprocess.run(
            [
                *self.run_as,
                str(self.bin / "createdb"),
                "-h",
                str(self.socket_dir),
                "-p",
                str(self.port),
                "-U",
                USER,
                name,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return self.url_of(name)

    def sql(self, query: str, database: str = DATABASE) -> str:
        """Run `query` with psql (unaligned, tuples only) and return its output."""
        return subprocess.run(
            [
                *self.run_as,
                str(self.bin / "psql"),
                "-h",
                str(self.socket_dir),
                "-p",
                str(self.port),
                "-U",
                USER,
                "-d",
                database,
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                query,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def postgres_cluster() -> Iterator[Cluster]:
    """A new cluster with an `edgeapp` superuser and database, trusted on 127.0.0.1 only."""
    binaries = server_bin()
    root = Path(tempfile.mkdtemp(prefix="edgeapp-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data = root / "data"
    try:
        subprocess.run(
            [*run_as, str(binaries / "initdb"), "-D", str(data), "-U", USER, "-A", "trust", "--no-sync", "-E", "UTF8"],
            capture_output=True,
            text=True,
            check=True,
        )
        cluster = Cluster(bin=binaries, data=data, socket_dir=root, port=0, run_as=run_as)
        for _attempt in range(5):  # a port free a moment ago may be taken by the time the server binds
            cluster.port = _free_port()
            try:
                cluster.start()
                break
            except subprocess.CalledProcessError:
                continue
        else:
            log = (root / "server.log").read_text() if (root / "server.log").exists() else ""
            pytest.fail(f"PostgreSQL did not start:\n{log[-2000:]}")
        try:
            cluster.create_database(DATABASE)
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
