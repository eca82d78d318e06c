"""classify: what a changed file is to `sitegen serve`, and which files it ignores; a rebuild told which files were written."""
from __future__ import annotations

from pathlib import Path

import pytest
from watchdog.events import FileModifiedEvent

from conftest import NOW, make_cluster
from sitegen.build import BuildOptions
from sitegen.cli.app import moment
from sitegen.config.loader import load_config
from sitegen.content.profile import Profile
from sitegen.incremental import inputs
from sitegen.serve.server import LiveReload
from sitegen.serve.watch import ChangeKind, Session, Watcher, classify, read_elsewhere


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "cluster").mkdir()
    return tmp_path / "cluster"


@pytest.mark.parametrize("rel", [
    "content/town/news/market.md",
    "content/town/news/market/photo.jpg",
    "content/portal/notices/plan.pdf",
    "content/portal/about.md",
])
def test_classify_files_under_content_as_content(root, rel):
    assert classify(root, root / rel) is ChangeKind.CONTENT


@pytest.mark.parametrize("rel", [
    "themes/gov/templates/article.html",
    "themes/gov/templates/partials/_nav.html",
    "content/town/_theme/templates/article.html",
])
def test_classify_theme_and_site_override_templates_as_templates(root, rel):
    assert classify(root, root / rel) is ChangeKind.TEMPLATE


@pytest.mark.parametrize("rel", [
    "themes/gov/static/css/site.css",
    "themes/gov/static/favicon.svg",
    "content/town/_theme/static/logo.png",
])
def test_classify_theme_and_site_override_static_files_as_static(root, rel):
    assert classify(root, root / rel) is ChangeKind.STATIC


@pytest.mark.parametrize("rel", ["sites.yaml", "content/town/_site.yaml"])
def test_classify_sites_yaml_and_a_site_yaml_as_configuration(root, rel):
    assert classify(root, root / rel) is ChangeKind.CONFIG


def test_classify_a_sites_yaml_below_the_root_as_what_its_folder_makes_it(root):
    assert classify(root, root / "content/town/news/sites.yaml") is ChangeKind.CONTENT


@pytest.mark.parametrize("rel", [
    "content/town/news/market.md~",  # editor backups and swap files
    "content/town/news/.market.md.swp",
    "content/town/news/market.md.swx",
    "content/town/news/market.md.tmp",
    "themes/gov/templates/article.html.swp",
    "content/portal/disclosure/_index_numbers.yaml",  # written by the build itself
    "content/town/.DS_Store",  # dotfiles and dot folders
    "content/.git/HEAD",
    ".sitegen-cache/preview/portal/index.html",
    "build/portal/index.html",  # the output, and anything else outside content/ and themes/
    "README.md",
    "themes/gov/README.md",
    "content/town/news/market.md.sitegen-tmp",
])
def test_classify_ignores_files_no_build_reads(root, rel):
    assert classify(root, root / rel) is None


def test_classify_ignores_the_root_itself_and_files_outside_it(root):
    assert classify(root, root) is None
    assert classify(root, root.parent / "elsewhere/content/x.md") is None
    assert classify(root, root / "content/../../elsewhere.md") is None


def test_classify_extra_files_read_from_elsewhere_as_static(root):
    logo = root.parent / "assets/logo.png"
    inside = root / "assets/town-logo.png"
    extra = frozenset({logo.resolve(), inside.resolve()})
    assert classify(root, logo, extra) is ChangeKind.STATIC
    assert classify(root, inside, extra) is ChangeKind.STATIC
    assert classify(root, root / "assets/other.png", extra) is None


def test_classify_files_of_a_shipped_theme_the_sites_use_as_templates_and_static(root):
    shipped = root.parent / "site-packages/sitegen/themes/gov"
    assert classify(root, shipped / "templates/article.html", themes=(shipped,)) is ChangeKind.TEMPLATE
    assert classify(root, shipped / "static/css/site.css", themes=(shipped,)) is ChangeKind.STATIC
    assert classify(root, shipped / "README.md", themes=(shipped,)) is None
    assert classify(root, shipped / "templates/article.html") is None  # a theme no site uses
    assert classify(root, shipped.parent / "other/templates/article.html", themes=(shipped,)) is None

def test_read_elsewhere_names_the_sites_logos(tmp_path):
    yaml_text = (make_cluster(tmp_path / "base") / "sites.yaml").read_text(encoding="utf-8")
    yaml_text = yaml_text.replace("    url: /town/\n", "    url: /town/\n    theme_options: {logo: assets/town-logo.png}\n")
    root = make_cluster(tmp_path, {"sites.yaml": yaml_text, "assets/town-logo.png": b"\x89PNG"})
    assert read_elsewhere(load_config(root)) == (root / "assets/town-logo.png",)


