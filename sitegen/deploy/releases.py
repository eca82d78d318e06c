"""Deploy: stage a new release on every target, verify it, then switch every target's `current` symlink.

On each target, the release root holds `releases/<id>/<site>/...` and `current -> releases/<id>`. A release
starts as a hard-linked copy of the live one, so rsync sends only what changed. Nothing switches until every
target holds the new release in full; a failure before that removes the staged copies and leaves every live
site as it was.
"""
from __future__ import annotations

import hashlib
import json
import shlex
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sitegen.config.model import Cluster
from sitegen.deploy.remote import Remote
from sitegen.errors import DeployError, Problem, did_you_mean
from sitegen.i18n import _
from sitegen.outputs.search_page import INDEX_DIR
from sitegen.write import folder
from sitegen.write.publisher import TMP_SUFFIX

MARKER = ".sitegen-release-root"
MANIFEST = "MANIFEST.sha256"
INFO = "RELEASE.json"
PARTIAL = ".partial"
SCRATCH = (f"{INDEX_DIR}.new", f"{INDEX_DIR}.old")  # an index being written or replaced: never part of a release
EXCLUDES = [*(f"--exclude={name}/" for name in SCRATCH), f"--exclude=*{TMP_SUFFIX}"]
Progress = Callable[[str, int, int], None]  # (target, files done, files to send)


@dataclass
class TargetPlan:
    """What one target gets: its sites, and what rsync will send or delete, with reasons."""

    remote: Remote
    sites: list[str]
    live: str | None
    uploads: list[tuple[str, str, int]] = field(default_factory=list)  # (path, reason, bytes)
    deletes: list[str] = field(default_factory=list)


@dataclass
class DeployResult:
    """What a deploy did."""

    release: str
    plans: list[TargetPlan]
    seconds: float
    warnings: list[Problem] = field(default_factory=list)

    @property
    def files(self) -> int:
        return sum(len(p.uploads) for p in self.plans)

    @property
    def bytes(self) -> int:
        return sum(size for p in self.plans for _, _, size in p.uploads)


def remotes(cluster: Cluster, names: tuple[str, ...]) -> list[Remote]:
    """Return the chosen targets (all if none named), or raise DeployError."""
    targets = {t.name: t for t in cluster.deploy.targets}
    if not targets:
        raise DeployError(Problem(_("no deploy targets in sites.yaml"), "sites.yaml",
                                  hint=_("add deploy: {targets: [{name, host, user, key, path}]}")))
    unknown = [n for n in names if n not in targets]
    if unknown:
        raise DeployError([Problem(_("--target {n}: no such target{suggestion}").format(n=n, suggestion=did_you_mean(n, targets)),
                                   hint=_("targets: {items}").format(items=', '.join(targets))) for n in unknown])
    return [Remote(targets[n]) for n in (names or tuple(targets))]


def sites_to_upload(cluster: Cluster, targets: list[Remote], only: tuple[str, ...]) -> set[str]:
    """Return the sites the chosen targets get (only those named, if any); raise DeployError for unknown names."""
    unknown = [s for s in only if s not in cluster.sites]
    if unknown:
        raise DeployError([Problem(_("--site {s}: no such site{suggestion}").format(s=s, suggestion=did_you_mean(s, cluster.sites)),
                                   hint=_("sites: {items}").format(items=', '.join(cluster.sites))) for s in unknown])
    return {s for r in targets for s in (r.spec.sites or cluster.sites) if not only or s in only}


