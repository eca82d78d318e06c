"""The CLI through click's runner: build options, scaffolding, listing."""
from __future__ import annotations

import os
import select
import subprocess
import sys
import time

import yaml

from conftest import REPO, build, run


def test_build_prints_a_summary(cluster):
    result = build(cluster)
    assert result.exit_code == 0
    assert "Built 3 sites, " in result.output and "files written" in result.output and " s." in result.output
    assert "sitegen serve" in result.output


def test_build_subset_of_sites(cluster, tmp_path):
    out = tmp_path / "out"
    result = build(cluster, "--site", "town", "--site", "finance", "--out", str(out))
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["finance", "town"]
    assert "Built 2 sites" in result.output


def test_subset_build_leaves_other_sites_output_alone(built):
    portal_before = (built / "portal/index.html").read_bytes()
    assert build(built.parent, "--site", "town").exit_code == 0
    assert (built / "portal/index.html").read_bytes() == portal_before


def test_unknown_site_option_suggests_the_nearest(cluster):
    result = build(cluster, "--site", "twon")
    assert result.exit_code == 1
    assert "--site twon: no such site (did you mean \"town\"?)" in result.output


def test_new_site_adds_to_sites_yaml_keeping_comments(cluster):
    (cluster / "sites.yaml").write_text("# 网站群配置\n" + (cluster / "sites.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = run(cluster, "new", "site", "audit", "--kind", "department", "--name", "测试市审计局", *IDENTIFIERS)
    assert result.exit_code == 0, result.output
    text = (cluster / "sites.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 网站群配置\n")
    site = yaml.safe_load(text)["sites"][-1]
    assert site == {"id": "audit", "name": "测试市审计局", "kind": "department", "url": "/audit/",
                    "org_code": "11990000MB0000301X", "footer": {"site_code": "9900000009", "sponsor": "测试市审计局"}}
    assert (cluster / "content/audit/news").is_dir()
    assert build(cluster).exit_code == 0
    assert "测试市审计局" in (cluster / "build/portal/sites/index.html").read_text(encoding="utf-8")
    footer = (cluster / "build/audit/index.html").read_text(encoding="utf-8").split("<footer", 1)[1]
    assert "测试市审计局" in footer and "9900000009" in footer and "测试市人民政府办公室" not in footer


IDENTIFIERS = ("--site-code", "9900000009", "--sponsor", "测试市审计局", "--org-code", "11990000MB0000301X")


def test_new_site_without_its_identifiers_is_refused_off_a_terminal(cluster):
    before = (cluster / "sites.yaml").read_bytes()
    result = run(cluster, "new", "site", "audit", "--kind", "department", "--name", "测试市审计局", "--sponsor", "测试市审计局")
    assert result.exit_code == 2
    assert "a new site needs --site-code, --org-code" in result.output
    assert (cluster / "sites.yaml").read_bytes() == before


def test_new_site_with_a_bad_site_code_names_it_and_changes_nothing(cluster):
    before = (cluster / "sites.yaml").read_bytes()
    result = run(cluster, "new", "site", "audit", "--kind", "department", "--name", "测试市审计局",
                 "--site-code", "12345", "--sponsor", "测试市审计局", "--org-code", "11990000MB0000301X")
    assert result.exit_code == 2 and "Invalid value for '--site-code': 网站标识码 must be 10 letters or digits" in result.output
    assert (cluster / "sites.yaml").read_bytes() == before


class Terminal:
    """A command run on a pseudo-terminal, as a webmaster runs it: what it shows is read, answers are typed."""

    def __init__(self, *args: str):
        self.fd, tty = os.openpty()
        self.proc = subprocess.Popen([sys.executable, "-m", "sitegen.cli", *args], stdin=tty, stdout=tty, stderr=tty,
                                     start_new_session=True)
        os.close(tty)
        self.shown = b""

    def expect(self, text: str, timeout: float = 30) -> None:
        """Read what the command shows until `text` appears (fail after `timeout` seconds); later reads start after it."""
        deadline = time.monotonic() + timeout
        while (found := self.shown.find(text.encode())) < 0:
            assert time.monotonic() < deadline and select.select([self.fd], [], [], deadline - time.monotonic())[0], \
                f"waited for {text!r}; the terminal shows:\n{self.shown.decode(errors='replace')}"
            try:
                self.shown += os.read(self.fd, 4096)
            except OSError:  # the command ended
                break
        assert found >= 0, f"no {text!r}; the terminal shows:\n{self.shown.decode(errors='replace')}"
        self.shown = self.shown[found + len(text.encode()):]

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode() + b"\r")

    def close(self) -> int:
        """Wait for the command to end; return its exit code."""
        code = self.proc.wait(30)
        os.close(self.fd)
        return code


def test_new_site_on_a_terminal_asks_for_each_identifier_until_sites_yaml_would_take_it(cluster):
    terminal = Terminal("--root", str(cluster), "new", "site", "audit", "--kind", "department", "--name", "测试市审计局",
                        "--sponsor", "测试市审计局")
    for prompt, wrong, said, right in (
            ("网站标识码 (10 letters or digits): ", "12345", "网站标识码 must be 10 letters or digits", "9900000009"),
            ("统一社会信用代码 (18 characters): ", "测试", "org_code must be the 9-character code", "11990000MB0000301X")):
        terminal.expect(prompt)
        terminal.type(wrong)
        terminal.expect(f"Error: {said}")  # what sites.yaml's check says, then the same question again
        terminal.expect(prompt)
        terminal.type(right)
    terminal.expect("Added site 'audit' (测试市审计局) to sites.yaml")
    assert terminal.close() == 0
    site = yaml.safe_load((cluster / "sites.yaml").read_text(encoding="utf-8"))["sites"][-1]
    assert site["org_code"] == "11990000MB0000301X" and site["footer"] == {"site_code": "9900000009", "sponsor": "测试市审计局"}


def test_new_site_rejects_a_bad_id_and_leaves_sites_yaml_unchanged(cluster):
    before = (cluster / "sites.yaml").read_bytes()
    result = run(cluster, "new", "site", "Bad_ID", "--kind", "township", "--name", "错误", *IDENTIFIERS)
    assert result.exit_code == 1
    assert "sites[3].id" in result.output
    assert (cluster / "sites.yaml").read_bytes() == before


def test_new_page_scaffolds_a_page_that_builds(cluster):
    result = run(cluster, "new", "page", "town", "news", "镇里召开会议")
    assert result.exit_code == 0, result.output
    created = cluster / result.output.split("Created ", 1)[1].split(" as a draft")[0]
    assert "it is not published until you delete that line" in result.output
    assert created.parent == cluster / "content/town/news"
    meta = yaml.safe_load(created.read_text(encoding="utf-8").split("---")[1])
    assert meta["title"] == "镇里召开会议" and meta["source"] == "测试镇人民政府" and meta["draft"] is True
    # the placeholder text reaches no public page, feed or sitemap; a preview with drafts shows it
    assert build(cluster, "--now", "2099-01-01").exit_code == 0
    assert not (cluster / "build/town/news" / created.stem).exists()
    assert "镇里召开会议" not in (cluster / "build/town/feed.xml").read_text(encoding="utf-8")
    assert build(cluster, "--now", "2099-01-01", "--drafts").exit_code == 0
    assert (cluster / "build-drafts/town/news" / created.stem / "index.html").exists()
    created.write_text(created.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    assert build(cluster, "--now", "2099-01-01").exit_code == 0
    assert (cluster / "build/town/news" / created.stem / "index.html").exists()


def test_new_page_on_a_site_that_requires_review_is_a_draft_with_an_empty_review(cluster):
    config = cluster / "sites.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace('    footer: {site_code: "9900000003"}',
                      '    footer: {site_code: "9900000003"}\n    review: {required: true}'), encoding="utf-8")
    result = run(cluster, "new", "page", "town", "news", "待审稿件", "--slug", "pending")
    assert result.exit_code == 0, result.output
    created = cluster / "content/town/news/pending.md"
    meta = yaml.safe_load(created.read_text(encoding="utf-8").split("---")[1])
    assert meta["draft"] is True and meta["review"] == {"reviewed_by": "", "approved_by": "", "approved_at": None}
    # without the draft line it still waits for its approver (签发)
    created.write_text(created.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    assert build(cluster, "--now", "2099-01-01", "--no-search").exit_code == 0
    assert not (cluster / "build/town/news/pending").exists()


def test_new_page_in_disclosure_column_has_disclosure_fields(cluster):
    result = run(cluster, "new", "page", "portal", "disclosure", "某某办法", "--slug", "banfa")
    assert result.exit_code == 0
    meta = yaml.safe_load((cluster / "content/portal/disclosure/banfa.md").read_text(encoding="utf-8").split("---")[1])
    assert meta["disclosure"]["publisher"] == "测试市人民政府"


def test_new_page_unknown_column(cluster):
    result = run(cluster, "new", "page", "town", "nwes", "标题")
    assert result.exit_code == 1
    assert "has no column 'nwes' (did you mean \"news\"?)" in result.output


def test_list_shows_sites_columns_and_counts(cluster):
    result = run(cluster, "list")
    assert result.exit_code == 0
    assert "测试市财政局" in result.output and "https://czj.test.gov.cn/" in result.output
    assert "news(4)" in result.output and "notices(1)" in result.output


def test_python_cli_entry_is_the_same_command(cluster):
    proc = subprocess.run([sys.executable, str(REPO / "cli.py"), "--root", str(cluster), "list"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "测试镇人民政府" in proc.stdout
