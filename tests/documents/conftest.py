"""Documents' tests: files go to a temporary folder of each test; a real clamd when a test asks."""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from .samples import EICAR


@pytest.fixture(autouse=True)
def documents_folder(tmp_path, settings):
    """Each test's documents in its own temporary folder (Django resets its storages on the change)."""
    folder = tmp_path / "documents"
    folder.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    settings.CLAMAV_URL = ""
    return folder


@pytest.fixture
def upload():
    def make(data: bytes, name: str = "file.pdf", content_type: str = "application/octet-stream"):
        return SimpleUploadedFile(name, data, content_type=content_type)

    return make


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def clamd_url(tmp_path_factory):
    """A real clamd (Debian's clamav-daemon) on a one-signature database that detects the EICAR test
    file: no signatures are downloaded. Skips only when the clamd program is not installed."""
    binary = shutil.which("clamd") or ("/usr/sbin/clamd" if shutil.os.path.exists("/usr/sbin/clamd") else None)
    if binary is None:
        pytest.skip("clamd is not installed (apt-get install clamav-daemon): the scanning tests need it")
    root = tmp_path_factory.mktemp("clamd")
    database = root / "db"
    database.mkdir()
    (database / "eicar.hdb").write_text(f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:Eicar-Test-Signature\n")  # noqa: S324
    port = _free_port()
    config = root / "clamd.conf"
    config.write_text(
        f"TCPSocket {port}\nTCPAddr 127.0.0.1\nDatabaseDirectory {database}\nForeground yes\n"
        f"LogFile {root / 'clamd.log'}\nPidFile {root / 'clamd.pid'}\n"
    )
    process = subprocess.Popen([binary, f"--config-file={config}"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"clamd stopped at start: {(root / 'clamd.log').read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                    connection.sendall(b"zPING\0")
                    if connection.recv(16).startswith(b"PONG"):
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("clamd did not answer within 60 seconds")
        yield f"tcp://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
