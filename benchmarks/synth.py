"""Synthetic, clearly fictional data: N organisations of realistic size, for benchmarks and tests.

    python benchmarks/synth.py OUT_DIR [-n 100] [--year 2021] [--seed 0]

writes OUT_DIR/<year>/synth0001/ … , each an invented “虚构第N区妇联” about the
size of the bundled 芙蓉区 data (some 170 typed figures, 11,000 characters of
report), valid against the models and rendered by the bundled styles.  Every
name says 虚构 (fictional); the numbers are drawn at random from a seed, so the
same arguments give the same files.  Then, for example:

    fulian-report build 2021 --data OUT_DIR --out /tmp/synth-out
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

ACTIVITY_KINDS = [
    ("普法宣传", "场次", "人次"), ("家庭教育讲座", "场", "人"), ("巾帼宣讲", "场", "名"),
    ("禁毒宣传", "场次", "人次"), ("亲子阅读", "场", "户次"), ("女性创业培训", "期", "名"),
    ("心理健康讲座", "场", "人"), ("反家暴宣传", "场次", "人次"), ("巾帼志愿服务", "次", "人次"),
    ("健康知识讲座", "场", "人"), ("家风家训分享会", "场", "户"), ("儿童安全教育", "场", "名"),
]
FILLER = [
    "活动坚持以妇女群众需求为导向，把服务送到基层一线，受到广泛好评",
    "各街道妇联积极动员，社区妇联主席带头参与，形成了上下联动的良好局面",
    "通过线上线下相结合的方式，扩大了活动的覆盖面和影响力",
    "活动注重实效，做到了有计划、有落实、有总结、有反馈",
    "进一步增强了广大妇女群众的获得感、幸福感和安全感",
    "为推动妇女儿童事业高质量发展营造了良好氛围",
    "活动前期深入社区调研，广泛征求妇女群众的意见建议，做到精准对接、按需服务",
    "活动结束后及时总结经验，梳理问题清单，为下一步工作打下了坚实基础",
    "联合虚构区司法、卫健、教育等部门协同推进，整合资源、形成合力",
    "充分发挥巾帼志愿者和社区妇女骨干的作用，把党的声音传递到千家万户",
    "相关做法被虚构市妇联作为经验在全市推介，起到了较好的示范带动作用",
    "参与群众纷纷表示收获满满，希望今后多开展此类贴近生活的活动",
]
SECTION_TITLES = [
    "强化思想引领，凝聚巾帼力量", "聚焦维权服务，守护妇儿权益", "注重家庭建设，弘扬文明新风",
    "深化关爱帮扶，传递社会温暖", "夯实组织基础，激发基层活力",
]
HONOR_TITLES = ["三八红旗手", "三八红旗集体", "最美家庭", "五好家庭", "巾帼建功标兵", "巾帼文明岗"]
HONOR_LEVELS = ["全国", "省", "市", "区", "街道"]


def generate(root: Path, count: int, year: int = 2021, seed: int = 0) -> list[Path]:
    """Write `count` fictional organisations under root/<year>/; returns their folders."""
    folders = []
    for number in range(1, count + 1):
        rng = random.Random(f"{seed}-{year}-{number}")
        folder = Path(root) / str(year) / f"synth{number:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in organisation_files(number, year, rng).items():
            (folder / name).write_text(text, encoding="utf-8")
        folders.append(folder)
    return folders


def organisation_files(number: int, year: int, rng: random.Random) -> dict[str, str]:
    short = f"虚构第{number}区妇联"
    activities, activity_names = _activities(year, rng)
    funds, fund_names = _funds(year, rng)
    honors, honor_names = _honors(rng)
    header = "# 【虚构数据】由 benchmarks/synth.py 随机生成，单位与数字均为编造，仅供性能测试。\n"
    files = {
        "organisation.yaml": header
        + f"name: {short}\nfull_name: 虚构省虚构市第{number}区妇女联合会（虚构）\n"
        f"region: {{province: 虚构省, city: 虚构市, district: 虚构第{number}区}}\n"
        f"report_date: {year + 1}-01-{rng.randint(10, 28):02d}\nstyle: {'furong' if number % 2 else 'xiangdong'}\n",
        "activities.yaml": header + activities,
        "funds.yaml": header + funds,
        "honors.yaml": header + honors,
        "cases.yaml": header + _cases(year, rng),
        "organisation_building.yaml": header + _organisation_building(year, rng),
        "employment.yaml": header + _employment(rng),
    }
    # The prose names the organisation as {{ org.name }}: its name holds a digit, and a digit typed into prose is an error.
    files["narrative.yaml"] = header + _narrative("{{ org.name }}", activity_names, fund_names, honor_names, rng)
    files["plan.yaml"] = header + _plan("{{ org.name }}", year, rng)
    return files


def _date(year: int, rng: random.Random) -> str:
    return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _activities(year: int, rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
    lines, names = [], []
    for index in range(36):
        kind, session_unit, people_unit = ACTIVITY_KINDS[index % len(ACTIVITY_KINDS)]
        name = f"activity_{index + 1:02d}"
        names.append((name, kind))
        qualifier = rng.choice(["", "余", ""])
        lines += [
            f"{name}:",
            f"  name: 虚构{kind}第{index // len(ACTIVITY_KINDS) + 1}季",
            f"  place: 虚构第{rng.randint(1, 12)}社区活动中心",
            f"  date: {_date(year, rng)}",
            f"  sessions: {rng.randint(2, 80)}{session_unit}",
            f"  participants: {rng.randint(50, 5000)}{qualifier}{people_unit}",
        ]
    return "\n".join(lines) + "\n", names


def _funds(year: int, rng: random.Random) -> tuple[str, list[str]]:
    lines, names = [], []
    for index in range(8):
        name = f"fund_{index + 1:02d}"
        names.append(name)
        raised = index % 2 == 0
        target = rng.randint(2, 30)
        lines += [f"{name}:", f"  direction: {'筹集' if raised else '发放'}", f"  name: 虚构暖心行动{index + 1}号"]
        if raised:
            lines += [f"  target: {target}万元", f"  amount: {target * 10000 + rng.randint(100, 90000)}元"]
        else:
            lines += [f"  amount: {rng.randint(5, 900) * 100}元", f"  recipients: {rng.randint(5, 300)}名"]
    return "\n".join(lines) + "\n", names


def _honors(rng: random.Random) -> tuple[str, list[str]]:
    lines, names = [], []
    for index in range(12):
        name = f"honor_{index + 1:02d}"
        names.append(name)
        lines += [
            f"{name}:",
            f"  title: {HONOR_TITLES[index % len(HONOR_TITLES)]}",
            f"  level: {HONOR_LEVELS[index % len(HONOR_LEVELS)]}",
            f"  holders: 虚构人物{index + 1}号",
            f"  count: {rng.randint(1, 12)}{'户' if '家庭' in HONOR_TITLES[index % len(HONOR_TITLES)] else '名'}",
        ]
    return "\n".join(lines) + "\n", names


def _cases(year: int, rng: random.Random) -> str:
    received = rng.randint(100, 600)
    return (
        f"visits:\n  period: {{start: {year}-01-01, end: {year}-{rng.randint(9, 12):02d}-{rng.randint(1, 28):02d}}}\n"
        f"  received: {rng.randint(20, 300)}件\n  referred: {rng.randint(1, 20)}件\n"
        f"mediation:\n  couples_received: {received}对\n  couples_reconciled: {rng.randint(0, received)}对\n"
        f"police:\n  dv_reports: {rng.randint(10, 400)}起\n  warnings_issued: {rng.randint(1, 40)}份\n"
    )


def _organisation_building(year: int, rng: random.Random) -> str:
    members = rng.randint(100, 900)
    return (
        f"committees:\n  two_committees:\n    members: {members}人\n    women: {rng.randint(0, members)}人\n"
        f"elections:\n  completed_by: {_date(year, rng)}\n  streets: {rng.randint(3, 15)}个\n"
        f"  executive_members: {rng.randint(50, 400)}名\n"
        f"new_organisations:\n  count: {rng.randint(1, 60)}个\n"
    )


def _employment(rng: random.Random) -> str:
    return (
        f"job_fairs:\n  sessions: {rng.randint(1, 20)}场\n  women_placed: {rng.randint(50, 2000)}人\n"
        f"training:\n  sessions: {rng.randint(1, 12)}期\n  participants: {rng.randint(30, 800)}余名\n"
    )


def _quote(text: str) -> str:
    return "      - |-\n        " + text + "\n"


def _narrative(short: str, activities, funds, honors, rng: random.Random) -> str:
    out = ["opening:\n  - |-\n    {{ year }}年，" + short + "在虚构区委、区政府的领导下，围绕中心、服务大局，"
           + "，".join(rng.sample(FILLER, 3)) + "。现将{{ year }}年工作情况及{{ next_year }}年工作计划汇报如下。\n",
           "sections:\n"]
    per_section = len(activities) // len(SECTION_TITLES)
    for number, title in enumerate(SECTION_TITLES):
        out.append(f"  - title: {title}\n    paragraphs:\n")
        if number == 1:
            out.append(_quote(
                "{{ cases.visits.period }}，共接待来电来访{{ cases.visits.received }}，办理上级交办案件{{ cases.visits.referred }}。"
                "婚调委接待准离婚夫妻{{ cases.mediation.couples_received }}，调和{{ cases.mediation.couples_reconciled }}，"
                "调和率{{ derived.mediation_success }}。公安机关接家暴警情{{ cases.police.dv_reports }}，出具告诫书{{ cases.police.warnings_issued }}。"
            ))
        elif number == 3:
            sentences = []
            for fund in funds:
                sentences.append(
                    "“{{ funds.%s.name }}”{%% if funds.%s.recipients %%}为{{ funds.%s.recipients }}困难妇女发放{{ funds.%s.amount }}"
                    "{%% else %%}筹集{{ funds.%s.amount }}，计划目标{{ funds.%s.target }}{%% endif %%}" % ((fund,) * 6)
                )
            out.append(_quote("；".join(sentences) + "。全年筹集资金合计{{ derived.funds_raised }}，发放{{ derived.funds_paid }}。"))
        elif number == 4:
            out.append(_quote(
                "截至{{ organisation_building.elections.completed_by | month_day }}，{{ organisation_building.elections.streets }}街道完成妇联换届，"
                "新当选执委{{ organisation_building.elections.executive_members }}。“两委”成员{{ organisation_building.committees.two_committees.members }}，"
                "其中女性{{ organisation_building.committees.two_committees.women }}，占{{ derived.women_shares.two_committees }}。"
                "新建妇女组织{{ organisation_building.new_organisations.count }}。举办招聘会{{ employment.job_fairs.sessions }}，"
                "介绍女性就业{{ employment.job_fairs.women_placed }}；开办技能培训班{{ employment.training.sessions }}，"
                "培训妇女{{ employment.training.participants }}。"
            ))
        else:
            honor_text = "；".join(
                "{{ honors.%s.holders }}等{{ honors.%s.count }}获评{{ honors.%s.level.value }}级“{{ honors.%s.title }}”" % ((h,) * 4)
                for h in honors[number // 2 * 6 : number // 2 * 6 + 6]  # sections 0 and 2 share out the honours
            )
            out.append(_quote(f"{short}各项工作扎实推进。{honor_text}。" if honor_text else f"{short}各项工作扎实推进。"))
        out.append("    sections:\n")
        last = number == len(SECTION_TITLES) - 1
        chunk = activities[number * per_section : None if last else (number + 1) * per_section]
        for start in range(0, len(chunk), 2):
            out.append(f"      - title: {chunk[start][1]}成效明显\n        paragraphs:\n")
            for name, kind in chunk[start : start + 2]:
                text = (
                    "{{ activities.%s.date | month_day }}起，在{{ activities.%s.place }}开展“{{ activities.%s.name }}”%s活动"
                    "{{ activities.%s.sessions }}，参与{{ activities.%s.participants }}。" % (name, name, name, kind, name, name)
                ) + "，".join(rng.sample(FILLER, 5)) + "。"
                out.append("          - |-\n            " + text + "\n")
    return "".join(out)


def _plan(short: str, year: int, rng: random.Random) -> str:
    out = [
        "overview:\n  - |-\n    {{ next_year }}年，" + short + "将继续围绕中心、服务大局，" + rng.choice(FILLER) + "。\n",
        "sections:\n",
    ]
    targets = []
    for number, title in enumerate(SECTION_TITLES[:4]):
        out.append(f"  - title: {title}\n    sections:\n")
        for item in range(2):
            name = f"target_{number + 1}_{item + 1}"
            targets.append(
                f"  {name}:\n    description: 虚构目标{number + 1}-{item + 1}\n"
                f"    target: {rng.randint(5, 200)}场{rng.choice(['左右', '以上', ''])}\n    due: {year + 1}年\n"
            )
            out.append(
                "      - paragraphs:\n          - |-\n            力争到{{ plan.targets.%s.due }}完成%s{{ plan.targets.%s }}，%s。\n"
                % (name, ACTIVITY_KINDS[(number * 2 + item) % len(ACTIVITY_KINDS)][0], name, rng.choice(FILLER))
            )
    return "".join(out) + "targets:\n" + "".join(targets)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="数据根目录（写到 <out>/<year>/synthNNNN/）")
    parser.add_argument("-n", "--count", type=int, default=10, help="组织个数")
    parser.add_argument("--year", type=int, default=2021)
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args()
    folders = generate(options.out, options.count, options.year, options.seed)
    print(f"已生成 {len(folders)} 个虚构组织：{options.out / str(options.year)}")


if __name__ == "__main__":
    main()
