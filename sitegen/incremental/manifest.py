"""The build manifest: the fingerprint of every output of the last build in a folder, and of its search indexes.

It lives in the output folder, so it always describes the files beside it.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

NAME = ".sitegen"  # also the marker that says sitegen made the folder (publish.MARKER)
SCHEMA = 2


@dataclass
class Manifest:
    """What the output folder holds, as the last successful build left it."""

    path: Path
    outputs: dict[str, str] = field(default_factory=dict)  # build-relative file -> fingerprint
    indexes: dict[str, str] = field(default_factory=dict)  # site id -> fingerprint of the pages it indexes
    inputs: str = ""  # digest of everything the last complete build read (inputs.digest); "" while one runs
    window: list = field(default_factory=lambda: [None, None])  # moments for which that build admits the same pages
    summary: dict = field(default_factory=dict)  # what that build reported: sites, pages, warnings
    sources: dict = field(default_factory=dict)  # that build's inputs split: {"shared": digest, "sites": {id: digest}}

    @classmethod
    def read(cls, out_dir: Path) -> Manifest:
        """Return the folder's manifest; a missing or unreadable one is empty, so everything is made again."""
        path = out_dir / NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("schema") == SCHEMA:
                return cls(path, dict(data["outputs"]), dict(data["indexes"]), data["inputs"], list(data["window"]),
                           dict(data["summary"]), dict(data.get("sources", {})))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        return cls(path)

    def write(self) -> None:
        """Replace the manifest on disk in one step."""
        tmp = self.path.with_name(NAME + ".tmp")
        data = {"schema": SCHEMA, "inputs": self.inputs, "window": self.window, "summary": self.summary, "sources": self.sources,
                "outputs": dict(sorted(self.outputs.items())), "indexes": dict(sorted(self.indexes.items()))}
        tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, self.path)
