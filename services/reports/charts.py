"""Server-rendered inline SVG charts for the dashboard (no JavaScript, nothing from a CDN)."""

from __future__ import annotations

from html import escape

from shared.formatting import number

COLORS = ("#0b5cad", "#2da44e", "#bf8700", "#cf222e", "#8250df")


def line_chart(series: dict[str, list[float | None]], *, title: str, width: int = 640, height: int = 220, y_max: float | None = None,
               target: float | None = None) -> str:
    """Lines over equally spaced points (the history of announcements, oldest first). The
    legend has a row per series under the plot (long indicator names do not overlap)."""
    height += 18 * max(len(series) - 1, 0)
    pad_l, pad_r, pad_t, pad_b = 40, 10, 28, 22 + 18 * max(len(series), 1)
    values = [v for points in series.values() for v in points if v is not None]
    top = y_max or max([*values, target or 0, 1])
    n = max((len(p) for p in series.values()), default=0)
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b
    parts = [_frame(width, height, title, pad_l, pad_t, plot_w, plot_h, top)]
    if target is not None:
        y = pad_t + plot_h * (1 - target / top)
        parts.append(f'<line x1="{pad_l}" x2="{pad_l + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#cf222e" stroke-dasharray="6 4"/>')
        parts.append(f'<text x="{pad_l + plot_w - 4}" y="{y - 4:.1f}" text-anchor="end" font-size="11" fill="#cf222e">цель {target:g}</text>')
    for index, (label, points) in enumerate(series.items()):
        color = COLORS[index % len(COLORS)]
        coords = [
            f"{pad_l + (plot_w * i / max(n - 1, 1)):.1f},{pad_t + plot_h * (1 - v / top):.1f}" for i, v in enumerate(points) if v is not None
        ]
        if len(coords) == 1:
            cx, cy = coords[0].split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="4" fill="{color}"/>')
        elif coords:
            parts.append(f'<polyline class="series" fill="none" stroke="{color}" stroke-width="2.5" points="{" ".join(coords)}"/>')
        y = pad_t + plot_h + 22 + index * 18
        parts.append(f'<rect x="{pad_l}" y="{y - 9}" width="10" height="10" fill="{color}"/><text x="{pad_l + 14}" y="{y}" font-size="11">{escape(label)}</text>')
    if not values:
        parts.append(f'<text x="{width / 2}" y="{pad_t + plot_h / 2}" text-anchor="middle" fill="#57606a">нет данных</text>')
    return _svg(width, height, title, parts)


def bar_chart(bars: list[tuple[str, list[float | None]]], series: list[str], *, title: str, width: int = 640, height: int = 240,
              y_max: float | None = None, target: float | None = None) -> str:
    """Grouped vertical bars: one group per label, one bar per series."""
    many = True  # the legend gets its own row under the title (long titles would run into it)
    pad_l, pad_r, pad_t, pad_b = 40, 10, 44 if many else 28, 84
    values = [v for _, vs in bars for v in vs if v is not None]
    top = y_max or max([*values, target or 0, 1])
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b
    parts = [_frame(width, height, title, pad_l, pad_t, plot_w, plot_h, top)]
    group_w = plot_w / max(len(bars), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    for g, (label, vs) in enumerate(bars):
        x0 = pad_l + g * group_w + group_w * 0.1
        for s, v in enumerate(vs):
            h = plot_h * (v or 0) / top
            parts.append(
                f'<rect class="bar" x="{x0 + s * bar_w:.1f}" y="{pad_t + plot_h - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                f'fill="{COLORS[s % len(COLORS)]}"><title>{escape(label)}: {number(v)}</title></rect>'
            )
        parts.append(
            f'<text x="{x0 + group_w * 0.4:.1f}" y="{pad_t + plot_h + 12}" font-size="10" text-anchor="end" '
            f'transform="rotate(-30 {x0 + group_w * 0.4:.1f} {pad_t + plot_h + 12})">{escape(_short(label))}</text>'
        )
    if target is not None:
        y = pad_t + plot_h * (1 - target / top)
        parts.append(f'<line x1="{pad_l}" x2="{pad_l + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#cf222e" stroke-dasharray="6 4"/>')
        parts.append(f'<text x="{pad_l + plot_w - 4}" y="{y - 4:.1f}" text-anchor="end" font-size="11" fill="#cf222e">цель {target:g} %</text>')
    for index, label in enumerate(series):
        color = COLORS[index % len(COLORS)]
        if many:
            x = pad_l + index * plot_w / len(series)
            parts.append(f'<rect x="{x:.1f}" y="25" width="10" height="10" fill="{color}"/><text x="{x + 14:.1f}" y="34" font-size="11">{escape(label)}</text>')
        else:
            parts.append(_legend(index, label, color, pad_l, 18, top_row=True))
    return _svg(width, height, title, parts)


def _short(label: str, limit: int = 22) -> str:
    """A bar's label fits under its bar (the whole name is in the bar's tooltip)."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _frame(width: int, height: int, title: str, pad_l: int, pad_t: int, plot_w: float, plot_h: float, top: float) -> str:
    lines = [f'<text x="{pad_l}" y="16" font-size="13" font-weight="600">{escape(title)}</text>']
    for k in range(5):
        y = pad_t + plot_h * k / 4
        lines.append(f'<line x1="{pad_l}" x2="{pad_l + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d7de"/>')
        lines.append(f'<text x="{pad_l - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{number(top * (1 - k / 4))}</text>')
    return "".join(lines)


def _legend(index: int, label: str, color: str, pad_l: int, height: int, top_row: bool = False) -> str:
    x = pad_l + 200 + index * 170 if top_row else pad_l + index * 200
    y = height - 8 if not top_row else 16
    return f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{color}"/><text x="{x + 14}" y="{y}" font-size="11">{escape(label)}</text>'


def _svg(width: int, height: int, title: str, parts: list[str]) -> str:
    return (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">{"".join(parts)}</svg>'
    )
