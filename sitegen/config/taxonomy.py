"""主题分类 and 体裁分类: shipped as data, replaceable per cluster, checked with a suggestion."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from sitegen.config.schema import DisclosureSpec
from sitegen.errors import ConfigError, Problem, Problems
from sitegen.i18n import _
from sitegen.sources.encoding import read_text
from sitegen.sources.yamlio import parse

DATA = Path(__file__).resolve().parent.parent / "data"  # shipped with the package: sitegen/data/
SEP = "\\"


@dataclass(frozen=True)
class Taxonomy:
    """The valid topics (top level and `top\\child`) and genres."""

    topics: dict[str, tuple[str, ...]]
    genres: tuple[str, ...]
    files: tuple[Path, ...] = ()  # the cluster's own taxonomy files, if it replaces the shipped ones

    def all_topics(self) -> list[str]:
        """Return every valid topic value, top levels first in their order."""
        return list(self.topics) + [f"{top}{SEP}{child}" for top, kids in self.topics.items() for child in kids]

    def check_topic(self, value: str) -> str | None:
        """Return a message if `value` is not a topic, else None."""
        top, sep, child = value.replace("/", SEP).replace("／", SEP).partition(SEP)
        if top in self.topics and sep and not child:
            return f"the 主题分类 '{value}' ends in a separator: write '{top}' or '{top}{SEP}<second level>'"
        if top in self.topics and (not child or child in self.topics[top]):
            return None if SEP in value or not child else f"write the topic with a backslash: '{top}{SEP}{child}'"
        return f"unknown 主题分类 '{value}'{_nearest(value, self.all_topics())}"

    def check_genre(self, value: str) -> str | None:
        """Return a message if `value` is not a genre, else None."""
        return None if value in self.genres else f"unknown 体裁分类 '{value}'{_nearest(value, self.genres)}"

    @staticmethod
    def top(topic: str) -> str:
        """Return the top-level category of a topic."""
        return topic.split(SEP, 1)[0]


def _nearest(value: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.4)
    return f' (did you mean "{close[0]}"?)' if close else ""


def load_taxonomy(root: Path, spec: DisclosureSpec) -> Taxonomy:
    """Return the cluster's taxonomy: the shipped data unless sites.yaml names replacements."""
    topics_path = root / spec.topics if spec.topics else DATA / "topics.yaml"
    genres_path = root / spec.genres if spec.genres else DATA / "genres.yaml"
    topics = _read(topics_path, root, dict)
    genres = _read(genres_path, root, list)
    assert isinstance(topics, dict) and isinstance(genres, list)  # _read checked the shape
    bad = [k for k, v in topics.items() if not isinstance(v, list) or not all(isinstance(c, str) for c in v)]
    if bad or not all(isinstance(g, str) for g in genres):
        raise ConfigError(Problem(_("a taxonomy file has the wrong shape"), topics_path if bad else genres_path,
                                  hint=_("topics: 'top: [child, ...]' lines; genres: a list of names")))
    own = tuple(p for p in (topics_path, genres_path) if not p.is_relative_to(DATA))
    return Taxonomy({str(k): tuple(v) for k, v in topics.items()}, tuple(genres), own)


def _read(path: Path, root: Path, kind: type[dict] | type[list]) -> dict | list:
    shown = path.relative_to(root) if path.is_relative_to(root) else path
    if not path.is_file():
        raise ConfigError(Problem(_("taxonomy file not found: {file}").format(file=shown), "sites.yaml",
                                  hint=_("give the path relative to sites.yaml")))
    try:
        data, _unused = parse(read_text(path, shown), shown)
    except Problems as exc:
        raise ConfigError(exc.problems) from None
    if not isinstance(data, kind):
        raise ConfigError(Problem(_("expected a mapping of 'key: value' lines") if kind is dict else _("expected a list"),
                                  shown, line=1))
    return data