def check_build(cluster: Cluster, out_dir: Path, sites: set[str]) -> list[Problem]:
    """Raise unless the folder holds a finished public build of every site to deploy; warn if the sources are newer."""
    missing = sorted(s for s in sites if not (out_dir / s / "index.html").is_file())
    if missing:
        raise DeployError(Problem(_("no build of {items} in {out_dir}").format(items=', '.join(missing), out_dir=out_dir),
                                  hint=_("run `sitegen build` first")))
    state = folder.read_state(out_dir)
    if state is None:
        raise DeployError(Problem(_("{out_dir} holds no finished sitegen build").format(out_dir=out_dir),
                                  hint=_("run `sitegen build` first")))
    if not state.public:
        raise DeployError(Problem(_("{out_dir} holds {describe}: only a finished public build may go to the web servers")
                                  .format(out_dir=out_dir,
                describe=state.describe()),
                                  hint=_("run `sitegen build` (public, without --drafts) and deploy its folder")))
    if state.ahead():
        raise DeployError(Problem(_("{out_dir} was built for a moment still to come (--now): items scheduled with publish_at would go "
                                    "out early").format(out_dir=out_dir), hint=_("run `sitegen build` without --now and deploy that")))
    built = state.completed_at or 0
    sources = [cluster.root / "sites.yaml", *cluster.content_dir.rglob("*"), *cluster.themes_dir.rglob("*")]
    newer = max((p for p in sources if p.is_file()), key=lambda p: p.stat().st_mtime, default=None)
    if newer is not None and newer.stat().st_mtime > built:
        return [Problem(_("the build is older than the sources ({newer} changed since)").format(newer=newer.relative_to(cluster.root)),
                        hint=_("run `sitegen build` first, unless you mean to deploy the older build"))]
    return []


def plan(cluster: Cluster, out_dir: Path, targets: list[Remote], only: tuple[str, ...]) -> list[TargetPlan]:
    """Return, per target, what a deploy would send and delete (rsync dry run against the live release)."""
    plans = []
    for remote in targets:
        sites = [s for s in (remote.spec.sites or list(cluster.sites)) if not only or s in only]
        live = _live(remote)
        item = TargetPlan(remote, sites, live)
        if sites:
            dest = f"{remote.root}/{live}/" if live else f"{remote.root}/.nonexistent/"
            lines = remote.rsync(["-a", "-R", "--delete", "--checksum", "--dry-run", "--out-format=%i %l %n", *EXCLUDES,
                                  *[f"{out_dir}/./{s}" for s in sites], remote.destination(dest)])
            _itemize(lines, item)
        plans.append(item)
    return plans


def _itemize(lines: list[str], item: TargetPlan) -> None:
    for line in lines:
        flags, size, path = ([*line.split(None, 2), "", ""])[:3]
        if flags == "*deleting":
            if not path.endswith("/"):
                item.deletes.append(path)
        elif flags[1:2] == "f":
            reason = _("new file") if "+++" in flags else _("content changed")
            item.uploads.append((path, reason, int(size) if size.isdigit() else 0))


def describe(plans: list[TargetPlan], most: int = 200) -> list[str]:
    """Return what a deploy would do on each target, every upload and delete with its reason (`most` of each shown)."""
    lines = []
    for item in plans:
        spec = item.remote.spec
        lines.append(f"{item.remote.name} ({spec.user}@{spec.host}:{spec.path}), live release: {item.live or 'none'}: "
                     f"{len(item.uploads)} to upload, {len(item.deletes)} to delete")
        lines += [f"  upload  {path}  ({reason}, {size} B)" for path, reason, size in item.uploads[:most]]
        lines += [f"  delete  {path}  (no longer in the build)" for path in item.deletes[:most]]
        hidden = max(0, len(item.uploads) - most) + max(0, len(item.deletes) - most)
        if hidden:
            lines.append(f"  … and {hidden} more")
    return lines


def deploy(cluster: Cluster, out_dir: Path, plans: list[TargetPlan], progress: Progress | None = None) -> DeployResult:
    """Stage the release on every target, verify it, switch every target, prune old releases."""
    started = time.perf_counter()
    hashes: dict[Path, str] = {}  # targets sharing sites hash each file once
    manifests = {id(p): _manifest(out_dir, p, hashes) for p in plans}
    build_id = hashlib.sha256("".join(sorted(manifests[id(p)] for p in plans)).encode()).hexdigest()
    now = datetime.now(UTC)
    # sorts by time; milliseconds keep two deploys of one build in the same second apart
    release = f"{now:%Y%m%dT%H%M%S}{now.microsecond // 1000:03d}Z-{build_id[:8]}"
    staged: list[TargetPlan] = []
    try:
        for item in plans:
            staged.append(item)
            _stage(out_dir, item, release, manifests[id(item)], build_id, progress)
    except DeployError as exc:
        for item in staged:
            item.remote.run(f"rm -rf {_q(item.remote.root)}/releases/{release}{PARTIAL}", check=False)
        raise DeployError([*exc.problems, Problem(_("no target was switched: every live site is unchanged"))]) from None
    for item in plans:  # phase two: every target has the release in full
        _switch(item.remote, release)
    for item in plans:
        prune(item.remote, cluster.deploy.keep)
    return DeployResult(release, plans, time.perf_counter() - started)


