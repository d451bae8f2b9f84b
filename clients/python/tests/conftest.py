"""Starts the real service (src/main.ts on the project's Node 22) for the tests."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from notification_client import NotificationClient

REPO = Path(__file__).resolve().parents[3]
NODE = REPO / "node_modules" / ".bin" / "node"
START_TIMEOUT = 60.0


class Server:
    """The service in a child process on a free port, with everything it printed."""

    def __init__(self, data_dir: Path, extra_env: dict[str, str] | None = None) -> None:
        if not NODE.exists():
            pytest.fail(f"{NODE} is missing: run `npm ci` in {REPO} first")
        env = {
            **os.environ,
            "PORT": "0",
            "ADMIN_PORT": "0",
            "HOST": "127.0.0.1",
            "DATA_DIR": str(data_dir),
            "RIAK_NODES": "",
            "REDIS_URL": "",
            "LOG_LEVEL": "info",
            "CONFIG": str(REPO / "config.yml"),
            **(extra_env or {}),
        }
        self.output: list[str] = []
        self.process = subprocess.Popen(
            [str(NODE), "--import", "tsx", "src/main.ts"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        ports: queue.Queue[int | None] = queue.Queue()
        # Keeps reading after start-up too, so that a full pipe never blocks the server.
        threading.Thread(target=self._read, args=(ports,), daemon=True).start()
        try:
            port = ports.get(timeout=START_TIMEOUT)
        except queue.Empty:
            port = None
        if port is None:
            self.stop()
            pytest.fail("the service did not start:\n" + "".join(self.output))
        self.target = f"127.0.0.1:{port}"

    def _read(self, ports: queue.Queue[int | None]) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            port = _listening_port(line)
            if port is not None:
                ports.put(port)
        ports.put(None)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _listening_port(line: str) -> int | None:
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    if isinstance(entry, dict) and "listening" in str(entry.get("msg", "")):
        port = entry.get("port")
        return port if isinstance(port, int) else None
    return None


#: The key of the unsubscribe links the test service checks.
UNSUBSCRIBE_SECRET = "python-client-unsubscribe-secret-0123456789"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(
        tmp_path_factory.mktemp("data"),
        {"CRITICAL_CATEGORIES": "security", "EMAIL_UNSUBSCRIBE_SECRET": UNSUBSCRIBE_SECRET},
    )
    yield running
    running.stop()


#: The HMAC secret of the service started with ``auth.mode: jwt``.
JWT_SECRET = "python-client-test-secret-0123456789abcdef"


@pytest.fixture(scope="session")
def jwt_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(
        tmp_path_factory.mktemp("jwt-data"),
        {"AUTH_MODE": "jwt", "AUTH_JWT_SECRET": JWT_SECRET},
    )
    yield running
    running.stop()


@pytest.fixture
def client(server: Server) -> Iterator[NotificationClient]:
    with NotificationClient(server.target) as connected:
        yield connected
