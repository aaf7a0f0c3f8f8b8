"""A synthetic catalogue for benchmarks: N records of every kind, deterministic, valid.

    python bench/synth.py OUT_DIR --records 1000 [--seed 20221024]

Writes OUT_DIR/{models,regions,glossary}.yml and OUT_DIR/{practices,policies,projects}/*.yml.
Models and glossary are copied from the real catalogue (so the domain dictionary is the real one);
regions are a generated tree (provinces > cities > counties > streets) so region pages stay
realistic in number. Text is assembled from governance vocabulary in sentences of the length of
the real records (about 2 KB of YAML each), and every record passes `kb check --strict`.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "catalog"

PLACE_A = "东西南北清安和平永兴长宁丰泰嘉华新德福临江云金宝"
PLACE_B = "阳江山河城川源水林州湖岭桥溪"
NUMS = "一二三四五六七八九十"
KEY_VERBS = "议评治联调访网格会公开单述"
KEY_NOUNS = ["融合", "联动", "公开", "四会", "共治", "清单", "联调", "先行", "到家", "连心", "同心", "夜话"]
ACTIONS = ["建立", "完善", "推行", "整合", "统筹", "健全", "落实", "探索", "打造", "深化", "规范", "拓展"]
OBJECTS = ["专兼职网格员队伍", "矛盾纠纷排查化解机制", "村（居）民议事会", "县乡村三级综治中心", "人民调解委员会",
           "一村一法律顾问制度", "乡贤理事会", "志愿服务队", "社会治理信息化平台", "党群服务中心", "红白理事会",
           "道德评议会", "平安建设考核办法", "信访积分制度", "屋场会议事制度", "网格党支部", "警务助理队伍",
           "行业性专业性调解组织", "诉源治理工作站", "村规民约和居民公约", "心理服务站", "综治联席会议"]
PURPOSES = ["实现小事不出村、大事不出镇、矛盾不上交", "把矛盾纠纷化解在萌芽状态", "提升群众安全感和满意度",
            "推动社会治理重心向基层下移", "让群众的事由群众商量着办", "形成共建共治共享的治理格局",
            "做到发现在早、处置在小", "打通服务群众的最后一公里", "推动自治、法治、德治融合",
            "以党建引领凝聚多方力量"]
MEASURE_TITLES = ["建强阵地", "划分网格", "议事协商", "多元调解", "积分激励", "智慧平台", "队伍建设", "源头预防",
                  "闭环处置", "考核评价", "普法宣传", "志愿服务", "规范公约", "联防联控", "信息共享", "包联走访"]
TAGS = ["网格员", "议事会", "屋场会", "人民调解", "法律顾问", "乡贤", "志愿服务", "信访", "积分制", "综治中心",
        "平安建设", "村规民约", "道德评议", "诉源治理", "多网合一", "闭环管理", "心理服务", "警务助理", "智慧社区",
        "党建联盟", "基层减负", "民生实事", "一站式", "清单管理", "考核激励", "乡村振兴", "城乡社区", "协商民主"]
PUBLISHERS = ["法治日报", "长安网", "人民网", "新华网", "地方政法委", "市政府网站", "县融媒体中心"]
UNITS = [("个", 50, 900), ("人", 200, 20000), ("件", 100, 5000), ("%", 80, 99), ("万元", 50, 3000), ("项", 5, 80)]
OUTCOME_THINGS = ["划分网格", "化解矛盾纠纷", "培训网格员", "建成议事场所", "受理群众诉求", "调解成功率",
                  "投入资金", "梳理服务事项", "发展志愿者", "开展屋场会"]


def place(rng: random.Random) -> str:
    return rng.choice(PLACE_A) + rng.choice(PLACE_B)


def regions(rng: random.Random, provinces: int = 4, cities: int = 6, counties: int = 6, streets: int = 4) -> dict:
    used: set[str] = set()
    counter = [0]

    def name(suffix: str) -> tuple[str, str]:
        while True:
            base = place(rng) if suffix != "街道" else place(rng) + rng.choice(PLACE_A)
            if base + suffix not in used:
                used.add(base + suffix)
                counter[0] += 1
                return f"r{counter[0]}", base + suffix

    tree = []
    for _ in range(provinces):
        pid, pname = name("省")
        province = {"id": pid, "name": pname, "level": "省", "children": []}
        for _ in range(cities):
            cid, cname = name("市")
            city = {"id": cid, "name": cname, "level": "地级市", "children": []}
            for k in range(counties):
                xid, xname = name("县" if k % 2 else "区")
                county = {"id": xid, "name": xname, "level": "县" if k % 2 else "市辖区", "children": []}
                for _ in range(streets):
                    sid, sname = name("街道")
                    county["children"].append({"id": sid, "name": sname, "level": "街道"})
                city["children"].append(county)
            province["children"].append(city)
        tree.append(province)
    return {"regions": tree}


def flatten(tree: list[dict]) -> list[dict]:
    out = []
    for node in tree:
        out.append(node)
        out.extend(flatten(node.get("children", [])))
    return out


def key_term(rng: random.Random) -> str:
    return rng.choice(NUMS) + rng.choice(KEY_VERBS) + rng.choice(NUMS) + rng.choice(KEY_NOUNS)


def sentence(rng: random.Random, where: str) -> str:
    a, b = rng.sample(OBJECTS, 2)
    return (f"{where}{rng.choice(ACTIONS)}{a}，{rng.choice(ACTIONS)}{b}，"
            f"{rng.choice(PURPOSES)}。")


def paragraph(rng: random.Random, where: str, n: int) -> str:
    return "".join(sentence(rng, where if i == 0 else "") for i in range(n))


def figures(rng: random.Random, n: int, year: int) -> list[dict]:
    out = []
    for thing in rng.sample(OUTCOME_THINGS, n):
        unit, lo, hi = rng.choice(UNITS)
        value = rng.randint(lo, hi)
        out.append({"statement": f"{thing}{value}{unit}", "value": value, "unit": unit, "year": year})
    return out


def source(rng: random.Random, title: str, year: int, i: int) -> dict:
    return {"title": f"{title}的实践与探索", "publisher": rng.choice(PUBLISHERS), "date": f"{year}-{rng.randint(1, 12):02d}",
            "url": f"https://example.org/synth/{i}"}


def common(rng: random.Random, i: int, kind: str, region: dict, title: str, models: list[str], year: int) -> dict:
    return {
        "id": f"synth-{kind}-{i:05d}", "kind": kind, "title": title, "region": region["id"],
        "model": models[0], "secondary_models": models[1:],
        "tags": rng.sample(TAGS, rng.randint(2, 4)), "year": year,
        "summary": paragraph(rng, region["name"], 2),
        "sources": [source(rng, title, year, i)],
        "review": {"added": "2026-01-15", "checked": "2026-01-15"},
    }


def practice(rng, i, region, models, year) -> dict:
    term = key_term(rng)
    r = common(rng, i, "practice", region, f"{region['name']}“{term}”工作法", models, year)
    r["background"] = paragraph(rng, region["name"], 2)
    r["measures"] = [{"title": t, "text": paragraph(rng, "", rng.randint(1, 2))}
                     for t in rng.sample(MEASURE_TITLES, rng.randint(3, 5))]
    r["outcomes"] = figures(rng, rng.randint(2, 3), year)
    r["replicability"] = {"conditions": [f"有{rng.choice(OBJECTS)}"], "key_points": [rng.choice(PURPOSES)]}
    return r


def policy(rng, i, region, models, year) -> dict:
    r = common(rng, i, "policy", region, f"{region['name']}{year}年市域社会治理现代化试点实施方案（第{i}号）", models, year)
    r["issuer"] = f"中共{region['name']}委政法委员会"
    r["period"] = {"start": year, "end": year + 2}
    r["objectives"] = [{"title": t, "text": paragraph(rng, "", 1)} for t in rng.sample(MEASURE_TITLES, 2)]
    r["tasks"] = [{"title": f"{t}工程", "text": paragraph(rng, "", 1), "lead": "分管副书记",
                   "departments": rng.sample(["政法委", "公安局", "司法局", "民政局", "信访局", "财政局"], 2)}
                  for t in rng.sample(MEASURE_TITLES, rng.randint(4, 6))]
    r["phases"] = [{"name": n, "period": f"{year + k}年", "text": paragraph(rng, "", 1)}
                   for k, n in enumerate(["动员部署阶段", "全面推进阶段", "总结验收阶段"])]
    r["safeguards"] = [{"title": "加强组织领导", "text": paragraph(rng, "", 1)}]
    return r


def project(rng, i, region, models, year) -> dict:
    term = key_term(rng)
    r = common(rng, i, "project", region, f"{region['name']}“{term}”治理平台", models, year)
    r["owner"] = f"{region['name']}委政法委"
    r["start_year"] = year
    r["status"] = rng.choice(["建设中", "运行中"])
    r["description"] = paragraph(rng, region["name"], 2)
    r["components"] = [{"title": t, "text": paragraph(rng, "", 1)} for t in rng.sample(MEASURE_TITLES, 3)]
    r["investment"] = {"amount": rng.randint(50, 2000), "unit": "万元", "per": "每年"}
    r["coverage"] = [{"statement": f"覆盖{rng.randint(10, 90)}万人", "value": rng.randint(10, 90), "unit": "万人"}]
    r["outcomes"] = figures(rng, 2, year)
    return r


def generate(out: Path, records: int, seed: int = 20221024) -> Path:
    rng = random.Random(seed)
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    for folder in ("practices", "policies", "projects"):
        (out / folder).mkdir(parents=True)
    for name in ("models.yml", "glossary.yml"):
        shutil.copy(REAL / name, out / name)
    model_ids = [m["id"] for m in yaml.safe_load((REAL / "models.yml").read_text(encoding="utf-8"))["models"]]
    tree = regions(rng)
    (out / "regions.yml").write_text(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False), encoding="utf-8")
    places = [r for r in flatten(tree["regions"]) if r["level"] in ("县", "市辖区", "街道", "地级市")]
    makers = [("practices", practice)] * 6 + [("policies", policy)] * 2 + [("projects", project)] * 2
    for i in range(records):
        folder, make = makers[i % len(makers)]
        record = make(rng, i, rng.choice(places), rng.sample(model_ids, rng.randint(1, 2)), rng.randint(2015, 2024))
        text = yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=1000)
        (out / folder / f"{record['id']}.yml").write_text(text, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20221024)
    args = parser.parse_args(argv)
    generate(args.out, args.records, args.seed)
    print(f"{args.records} records in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
