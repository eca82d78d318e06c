"""Generate a seeded synthetic cluster: N sites x M pages of Chinese text, all front-matter kinds.

    python bench/corpus.py OUT --sites 31 --pages 500 [--seed 1] [--text-kb 3]

Used by the benchmark and by the search recall test. The text is assembled from a vocabulary of real
administrative words, so 2-, 3- and 4-character words, names and document numbers occur at known places.
"""
from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

from sitegen.outputs.theme import SHIPPED_THEMES

WORDS2 = ["财政", "预算", "教育", "养老", "就业", "医疗", "交通", "环境", "农业", "税收", "社保", "住房", "水利", "林业", "审计",
          "统计", "民政", "文化", "体育", "卫生", "招标", "补贴", "消防", "粮食", "电力", "科技", "旅游", "物价"]
WORDS3 = ["老年人", "专项债", "招聘会", "卫生院", "幼儿园", "图书馆", "养老院", "公积金", "残疾人", "退役军人"]
WORDS4 = ["营商环境", "政务服务", "森林防火", "老旧小区", "乡村振兴", "安全生产", "大气污染", "垃圾分类", "数字政府", "城市更新",
          "义务教育", "医疗保险", "民生实事", "防汛抗旱", "食品安全", "招商引资"]
FILLER = ["工作", "推进", "落实", "部署", "会议", "要求", "全面", "加强", "进一步", "有关", "单位", "群众", "企业", "服务", "项目",
          "建设", "管理", "保障", "完善", "提升", "机制", "情况", "开展", "组织", "检查"]
TOPICS = ["综合政务\\政务公开", "财政、金融、审计\\财政", "科技、教育\\教育", "城乡建设、环境保护\\环境监测、保护与治理",
          "劳动、人事、监察\\社会保障", "农业、林业、水利\\林业"]
GENRES = ["通知", "意见", "办法", "公告", "报告"]
COLUMNS = [("news", "工作动态", "news"), ("notices", "通知公告", "notice"), ("disclosure", "政府信息公开", "disclosure")]


def sentence(rng: random.Random) -> str:
    """Return one sentence mixing filler with vocabulary words."""
    parts = [rng.choice(FILLER) for _ in range(rng.randint(6, 12))]
    for _ in range(rng.randint(1, 3)):
        parts.insert(rng.randrange(len(parts)), rng.choice(WORDS2 + WORDS3 + WORDS4))
    return "".join(parts) + "。"


def site_ids(sites: int) -> list[str]:
    """Return the portal, then departments d01..., then townships t01... (two departments per township)."""
    townships = sites // 3
    return ["portal"] + [f"d{i:02d}" for i in range(1, sites - townships)] + [f"t{i:02d}" for i in range(1, townships + 1)]


def sites_yaml(ids: list[str]) -> str:
    """Return a sites.yaml for the generated sites."""
    lines = ["cluster:", "  name: 基准测试市网站群", "  base_url: https://www.bench.gov.cn", "  org_code: 11990000MB0000000A",
             "  footer: {sponsor: 基准测试市人民政府办公室, icp: 测ICP备00000001号}", "defaults:", "  columns:"]
    lines += [f"    - {{id: {cid}, title: {title}, type: {kind}}}" for cid, title, kind in COLUMNS]
    lines.append("sites:")
    for i, sid in enumerate(ids):
        kind = "portal" if sid == "portal" else ("department" if sid.startswith("d") else "township")
        url = "/" if sid == "portal" else f"/{sid}/"
        lines.append(f"  - {{id: {sid}, name: 基准测试{sid}单位, kind: {kind}, url: {url}, "
                     f"org_code: 11990000MB{i:07d}A, footer: {{site_code: '99{i:08d}'}}}}")
    return "\n".join(lines) + "\n"


def page_text(rng: random.Random, site: str, i: int, column: str, text_kb: float = 0) -> str:
    """Return one page: front matter (all kinds, by turns) and a body with a link to an earlier page.

    `text_kb`: paragraphs are added until the body holds about that many kilobytes of UTF-8 (a real notice is 2-4 KB);
    0 keeps the short bodies the earlier figures were measured on.
    """
    month, day = 1 + i % 12, 1 + i % 28
    front = [f"title: {rng.choice(WORDS4)}{rng.choice(WORDS2)}第{i}号{'通知' if column == 'notices' else '信息'}",
             f"date: 2025-{month:02d}-{day:02d} {8 + i % 10:02d}:00", f"tags: [{rng.choice(WORDS2)}, {rng.choice(WORDS4)}]",
             f"source: 基准测试{site}单位", f"summary: {sentence(rng)}"]
    if i % 50 == 7:
        front.append("pinned: true")
    if i % 97 == 5:
        front.append("visibility: internal")
    if i % 89 == 3:
        front.append("draft: true")
    if column == "disclosure":
        front += ["disclosure:", f"  doc_no: 测{site}发〔2025〕{i}号", f"  topic: {TOPICS[i % len(TOPICS)]}",
                  f"  genre: {GENRES[i % len(GENRES)]}", f"  written: 2025-{month:02d}-{day:02d}"]
    paragraphs = ["".join(sentence(rng) for _ in range(rng.randint(3, 6))) for _ in range(rng.randint(3, 6))]
    while sum(len(p.encode("utf-8")) for p in paragraphs) < text_kb * 1024:
        paragraphs.append("".join(sentence(rng) for _ in range(rng.randint(3, 6))))
    if i >= 3:
        paragraphs.append(f"参见[上一期]({column}-{i - 3:05d}.md)。")
    return "---\n" + "\n".join(front) + "\n---\n\n" + "\n\n".join(paragraphs) + "\n"


def generate(out: Path, sites: int, pages: int, seed: int = 1, text_kb: float = 0) -> Path:
    """Write a cluster with `sites` sites of `pages` pages each to `out` (replacing its content/); return out."""
    rng = random.Random(seed)
    ids = site_ids(sites)
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "content", ignore_errors=True)
    (out / "sites.yaml").write_text(sites_yaml(ids), encoding="utf-8")
    for sid in ids:
        for i in range(pages):
            column = COLUMNS[i % len(COLUMNS)][0]
            path = out / "content" / sid / column / f"{column}-{i:05d}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(page_text(rng, sid, i, column, text_kb), encoding="utf-8")
    if not (out / "themes").exists():  # a copy of the shipped themes: the benchmark edits them
        shutil.copytree(SHIPPED_THEMES, out / "themes")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--sites", type=int, default=31)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--text-kb", type=float, default=0, help="about this many KB of text per article (real notices: 3)")
    args = parser.parse_args()
    generate(args.out, args.sites, args.pages, args.seed, args.text_kb)
    print(f"wrote {args.sites} sites x {args.pages} pages to {args.out}")


if __name__ == "__main__":
    main()
