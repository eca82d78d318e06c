"""Check a range of commits: every file each one touched must be its author's (a site they own) or the author an admin.

Who owns what is read from sites.yaml as it is at the start of the range (BASE of BASE..TIP), never from the commits
being checked, so a push cannot grant itself rights: a change of owners counts from the push after the one making it.
Renames count as a deletion of the old path and an addition of the new one, so both must be the author's. A merge
commit answers for the files it leaves different from every parent (conflict resolutions, edits slipped into the
merge); what it brings in from its parents is checked in the commits that made it, which are in the range as well.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import Problem
from sitegen.i18n import _
from sitegen.owners import git
from sitegen.owners.rules import OwnersError, Ownership, RangeError, describe, from_sites_yaml, remedy

CONFIG_NAME = "sites.yaml"


@dataclass(frozen=True)
class Checked:
    """What a successful check looked at."""

    rev_range: str
    base: str
    commits: int
    authors: int

    def summary(self) -> str:
        """Return the one line printed when every file was changed by someone who may."""
        if not self.commits:
            return f"No commits in {self.rev_range}: nothing to check."
        commits = f"{self.commits} commit{'s' if self.commits != 1 else ''}"
        authors = f"{self.authors} author{'s' if self.authors != 1 else ''}"
        return (f"{commits} in {self.rev_range} by {authors}: every file was changed by an owner of its site "
                f"or a cluster admin (owners as sites.yaml has them at {self.base}).")


def verify(root: Path, rev_range: str) -> Checked:
    """Check every commit of `rev_range`; raise OwnersError with one problem per file changed by someone who may not."""
    base, tip = split_range(rev_range)
    where = git.prefix(root)
    commits = git.commits(root, base, tip)
    ownership = ownership_at(root, base, where)
    problems = [problem for commit in commits for problem in offences(commit, ownership, where)]
    if problems:
        raise OwnersError(problems)
    return Checked(rev_range, base, len(commits), len({c.author for c in commits}))


def split_range(rev_range: str) -> tuple[str, str]:
    """Return BASE and TIP of `BASE..TIP` (a side left out is HEAD, as in git); RangeError for anything else."""
    base, dots, tip = rev_range.partition("..")
    if not dots or tip.startswith("."):
        raise RangeError(Problem(_("'{rev_range}' is not a range BASE..TIP (two dots)").format(rev_range=rev_range),
                                 hint=_("e.g. origin/main..HEAD, or OLD..NEW from a pre-receive hook's input")))
    return base or "HEAD", tip or "HEAD"


def ownership_at(root: Path, base: str, where: str) -> Ownership:
    """Return the ownership sites.yaml sets at `base`; RangeError if it has none there."""
    data = git.file_at(root, git.resolve(root, base), where + CONFIG_NAME)
    if data is None:
        raise RangeError(Problem(_("{base} has no {where}{CONFIG_NAME}: owners are read from it as it is at the start of the "
                                   "range").format(base=base,
                where=where, CONFIG_NAME=CONFIG_NAME),
                                 hint=_("start the range at a commit that has sites.yaml (the first push is a cluster admin's)")))
    return from_sites_yaml(data, f"{base}:{CONFIG_NAME}")


def offences(commit: git.Commit, ownership: Ownership, where: str) -> Iterator[Problem]:
    """Yield a problem for every file `commit` touched that its author may not change."""
    for change in commit.changes:
        inside = change.path.startswith(where)
        shown = change.path.removeprefix(where) if inside else change.path
        site = ownership.site_of(shown) if inside else None
        if not ownership.may_change(commit.author, site):
            kind = "merge commit" if commit.is_merge else "commit"
            yield Problem(_("{kind} {short} by {author} {verb} this file, which {describe}").format(kind=kind, short=commit.short,
                    author=commit.author, verb=change.verb, describe=describe(ownership, site)),
                          shown, hint=remedy(ownership, site, commit.author))
