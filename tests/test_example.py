"""The bundled example cluster (sites.yaml, content/) builds cleanly and shows what it promises."""
from __future__ import annotations

import pytest

from conftest import copy_example, run, tree

NOW = "2026-11-21 12:00"


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    return copy_example(tmp_path_factory.mktemp("example"))


def test_example_cluster_builds_without_warnings(example):
    result = run(example, "build", "--now", NOW)
    assert result.exit_code == 0, result.output
    assert "no warnings" in result.output
    sources = list((example / "content").rglob("*.md"))
    assert len(sources) >= 60
    kinds = {}
    for site in ("portal", "finance", "education", "environment", "dongcheng", "qingshan"):
        assert (example / "build" / site / "index.html").exists()
        kinds[site] = len(list((example / "build" / site).rglob("index.html")))
    assert all(n > 5 for n in kinds.values()), kinds


def test_example_leaves_out_internal_expired_and_draft_items(example):
    assert run(example, "build", "--now", NOW).exit_code == 0
    out = tree(example / "build")
    assert not any(b"INTERNAL-CANARY" in data for data in out.values())
    assert "portal/notices/2026-09-26-guoqing-fangjia/index.html" not in out  # expired
    assert "portal/notices/2026-11-20-caogao/index.html" not in out  # draft
    internal = example / "build-internal"
    assert run(example, "build", "--now", NOW, "--profile", "internal", "--out", str(internal)).exit_code == 0
    assert "INTERNAL-CANARY" in (internal / "portal/notices/2026-11-19-neibu-peixun/index.html").read_text(encoding="utf-8")
