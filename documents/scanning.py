"""Malware scanning through clamd (the ClamAV daemon) with clamav-client, when settings.CLAMAV_URL
names it ("tcp://127.0.0.1:3310" or "unix:///run/clamav/clamd.ctl"). Without it files are stored
unscanned and marked so. With it, a scanner that does not answer refuses the upload (it is never
stored unscanned while a scanner is expected)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import urlsplit

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from django.conf import settings

from .choices import ScanStatus


class ScannerDown(RuntimeError):
    """clamd is configured but did not answer."""


@dataclass(frozen=True)
class Scan:
    status: str  # ScanStatus
    signature: str = ""  # what was found (then the file is infected)

    @property
    def infected(self) -> bool:
        return bool(self.signature)


def scanner():
    """The configured clamd client, or None."""
    url = settings.CLAMAV_URL
    if not url:
        return None
    timeout = settings.CLAMAV_TIMEOUT_SECONDS
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return ClamdUnixSocket(path=parts.path, timeout=timeout)
    if parts.scheme == "tcp":
        return ClamdNetworkSocket(host=parts.hostname or "127.0.0.1", port=parts.port or 3310, timeout=timeout)
    raise ValueError(f"CLAMAV_URL must start tcp:// or unix://, not {url!r}")


def scan(data: bytes) -> Scan:
    client = scanner()
    if client is None:
        return Scan(ScanStatus.UNSCANNED)
    try:
        results = client.instream(io.BytesIO(data))
    except (ClamdError, OSError) as exc:
        raise ScannerDown(str(exc)) from exc
    status, reason = next(iter(results.values()), (None, None))
    if status == "FOUND":
        return Scan(ScanStatus.CLEAN, signature=reason or "unknown")
    if status != "OK":
        raise ScannerDown(f"clamd answered {status} {reason}")
    return Scan(ScanStatus.CLEAN)