def _manifest(out_dir: Path, item: TargetPlan, hashes: dict[Path, str]) -> str:
    """Return 'sha256  site/path' lines for the release: this build's sites, other sites as they are live."""
    lines = []
    for site in item.sites:
        for path in sorted(p for p in (out_dir / site).rglob("*") if p.is_file() and not _excluded(p)):
            if path not in hashes:
                hashes[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            lines.append(f"{hashes[path]}  {path.relative_to(out_dir).as_posix()}\n")
    if item.live:
        live = item.remote.run(f"cat {_q(item.remote.root)}/{item.live}/{MANIFEST} 2>/dev/null || true")
        carried = [line + "\n" for line in live.splitlines() if line and line.split("  ", 1)[-1].split("/", 1)[0] not in item.sites]
        lines += carried
    return "".join(sorted(lines, key=lambda line: line.split("  ", 1)[-1]))


def _excluded(path: Path) -> bool:
    return any(part in SCRATCH for part in path.parts) or path.name.endswith(TMP_SUFFIX)


def _stage(out_dir: Path, item: TargetPlan, release: str, manifest: str, build_id: str, progress: Progress | None) -> None:
    remote, root = item.remote, _q(item.remote.root)
    staging = f"{item.remote.root}/releases/{release}{PARTIAL}"
    remote.run(f"set -e; {_claim_script(root)}; mkdir -p {_q(staging)}; "
               f"if [ -L {root}/current ]; then cp -al {root}/current/. {_q(staging)}/; fi; "
               f"rm -f {_q(staging)}/{MANIFEST} {_q(staging)}/{INFO}")
    total, done = len(item.uploads), 0

    def advance(line: str) -> None:
        nonlocal done
        if line[1:2] == "f":
            done += 1
            if progress:
                progress(remote.name, done, total)

    if item.sites:
        remote.rsync(["-a", "-R", "--delete", "--checksum", "--out-format=%i %l %n", *EXCLUDES,
                      *[f"{out_dir}/./{s}" for s in item.sites], remote.destination(staging + "/")], on_line=advance)
    entries = manifest.count("\n")
    info = {"id": release, "time": datetime.now(UTC).isoformat(timespec="seconds"), "build_id": build_id,
            "files": entries, "bytes": _bytes(out_dir, manifest),
            "sites": sorted({line.split("  ", 1)[1].split("/", 1)[0] for line in manifest.splitlines()})}
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / MANIFEST).write_text(manifest, encoding="utf-8")
        (Path(tmp) / INFO).write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
        remote.rsync(["-a", f"{tmp}/{MANIFEST}", f"{tmp}/{INFO}", remote.destination(staging + "/")])
    _verify(remote, staging, entries)
    remote.run(f"mv {_q(staging)} {_q(staging.removesuffix(PARTIAL))}")


def _bytes(out_dir: Path, manifest: str) -> int:
    total = 0
    for line in manifest.splitlines():
        path = out_dir / line.split("  ", 1)[1]
        total += path.stat().st_size if path.is_file() else 0
    return total


def _verify(remote: Remote, staging: str, entries: int) -> None:
    """Check every file's checksum on the target, and that the release holds nothing else."""
    s = _q(staging)
    out = remote.run(f"cd {s} && sha256sum --quiet --strict -c {MANIFEST} >&2 && "
                     f"find . -type f ! -name {MANIFEST} ! -name {INFO} | wc -l", check=False)
    count = out.strip().splitlines()[-1] if out.strip() else ""
    if count != str(entries):
        raise DeployError(Problem(_("target {remote_name}: the uploaded release does not match the build ({value} files there, {entries} "
                                    "expected)").format(remote_name=remote.name, value=count or 'checksums differ', entries=entries),
                                  hint=_("run the deploy again; if it repeats, check the target's disk space")))


