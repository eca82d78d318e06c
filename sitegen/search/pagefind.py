"""A client for the Pagefind binary's service mode that sends pages without waiting on each one.

The protocol: base64-encoded JSON messages, each followed by a comma, in both directions.
"""
from __future__ import annotations

import base64
import io
import json
import subprocess
import threading
from typing import Any


class PagefindFailed(RuntimeError):
    """The service answered with an error, or stopped."""


class PagefindService:
    """One running `pagefind_extended --service` process; use as a context manager."""

    def __init__(self) -> None:
        from pagefind_bin_extended import get_executable  # pinned in pyproject.toml

        self._proc = subprocess.Popen([str(get_executable()), "--service"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._next = 0
        self._answers: dict[int, dict[str, Any]] = {}
        self._ready = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def __enter__(self) -> PagefindService:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.terminate()
        self._proc.wait(timeout=30)

    def new_index(self, config: dict[str, Any]) -> int:
        """Create an index in the service and return its id."""
        return int(self.wait(self.send({"type": "NewIndex", "config": config}))["index_id"])

    def add_html(self, index_id: int, url: str, html: str) -> int:
        """Queue a page; return the message id to wait for."""
        return self.send({"type": "AddFile", "index_id": index_id, "url": url, "file_contents": html, "file_path": None})

    def files(self, index_id: int) -> list[tuple[str, bytes]]:
        """Return the index's files, (path relative to the index folder, contents).

        Not WriteFiles: the service answers it before its files are all on disk, and one that ends then can leave a
        file empty.
        """
        answer = self.wait(self.send({"type": "GetFiles", "index_id": index_id}))
        return [(f["path"], base64.b64decode(f["content"])) for f in answer["files"]]

    def send(self, payload: dict[str, Any]) -> int:
        self._next += 1
        message = {"message_id": self._next, "payload": payload}
        assert self._proc.stdin is not None
        self._proc.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        self._proc.stdin.flush()
        return self._next

    def wait(self, message_id: int) -> dict[str, Any]:
        """Return the answer to a message; raise PagefindFailed on an error answer or a dead service."""
        with self._ready:
            while message_id not in self._answers:
                if not self._reader.is_alive():
                    raise PagefindFailed(f"the Pagefind service stopped (exit code {self._proc.poll()})")
                self._ready.wait(timeout=1)
            answer = self._answers.pop(message_id)
        if answer.get("type") == "Error":
            raise PagefindFailed(str(answer.get("message", answer)))
        return answer

    def _read(self) -> None:
        stdout = self._proc.stdout
        assert isinstance(stdout, io.BufferedReader)  # a pipe opened in binary mode
        buffer = b""
        while chunk := stdout.read1(1 << 16):
            buffer += chunk
            *messages, buffer = buffer.split(b",")
            for raw in messages:
                decoded = json.loads(base64.b64decode(raw)) if raw else None
                if not decoded or decoded.get("message_id") is None:
                    continue
                with self._ready:
                    self._answers[decoded["message_id"]] = decoded["payload"]
                    self._ready.notify_all()
        with self._ready:
            self._ready.notify_all()
