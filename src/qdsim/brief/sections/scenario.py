"""The scenario: its period and horizon, and its levers set against the shipped baseline."""

from __future__ import annotations

import math

from qdsim.brief.document import Heading, Paragraph, Table
from qdsim.brief.labels import LEVERS, share_label, t
from qdsim.brief.sections.context import MAX_YEAR_COLUMNS, Context, baseline_file, quantity
from qdsim.scenario import ScenarioError, load_scenario
from qdsim.scenario.levers import resolve
from qdsim.scenario.schema import PROGRAMMES


def add(ctx: Context) -> None:
    lang, sc = ctx.lang, ctx.d.scenario
    ctx.brief.add(Heading(t("h_scenario", lang), 1, "scenario"))
    bfile = baseline_file()
    base = None
    if bfile is not None:
        try:
            base = load_scenario(bfile)
        except ScenarioError:
            base = None
    title = sc.title.zh if lang == "zh" else sc.title.en
    horizon = _horizon_text(ctx, sc.horizon)
    if base is not None and base.horizon != sc.horizon:
        horizon += t("horizon_diff", lang, base=_horizon_text(ctx, base.horizon))
    ctx.brief.add(Paragraph(t("s_period", lang, title=title, id=sc.id, start=sc.period.start, end=sc.period.end, horizon=horizon)))

    mine = _lever_series(ctx, sc)
    theirs = _lever_series(ctx, base) if base is not None else {}
    order = [k for k in LEVERS if k in mine] + [f"shares.{p}" for p in PROGRAMMES]
    defaults = {"conditions.potato_price_index": 1.0, "conditions.herbs_price_index": 1.0, "conditions.hail_multiplier": 1.0}

    def differs(k: str) -> bool:
        a, b = mine.get(k, {}), theirs.get(k, {})
        return any(not math.isclose(a[y], b.get(y, math.nan), rel_tol=1e-9, abs_tol=1e-12) for y in a)

    def shown(k: str) -> bool:
        if k in ("conditions.qingdao_wage_index", "conditions.qingdao_spending_index"):
            return base is not None and differs(k)
        if k.startswith("conditions."):
            return differs(k) or any(v != defaults.get(k, 0.0) for v in mine[k].values())
        return any(v != 0 for v in mine[k].values()) or any(v != 0 for v in theirs.get(k, {}).values())

    if base is None:
        keys = [k for k in order if shown(k)]
        ctx.brief.add(Paragraph(t("s_nobase", lang), role="note"))
    else:
        changed = [k for k in order if differs(k)]
        name = "scenarios/baseline.yaml"  # named in the English text only: no file path in the Chinese brief
        if changed:
            keys = changed
            ctx.brief.add(Paragraph(t("s_diff", lang, file=name, n=len([k for k in order if shown(k)]) - len([k for k in changed if shown(k)])), role="note"))
        else:
            keys = [k for k in order if shown(k)]
            ctx.brief.add(Paragraph(t("s_same", lang, file=name), role="note"))
    if sc.overrides:
        ctx.brief.add(Paragraph(t("overrides", lang, n=len(sc.overrides)), role="note"))
    if not keys:
        return
    years = sc.period.years
    points = {years[0]}
    for k in keys:
        for series in (mine.get(k, {}), theirs.get(k, {})):
            for i, y in enumerate(years[1:], 1):
                if y in series and years[i - 1] in series and series[y] != series[years[i - 1]]:
                    points.add(y)
    cols = sorted(points)
    capped = len(cols) > MAX_YEAR_COLUMNS
    if capped:
        cols = cols[: MAX_YEAR_COLUMNS - 1] + [cols[-1]]
    headers = []
    for i, y in enumerate(cols):
        end = (cols[i + 1] - 1) if i + 1 < len(cols) else years[-1]
        headers.append(str(y) if (capped or end == y) else f"{y}–{end}")
    rows = []
    for k in keys:
        label, unit = _label(ctx, k)
        cells = [label]
        for y in cols:
            v = mine.get(k, {}).get(y)
            text = quantity(v, unit, lang) if v is not None else "–"
            b = theirs.get(k, {}).get(y) if base is not None else None
            if base is not None and (b is None or not math.isclose(v if v is not None else math.nan, b, rel_tol=1e-9, abs_tol=1e-12)):
                text = t("s_baseline_cell", lang, value=text, base=quantity(b, unit, lang) if b is not None else "–")
            cells.append(text)
        rows.append(cells)
    ctx.brief.add(Table([t("s_lever", lang)] + headers, rows, role="levers", numeric=tuple(range(1, len(cols) + 1))))
    if capped:
        ctx.brief.add(Paragraph(t("s_some_years", lang), role="note"))


def _horizon_text(ctx: Context, h) -> str:
    if h.mode == "stop":
        return t("horizon_stop", ctx.lang, after=h.after)
    if h.mode == "taper":
        return t("horizon_taper", ctx.lang, after=h.after, n=h.taper_years)
    return t("horizon_continue", ctx.lang)


def _lever_series(ctx: Context, scenario) -> dict[str, dict[int, float]]:
    table = resolve(scenario)
    out = {k: dict(zip(table.years, map(float, v), strict=True)) for k, v in table.values.items() if k in LEVERS}
    for j, p in enumerate(PROGRAMMES):
        out[f"shares.{p}"] = {y: float(table.shares[i, j]) for i, y in enumerate(table.years)}
    return out


def _label(ctx: Context, key: str) -> tuple[str, str]:
    if key.startswith("shares."):
        return share_label(key.split(".", 1)[1], ctx.lang), "share"
    zh, en, unit = LEVERS[key]
    return (zh if ctx.lang == "zh" else en), unit
