"""axe-core (WCAG 2.1 A and AA) in Chromium over every page type of the example cluster, 简体 and 繁體: normal and 长辈版,
desktop and phone widths; and screenshots of the home page kept as test artefacts (test-artefacts/screenshots/)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import REPO, build, copy_example, need, serve

AXE = REPO / "tests/browser/node_modules/axe-core/axe.min.js"  # pinned in tests/browser/package.json, installed by .ci/run
ARTEFACTS = Path(os.environ.get("SITEGEN_ARTEFACTS", REPO / "test-artefacts")) / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 390}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example cluster built with its search indexes and served; (build folder, site id -> base URL)."""
    root = copy_example(tmp_path_factory.mktemp("a11y"))
    config = root / "sites.yaml"  # short pages: the listings get their pagers
    text = config.read_text(encoding="utf-8").replace("page_size: 20", "page_size: 3")
    config.write_text(text.replace("type: disclosure}", "type: disclosure, page_size: 2}"), encoding="utf-8")
    result = build(root)
    assert result.exit_code == 0, result.output
    return root / "build", serve(root)


def page_type(site_dir: Path, file: Path, columns: dict[str, str]) -> str:
    """Name the kind of page a built file is: its first URL segment, generalised over columns, slugs and page numbers."""
    parts = list(file.relative_to(site_dir).parts[:-1])
    if file.name != "index.html":
        return file.name
    prefix = ""
    if parts[:1] == ["zh-hant"]:
        prefix, parts = "zh-hant:", parts[1:]
    if not parts:
        return prefix + "home"
    head = parts[0]
    kind = f"column:{columns[head]}" if head in columns else head
    # a folder holding more pages (a catalogue's facet, the cluster catalogue) keeps its name; a leaf (an article) is 'x'
    base = site_dir / "zh-hant" if prefix else site_dir
    shape = ["N" if p.isdigit() else p if p == "page" or _holds_pages(base.joinpath(*parts[:i + 1])) else "x"
             for i, p in enumerate(parts) if i > 0]
    if columns.get(head) == "special" and shape and shape[0] != "page":
        shape[0] = "section"  # a 专题's sections are one kind of page whatever their names
    return prefix + "/".join([kind, *shape])


def _holds_pages(folder: Path) -> bool:
    return any(child.is_dir() and (child / "index.html").is_file() for child in folder.iterdir())


def representatives(out: Path, site: str, columns: dict[str, str]) -> dict[str, str]:
    """Return one URL path (site-relative) per page type of a site (`columns`: column id -> type)."""
    site_dir = out / site
    found: dict[str, str] = {}
    for file in sorted(site_dir.rglob("*.html")):
        if "pagefind" in file.parts or "static" in file.parts:
            continue
        rel = file.relative_to(site_dir).as_posix()
        found.setdefault(page_type(site_dir, file, columns), rel.removesuffix("index.html"))
    return found


@pytest.fixture(scope="module")
def page_types(example):
    out, _ = example
    from sitegen.config.loader import load_config

    sites = load_config(out.parent).sites
    columns = {s: {c.id: c.type.value for c in sites[s].columns.values()} for s in ("portal", "finance")}
    types = {("portal", t): rel for t, rel in representatives(out, "portal", columns["portal"]).items()}
    finance = representatives(out, "finance", columns["finance"])
    types.update({("finance", t): finance[t] for t in ("home", "column:news", "column:news/x", "column:disclosure")})
    return types


def run_axe(tab) -> list[dict]:
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("mode", ["normal", "care"])
def test_every_page_type_has_no_wcag_violation(browser, example, page_types, mode, width):
    need(AXE, "axe-core (npm ci --prefix tests/browser)")
    _, base = example
    expected = {"home", "column:news", "column:news/page/N", "column:news/x", "column:disclosure", "column:disclosure/x",
                "column:disclosure/cluster", "column:disclosure/topic/x", "column:disclosure/page/N", "column:special", "column:special/section",
                "column:special/section/x", "zhuanti", "subscribe", "zh-hant:home", "zh-hant:column:news/x", "zh-hant:search",
                "tags", "tags/x", "search", "sites", "sitemap", "contact", "accessibility", "about", "404.html"}
    assert expected <= {t for s, t in page_types if s == "portal"}, sorted(page_types)
    context = browser.new_context(viewport={"width": WIDTHS[width], "height": 900})
    tab = context.new_page()
    failures = {}
    for (site, kind), rel in sorted(page_types.items()):
        searching = kind.endswith("search")
        url = base[site] + rel + ("?q=营商环境" if searching else "")
        tab.goto(url)
        if mode == "care":
            tab.evaluate("localStorage.setItem('sitegen-care', '1')")
            tab.reload()
            assert tab.evaluate("document.documentElement.classList.contains('care')")
        if searching:
            tab.wait_for_selector(".search-results li", timeout=15_000)
        violations = run_axe(tab)
        if violations:
            failures[f"{site} {kind} {url}"] = violations
    context.close()
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("mode", ["normal", "care"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_home_page_screenshots(browser, example, width, mode):
    _, base = example
    context = browser.new_context(viewport={"width": WIDTHS[width], "height": 900})
    tab = context.new_page()
    tab.goto(base["portal"])
    if mode == "care":
        tab.get_by_role("button", name="长辈版").click()
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTEFACTS / f"home-{width}-{mode}.png"
    tab.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    # what a reader sees at that width: the name and the navigation, nothing wider than the screen
    assert tab.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]
    assert tab.get_by_text("示范市人民政府", exact=True).first.is_visible()
    menu = tab.get_by_text("栏目菜单")
    assert menu.is_visible() == (width == "phone")
    context.close()


def test_the_audit_sees_a_violation_when_there_is_one(browser, example):
    need(AXE, "axe-core (npm ci --prefix tests/browser)")
    _, base = example
    tab = browser.new_page()
    tab.goto(base["portal"])
    tab.evaluate("""() => { const i = document.createElement('img'); i.src = '/static/favicon.svg';
                            document.querySelector('main').append(i); }""")
    found = {v["id"] for v in run_axe(tab)}
    assert {"image-alt"} <= found
    tab.close()