def test_a_taxonomy_file_named_in_sites_yaml_is_a_watched_source(tmp_path):
    yaml_text = (make_cluster(tmp_path / "base") / "sites.yaml").read_text(encoding="utf-8")
    yaml_text = yaml_text.replace("defaults:", "disclosure: {topics: taxonomy/topics.yaml}\ndefaults:", 1)
    root = make_cluster(tmp_path, {"sites.yaml": yaml_text, "taxonomy/topics.yaml": "综合政务: [政务公开]\n"})
    extra = frozenset(p.resolve() for p in read_elsewhere(load_config(root)))
    assert classify(root, root / "taxonomy/topics.yaml", extra) is not None


def _session(tmp_path: Path) -> tuple[Session, list[str]]:
    root = make_cluster(tmp_path)
    cluster = load_config(root)
    options = BuildOptions(root=root, out=tmp_path / "preview", profile=Profile(moment(NOW, cluster)), search=False,
                           preview=True)
    said: list[str] = []
    session = Session(options, LiveReload(), lambda text, failed: said.append(text))
    session.rebuild(cluster=cluster)
    return session, said


def _add(path: Path, words: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace("集市改造完成。", f"集市改造完成。{words}")
                    .replace("要闻正文", f"要闻正文{words}"), encoding="utf-8")


def test_a_rebuild_reads_the_files_the_watcher_saw_written_and_builds_once(tmp_path, monkeypatch):
    session, said = _session(tmp_path)
    market = session.options.root / "content/town/news/market.md"
    _add(market, "第一次补充。")
    full, digest = [], inputs.digest
    monkeypatch.setattr(inputs, "digest", lambda *args, **kw: full.append(1) or digest(*args, **kw))
    session.rebuild(" (saved)", touched=[market])
    assert "第一次补充" in (session.options.out / "town/news/market/index.html").read_text(encoding="utf-8")
    assert len(said) == 2 and "(saved)" in said[1], said
    assert len(full) == 1  # only the check of every source once the pages were told


def test_an_editors_scratch_files_are_told_to_the_next_rebuild_and_ask_for_none(tmp_path, monkeypatch):
    session, said = _session(tmp_path)
    root = session.options.root
    swap = root / "content/town/news/.market.md.swp"
    swap.write_bytes(b"swap")
    session.rebuild(" (saved)")  # the swap file is there when the editing starts
    watcher = Watcher(session)
    watcher.events.on_any_event(FileModifiedEvent(str(swap)))
    assert watcher.quiet == {swap} and watcher.pending == {}
    swap.write_bytes(b"swap, longer now")
    market = root / "content/town/news/market.md"
    _add(market, "第一次补充。")
    full, digest = [], inputs.digest
    monkeypatch.setattr(inputs, "digest", lambda *args, **kw: full.append(1) or digest(*args, **kw))
    session.rebuild(" (saved)", touched=[market, swap])
    assert "第一次补充" in (session.options.out / "town/news/market/index.html").read_text(encoding="utf-8")
    assert len(said) == 3, said  # no second build: the digest saw the swap file written
    assert len(full) == 1  # and only the check of every source read them all


def test_a_change_the_watcher_missed_is_found_once_the_pages_are_told_and_built(tmp_path):
    session, said = _session(tmp_path)
    root, out = session.options.root, session.options.out
    market, first = root / "content/town/news/market.md", root / "content/portal/news/first.md"
    _add(market, "第一次补充。")
    _add(first, "（未见保存）")  # written, but no event came for it
    session.rebuild(" (saved)", touched=[market])
    assert "第一次补充" in (out / "town/news/market/index.html").read_text(encoding="utf-8")
    assert "要闻正文（未见保存）" in (out / "portal/news/first/index.html").read_text(encoding="utf-8")
    assert len(said) == 3 and "more files changed than were seen saved" in said[2], said


def test_a_save_that_changed_nothing_replays_the_last_build_and_the_next_edit_still_starts_from_its_plan(tmp_path):
    session, said = _session(tmp_path)
    first = session.planned
    market = session.options.root / "content/town/news/market.md"
    market.write_bytes(market.read_bytes())  # saved as it was
    replayed = session.rebuild(" (saved)", touched=[market])
    assert replayed is not None and replayed.planned is None and replayed.stats.written == 0
    _add(market, "第一次补充。")
    edited = session.rebuild(" (saved)", touched=[market])
    assert edited is not None and edited.planned is first  # the plan of the first build, edited in place
    assert "第一次补充" in (session.options.out / "town/news/market/index.html").read_text(encoding="utf-8")
    assert len(said) == 3, said
