"""Coverage at a glance: bar charts and a province tile grid, drawn at build time as inline SVG
(no charting script, nothing from elsewhere), each with the same numbers in a table behind it.

The map is a tile grid — one square per provincial-level unit, roughly where it lies — and has no
boundaries: a boundary map of China must show the whole national territory as the official
standard maps do (with the 南海诸岛 inset) and come from data whose licence allows this use; the
tile grid makes no claim about boundaries. Every bar and every tile with records links to its list.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

# (row, column) of each provincial-level unit: north at the top, west on the left
TILES: dict[str, tuple[int, int]] = {
    "黑龙江": (0, 8), "内蒙古": (1, 6), "吉林": (1, 8),
    "新疆": (2, 1), "甘肃": (2, 3), "宁夏": (2, 4), "山西": (2, 5), "北京": (2, 6), "天津": (2, 7), "辽宁": (2, 8),
    "青海": (3, 2), "陕西": (3, 4), "河南": (3, 5), "河北": (3, 6), "山东": (3, 7),
    "西藏": (4, 1), "四川": (4, 3), "重庆": (4, 4), "湖北": (4, 5), "安徽": (4, 6), "江苏": (4, 7), "上海": (4, 8),
    "云南": (5, 3), "贵州": (5, 4), "湖南": (5, 5), "江西": (5, 6), "浙江": (5, 7),
    "广西": (6, 4), "广东": (6, 5), "福建": (6, 6), "台湾": (6, 8),
    "澳门": (7, 4), "香港": (7, 5), "海南": (8, 4),
}


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    href: str | None  # the list this bar opens, as a URL relative to the page


def _table(caption: str, head: str, bars: list[Bar], summary: str = "数据表") -> str:
    rows = "".join(
        f'<tr><td>{f"<a href={_q(b.href)}>{escape(b.label)}</a>" if b.href else escape(b.label)}</td>'
        f'<td>{b.count}</td></tr>' for b in bars)
    return (f'<details class="kb-chart__data"><summary>{escape(summary)}（展开）</summary><table><caption>{escape(caption)}</caption>'
            f'<thead><tr><th scope="col">{escape(head)}</th><th scope="col">记录数</th></tr></thead>'
            f'<tbody>{rows}</tbody></table></details>')


def _q(href: str) -> str:
    return '"' + str(escape(href)) + '"'


def bar_chart(ident: str, caption: str, head: str, bars: list[Bar]) -> Markup:
    """Horizontal bars, one per label, each a link to its list."""
    if not bars:
        return Markup("")
    label_w, bar_w, row_h = 80, 200, 24
    top = max(b.count for b in bars) or 1
    height = row_h * len(bars) + 8
    parts = [f'<svg class="kb-chart__svg" viewBox="0 0 {label_w + bar_w + 50} {height}" role="group" '
             f'aria-labelledby="{ident}-t"><title id="{ident}-t">{escape(caption)}</title>']
    for i, b in enumerate(bars):
        y = 4 + i * row_h
        w = max(2, round(bar_w * b.count / top))
        inner = (f'<text class="kb-chart__label" x="{label_w - 6}" y="{y + 16}" text-anchor="end">{escape(b.label)}</text>'
                 f'<rect class="kb-chart__bar" x="{label_w}" y="{y + 3}" width="{w}" height="{row_h - 8}"></rect>'
                 f'<text class="kb-chart__n" x="{label_w + w + 5}" y="{y + 16}">{b.count}</text>')
        parts.append(f'<a class="kb-chart__link" href={_q(b.href)}>{inner}</a>' if b.href else f"<g>{inner}</g>")
    parts.append("</svg>")
    return Markup(f'<figure class="kb-chart" id="{ident}">{"".join(parts)}'
                  f'<figcaption>{escape(caption)}</figcaption>{_table(caption, head, bars)}</figure>')


def tile_map(ident: str, caption: str, provinces: list[Bar], cities: list[Bar]) -> Markup:
    """One tile per provincial-level unit, shaded by its records, linked when it has any."""
    size, gap = 46, 4
    by_name = {}
    for b in provinces:
        for short in TILES:
            if b.label.startswith(short):
                by_name[short] = b
    top = max((b.count for b in provinces), default=1) or 1
    parts = [f'<svg class="kb-chart__svg kb-chart__svg--map" viewBox="0 0 {10 * (size + gap)} {9 * (size + gap)}" '
             f'role="group" aria-labelledby="{ident}-t"><title id="{ident}-t">{escape(caption)}</title>']
    for short, (row, col) in TILES.items():
        x, y = col * (size + gap), row * (size + gap)
        b = by_name.get(short)
        level = 0 if not b or not b.count else 1 + min(3, (4 * b.count - 1) // top)
        tile = (f'<rect class="kb-tile kb-tile--{level}" x="{x}" y="{y}" width="{size}" height="{size}"></rect>'
                f'<text class="kb-tile__name" x="{x + size / 2:g}" y="{y + 20}" text-anchor="middle">{short}</text>')
        if b and b.count:
            tile += f'<text class="kb-tile__n" x="{x + size / 2:g}" y="{y + 38}" text-anchor="middle">{b.count}</text>'
        if b and b.count and b.href:
            parts.append(f'<a class="kb-chart__link" href={_q(b.href)}><title>{escape(b.label)} {b.count} 条</title>{tile}</a>')
        else:
            parts.append(f"<g>{tile}</g>")
    parts.append("</svg>")
    note = "示意图：每格一个省级行政区，位置大致按地理方位排列，不表示行政区域界线。"
    return Markup(f'<figure class="kb-chart" id="{ident}">{"".join(parts)}'
                  f'<figcaption>{escape(caption)}。{note}</figcaption>'
                  f'{_table(caption + "（省级）", "地区", provinces)}'
                  f'{_table("有记录的市（州）", "地区", cities, "有记录的市（州）") if cities else ""}</figure>')