def _claim_script(root: str) -> str:
    """Shell: refuse a non-empty folder that is not a release root, else make it one."""
    return f"{_check_root_script(root)}; mkdir -p {root}/releases && touch {root}/{MARKER}"


def _switch(remote: Remote, release: str) -> None:
    root = _q(remote.root)
    # a rename is atomic: readers see the old release or the new one, never a mix;
    # `previous` remembers what was live, for rollback and so pruning never removes it
    remote.run(f"cd {root} && old=$(readlink current || true) && ln -sfn releases/{release} current.new && "
               f"mv -T current.new current && if [ -n \"$old\" ] && [ \"$old\" != releases/{release} ]; then "
               f"ln -sfn \"$old\" previous.new && mv -T previous.new previous; fi")


def _live(remote: Remote) -> str | None:
    out = remote.run(f"{_check_root_script(_q(remote.root))}; readlink {_q(remote.root)}/current || true").strip()
    return out or None


def _check_root_script(root: str) -> str:
    """Shell: fail if `root` is a non-empty folder without the release-root marker."""
    return (f"if [ -d {root} ] && [ -n \"$(ls -A {root})\" ] && [ ! -e {root}/{MARKER} ]; then "
            f"echo 'not a sitegen release root: {root} is not empty' >&2; exit 3; fi")


def releases(remote: Remote) -> list[dict]:
    """Return the target's releases, newest first, each with its RELEASE.json and whether it is live."""
    root = _q(remote.root)
    out = remote.run(f"{_check_root_script(root)}; echo \"$(readlink {root}/current) $(readlink {root}/previous)\"; "
                     f"for d in {root}/releases/*/; do [ -f \"${{d}}{INFO}\" ] && cat \"${{d}}{INFO}\" && echo && echo @@; done; true")
    head, _unused, rest = out.partition("\n")
    live, _unused, previous = (p.removeprefix("releases/") for p in head.partition(" "))
    found = [json.loads(chunk) for chunk in rest.split("\n@@\n") if chunk.strip()]
    return sorted(({**info, "live": info["id"] == live, "previous": info["id"] == previous} for info in found),
                  key=lambda r: r["id"], reverse=True)


def prune(remote: Remote, keep: int) -> list[str]:
    """Remove releases beyond the newest `keep`; never the live one or the previously live one. Return those removed."""
    listing = releases(remote)
    protected = {r["id"] for r in listing[:keep]} | {r["id"] for r in listing if r["live"] or r["previous"]}
    doomed = [r["id"] for r in listing if r["id"] not in protected]
    root = _q(remote.root)
    remote.run(f"cd {root}/releases && rm -rf -- {' '.join(shlex.quote(d) for d in doomed)} ./*{PARTIAL}")
    return doomed


def rollback(targets: list[Remote], to: str | None) -> dict[str, str]:
    """Switch every target to release `to` (default: the one live before); return target -> release."""
    chosen: dict[str, str] = {}
    problems = []
    for remote in targets:
        listing = releases(remote)
        ids = [r["id"] for r in listing]
        pick = next((r["id"] for r in listing if r["previous"]), None) if to is None else (to if to in ids else None)
        if pick is None:
            wanted = f"release {to}" if to else "an earlier release"
            problems.append(Problem(_("target {remote_name} has no {wanted}{value}").format(remote_name=remote.name, wanted=wanted,
                    value=did_you_mean(to, ids) if to else ''),
                                    hint=_("releases there: {value}").format(value=', '.join(ids) or 'none')))
        else:
            chosen[remote.name] = pick
    if problems:
        raise DeployError([*problems, Problem(_("nothing was switched"))])
    for remote in targets:
        _switch(remote, chosen[remote.name])
    return chosen


def _q(text: str) -> str:
    return shlex.quote(text)
