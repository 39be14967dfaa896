"""The ranking in plain language: which factors move a result most, in Chinese and English."""

from __future__ import annotations

from qdsim.foundation.format import fixed, significant
from qdsim.sensitivity.salib import Analysis, Factor

_ZH_NUM = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


def _kind_word(factors: list[Factor], lang: str) -> str:
    kinds = {f.kind for f in factors}
    if kinds == {"lever"}:
        return "杠杆" if lang == "zh" else "levers"
    if kinds == {"parameter"}:
        return "参数" if lang == "zh" else "parameters"
    return "因素" if lang == "zh" else "factors"


def ranking(analysis: Analysis, output: str, lang: str, *, top: int = 3, output_name: str | None = None,
            unit: str = "", year: int | None = None) -> str:
    """One paragraph: the ``top`` factors with the largest effect on ``output``, in Chinese or English.

    "到2030年影响农村居民人均可支配收入最大的三个杠杆是……". Neighbours in the
    ranking (the top ``top`` and the next) whose intervals (value ± its 95%
    confidence) overlap are named as indistinguishable in order.
    """
    df = analysis.indices[output].sort_values("rank")
    by_name = {f.name: f for f in analysis.factors}
    k = min(top, len(df))
    lead = df.head(k)
    word = _kind_word(analysis.factors, lang)
    name = output_name or output
    if lang == "en" and len(name) > 1 and name[0].isupper() and name[1].islower():
        name = name[0].lower() + name[1:]  # "Rural disposable income" mid-sentence
    u = "" if unit in ("", "share", "index") else f" {unit}"
    if analysis.method == "morris":
        def value(r) -> str:
            return f"μ* = {significant(r.mu_star)} ± {significant(r.mu_star_conf)}{u}"

        def negligible(r) -> bool:
            return r.mu_star <= r.mu_star_conf
    else:
        def value(r) -> str:
            st_text = f"{fixed(r.ST, 2)} ± {fixed(r.ST_conf, 2)}"
            return f"总效应指数 ST = {st_text}" if lang == "zh" else f"total-effect index ST = {st_text}"

        def negligible(r) -> bool:
            return r.ST - r.ST_conf <= 0.01

    def centre_and_half(r) -> tuple[float, float]:
        return (r.mu_star, r.mu_star_conf) if analysis.method == "morris" else (r.ST, r.ST_conf)

    def overlap(a, b) -> bool:
        (x, dx), (y, dy) = centre_and_half(a), centre_and_half(b)
        return x - dx <= y + dy and y - dy <= x + dx

    # neighbours in the ranking (the top k and the next one) whose intervals overlap: their order cannot be told
    rows = list(df.head(k + 1).itertuples())
    tied: list[str] = []
    for a, b in zip(rows, rows[1:], strict=False):
        if overlap(a, b):
            tied += [x for x in (a.factor, b.factor) if x not in tied]
    tied_names = [by_name[f].label(lang) for f in tied]

    def item(r) -> str:
        f = by_name[r.factor]
        return f"{f.label(lang)}（{f.range_text(lang)}，{value(r)}）" if lang == "zh" else f"{f.label(lang)} ({f.range_text(lang)}; {value(r)})"

    items = [item(r) for r in lead.itertuples()]
    if lang == "zh":
        when = f"到{year}年" if year else ""
        listed = "、".join(items[:-1]) + ("和" if len(items) > 1 else "") + items[-1]
        count = f"{_ZH_NUM.get(k, str(k))}个" if k > 1 else "一个"
        text = f"{when}影响{name}最大的{count}{word}是：{listed}。" if k > 1 else f"{when}影响{name}最大的{word}是{listed}。"
        if analysis.method == "morris":
            text += "μ* 为该因素在其取值范围内变动时结果的平均绝对变化（Morris 筛选法，±为95%置信区间）。"
        else:
            text += "总效应指数为该因素（含与其他因素的交互作用）所能解释的结果方差比例（Sobol 方法，±为95%置信区间）。"
        if tied_names:
            text += f"{'、'.join(tied_names)}的置信区间相互重叠，其先后次序无法区分（需更大规模的筛选才能分出高下）。"
        weak = [by_name[r.factor].label(lang) for r in df.itertuples() if negligible(r)]
        if weak:
            text += f"{'、'.join(weak)}的影响在置信区间内与零无法区分。"
    else:
        when = f"By {year}, the" if year else "The"
        listed = items[0] if k == 1 else ", ".join(items[:-1]) + " and " + items[-1]
        if k == 1:
            text = f"{when} {word[:-1]} with the largest effect on {name} is {listed}."
        else:
            text = f"{when} {_EN_NUM.get(k, str(k))} {word} with the largest effect on {name} are {listed}."
        if analysis.method == "morris":
            text += (" μ* is the mean absolute change in the result when the factor moves across its range "
                     "(Morris screening; ± is the 95% confidence interval).")
        else:
            text += (" The total-effect index is the share of the result's variance the factor explains, "
                     "interactions included (Sobol method; ± is the 95% confidence interval).")
        if tied_names:
            joined = ", ".join(tied_names[:-1]) + " and " + tied_names[-1]
            text += (f" The intervals of {joined} overlap, so their order is indistinguishable"
                     " (a larger screening would be needed to tell them apart).")
        weak = [by_name[r.factor].label(lang) for r in df.itertuples() if negligible(r)]
        if weak:
            names = weak[0] if len(weak) == 1 else ", ".join(weak[:-1]) + " and " + weak[-1]
            text += f" The effect of {names} cannot be told from zero."
    return text


_EN_NUM = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}
