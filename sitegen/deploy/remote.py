"""SSH and rsync to one deploy target, with failures turned into messages a webmaster can act on."""
from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sitegen.config.schema import TargetSpec
from sitegen.errors import DeployError, Problem
from sitegen.i18n import _

CONNECT_TIMEOUT = 10
SSH_FAILED = 255  # ssh's own failure (connection refused or dropped, key refused), never the remote script's


@dataclass(frozen=True)
class Remote:
    """One target: how to reach it and where its release root is."""

    spec: TargetSpec

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def root(self) -> str:
        return self.spec.path.rstrip("/")

    def key(self) -> str | None:
        """Return the private key's path: from key_env, else key; ~ and ${VAR} expanded."""
        raw = os.environ.get(self.spec.key_env) if self.spec.key_env else self.spec.key
        if self.spec.key_env and not raw:
            raise DeployError(Problem(_("target {self_name}: the environment variable {key_env} is not set").format(self_name=self.name,
                    key_env=self.spec.key_env),
                                      hint=_("export {key_env}=/path/to/private/key").format(key_env=self.spec.key_env)))
        if raw is None:
            return None
        path = Path(os.path.expandvars(os.path.expanduser(raw)))
        if not path.is_file():
            raise DeployError(Problem(_("target {self_name}: key file not found: {path}").format(self_name=self.name, path=path),
                                      hint=_("check deploy.targets[].key")))
        return str(path)

    def ssh_command(self) -> list[str]:
        """Return the ssh command line (without the remote command)."""
        args = ["ssh", "-p", str(self.spec.port), "-o", "BatchMode=yes", "-o", f"ConnectTimeout={CONNECT_TIMEOUT}",
                "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=2"]
        if self.spec.known_hosts:
            args += ["-o", f"UserKnownHostsFile={os.path.expanduser(self.spec.known_hosts)}", "-o", "StrictHostKeyChecking=accept-new"]
        key = self.key()
        if key:
            args += ["-i", key, "-o", "IdentitiesOnly=yes"]
        return args

    @property
    def address(self) -> str:
        return f"{self.spec.user}@{self.spec.host}"

    def run(self, script: str, check: bool = True) -> str:
        """Run a shell script on the target; return its output, or raise DeployError."""
        proc = subprocess.run([*self.ssh_command(), self.address, "sh -c " + shlex.quote(script)],
                              capture_output=True, text=True, timeout=600)
        if proc.returncode == SSH_FAILED or (check and proc.returncode != 0):
            raise DeployError(self.problem(proc.returncode, proc.stderr))
        return proc.stdout

    def rsync(self, args: list[str], on_line: Callable[[str], None] | None = None) -> list[str]:
        """Run rsync to this target with `args` (sources and destination given by the caller); return its output lines."""
        command = ["rsync", "-e", shlex.join(self.ssh_command())]
        if self.spec.rsync_path:
            command += ["--rsync-path", self.spec.rsync_path]
        if self.spec.bwlimit:
            command += [f"--bwlimit={self.spec.bwlimit}"]
        proc = subprocess.Popen([*command, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = []
        for line in _lines(proc):
            lines.append(line)
            if on_line:
                on_line(line)
        stderr = proc.stderr.read() if proc.stderr else ""
        if proc.wait() != 0:
            raise DeployError(self.problem(proc.returncode, stderr))
        return lines

    def destination(self, path: str) -> str:
        """Return an rsync destination on this target."""
        return f"{self.address}:{path}"

    def problem(self, code: int, stderr: str) -> Problem:
        """Describe a failed ssh or rsync run."""
        text = stderr.strip().splitlines()
        last = text[-1] if text else f"exit code {code}"
        where = f"target {self.name} ({self.spec.host}:{self.spec.port})"
        if "Permission denied" in stderr:
            return Problem(_("{where} refused the key: {last}").format(where=where, last=last),
                           hint=_("check deploy.targets[].user and key, and the server's authorized_keys"))
        if "Connection refused" in stderr or "timed out" in stderr or "Could not resolve" in stderr or "No route" in stderr:
            return Problem(_("cannot reach {where}: {last}").format(where=where, last=last),
                           hint=_("check the host, the port and that sshd runs there"))
        if code == SSH_FAILED:
            return Problem(_("the connection to {where} was lost: {last}").format(where=where, last=last),
                           hint=_("run the deploy again once the server answers; no target was switched"))
        return Problem(_("{where} failed: {last}").format(where=where, last=last))


def _lines(proc: subprocess.Popen) -> Iterator[str]:
    assert proc.stdout is not None
    for line in proc.stdout:
        yield line.rstrip("\n")
