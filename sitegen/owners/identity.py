"""Git identities as sites.yaml lists them (user names, e-mail addresses), matched against a commit's author.

An identity with an `@` after its first character is an e-mail address: it matches an author e-mail equal to it,
ignoring case. Any other identity is a Git host user name, written `zhangsan` or `@zhangsan`: it matches, ignoring
case, an author name equal to it, or the user name in a Git host's no-reply address, which web edits carry
(GitHub `12345+zhangsan@users.noreply.github.com`, GitLab `12345-zhangsan@users.noreply.gitlab.com`,
Gitea and Forgejo `zhangsan@noreply.example.org`).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Author:
    """Who a commit says wrote it."""

    name: str
    email: str

    def __str__(self) -> str:
        """Return the author as git shows one: `name <e-mail>`."""
        return f"{self.name} <{self.email}>"


def is_email(identity: str) -> bool:
    """Return whether `identity` is an e-mail address (`@zhangsan` is a user name)."""
    return "@" in identity[1:]


def user_name(identity: str) -> str:
    """Return a user name identity without its leading `@`."""
    return identity.removeprefix("@")


def matches(identity: str, author: Author) -> bool:
    """Return whether `identity` names the commit's author (rules in the module's docstring)."""
    if is_email(identity):
        return identity.casefold() == author.email.casefold()
    name = user_name(identity).casefold()
    return name == author.name.casefold() or name in _noreply_names(author.email)


def any_matches(identities: Iterable[str], author: Author) -> bool:
    """Return whether one of `identities` names the commit's author."""
    return any(matches(identity, author) for identity in identities)


def _noreply_names(email: str) -> set[str]:
    """Return the user names a Git host's no-reply address may stand for, or nothing for an ordinary address."""
    local, _unused, domain = email.casefold().rpartition("@")
    if not domain.startswith(("noreply.", "users.noreply.")):
        return set()
    return {local, re.sub(r"^\d+[+-]", "", local)}


def codeowner(identity: str) -> str:
    """Return the identity as CODEOWNERS writes it: `@name` for a user name, the e-mail address as it is."""
    return identity if is_email(identity) else "@" + user_name(identity)
