"""Real servers for deploy tests, started on loopback ports by the tests themselves: sshd and nginx."""
from __future__ import annotations

import getpass
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SSHD = Path("/usr/sbin/sshd")
NGINX = Path("/usr/sbin/nginx")
RSYNC = Path("/usr/bin/rsync")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


@dataclass
class SshServer:
    """An sshd on 127.0.0.1 that accepts one throwaway key for the current user."""

    port: int
    key: Path
    known_hosts: Path
    user: str
    proc: subprocess.Popen

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)


def start_sshd(folder: Path) -> SshServer:
    """Start sshd with a fresh host key and client key in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("host_key", "client_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)], check=True)
    (folder / "authorized_keys").write_text((folder / "client_key.pub").read_text())
    os.chmod(folder / "authorized_keys", 0o600)
    port = free_port()
    config = folder / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {folder / 'host_key'}",
        f"AuthorizedKeysFile {folder / 'authorized_keys'}", f"PidFile {folder / 'sshd.pid'}",
        "StrictModes no", "UsePAM no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password", "LogLevel ERROR", "MaxStartups 100:30:200", "MaxSessions 50",
    ]) + "\n")
    Path("/run/sshd").mkdir(parents=True, exist_ok=True)  # privilege separation directory
    proc = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)], stderr=open(folder / "sshd.log", "w"))
    wait_for_port(port, proc)
    return SshServer(port, folder / "client_key", folder / "known_hosts", getpass.getuser(), proc)


@dataclass
class Nginx:
    """An nginx running a configuration written by `sitegen nginx-config --standalone`."""

    port: int
    proc: subprocess.Popen

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            self.proc.wait(timeout=10)


def start_nginx(config: Path, prefix: Path, port: int) -> Nginx:
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([str(NGINX), "-c", str(config), "-p", str(prefix), "-g", "daemon off;"],
                            stderr=open(prefix / "nginx.stderr", "w"))
    wait_for_port(port, proc)
    return Nginx(port, proc)
