"""Every label of the app, in 中文 (the default) and English, through one function.

``t("key")`` reads the language the user chose (``st.session_state["lang"]``);
``tr("key", lang)`` is the same without Streamlit, for tests and file names.
A key missing from :data:`STRINGS` is an error, so a label cannot silently
appear untranslated.
"""

from __future__ import annotations

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

STRINGS: dict[str, tuple[str, str]] = {
    # -- app and navigation
    "app.title": ("青岛—定西东西部协作模拟", "Qingdao–Dingxi cooperation simulator"),
    "app.tagline": ("基于主体的模型 · 2021–2024年数据校准 · 与无协作对照比较", "Agent-based model · calibrated on 2021–2024 · compared with no cooperation"),
    "app.language": ("语言 / Language", "Language / 语言"),
    "page.whatif": ("情景推演", "What-if"),
    "page.compare": ("情景比较", "Compare"),
    "page.counties": ("分县结果", "Counties"),
    "page.runs": ("运行记录", "Runs"),
    "page.method": ("方法与引用", "Method & citation"),
    # -- form groups
    "group.funds": ("资金与分配", "Funds and shares"),
    "group.labour": ("劳务协作", "Labour cooperation"),
    "group.consumption": ("消费帮扶", "Consumption assistance"),
    "group.technology": ("技术示范", "Technology"),
    "group.people": ("人才交流", "Exchanges of people"),
    "group.pairings": ("结对帮扶", "Pairings"),
    "group.horizon": ("协作期限", "Programme horizon"),
    "group.conditions": ("外部条件", "Conditions"),
    "group.run": ("运行设置", "Run settings"),
    # -- levers (units in the label; the slider shows the number)
    "lever.funds.fiscal": ("青岛财政帮扶资金（亿元/年）", "Qingdao fiscal assistance funds (亿元 = CNY 100m a year)"),
    "lever.funds.donations": ("社会帮扶捐赠（亿元/年）", "Social donations (亿元 = CNY 100m a year)"),
    "lever.funds.shares": ("财政资金分配", "Split of fiscal funds"),
    "lever.funds.shares.industry": ("产业发展（%）", "Industry (%)"),
    "lever.funds.shares.labour": ("劳务协作（%）", "Labour cooperation (%)"),
    "lever.funds.shares.consumption": ("消费帮扶推介（%）", "Consumption assistance (%)"),
    "lever.funds.shares.village": ("乡村建设·示范村（%）", "Villages, demonstration villages (%)"),
    "lever.funds.shares.ecology": ("生态林（%）", "Ecological forest (%)"),
    "lever.funds.shares.social": ("教育医疗（%）", "Education and health (%)"),
    "lever.funds.shares.talent": ("人才交流（%）", "Talent exchanges (%)"),
    "lever.labour.subsidy_per_worker": ("每名稳岗劳动力交通及稳岗补贴（元）", "Transport and job-stabilisation subsidy per worker (元)"),
    "lever.labour.training_places": ("订单式培训名额（人/年）", "Order-based training places (a year)"),
    "lever.labour.free_train": ("开行春节后务工专列", "Free train after Spring Festival"),
    "lever.labour.qingdao_job_quota": ("青岛提供的岗位（个）", "Jobs Qingdao offers (places at a time)"),
    "lever.consumption.canteen_share": ("青岛食堂采购留给定西产品的比例（%）", "Share of Qingdao canteens' purchases for Dingxi (%)"),
    "lever.consumption.showrooms": ("青岛展销馆及电商馆（家）", "Showrooms and e-commerce halls in Qingdao"),
    "lever.consumption.warehouses": ("青岛前置仓（个）", "Forward warehouses in Qingdao"),
    "lever.consumption.price_premium": ("渠道溢价（%）", "Price premium through the channel (%)"),
    "lever.consumption.logistics_loss": ("物流损耗（%）", "Logistics loss (%)"),
    "lever.technology.potato_demo_area": ("马铃薯高产示范面积（亩）", "Potato high-yield demonstration (亩 mu)"),
    "lever.technology.greenhouse_demo_area": ("大棚一年两茬示范面积（亩）", "Greenhouse double-crop demonstration (亩 mu)"),
    "lever.people.cadres_q2d": ("青岛在定西挂职干部（人）", "Qingdao cadres in Dingxi (at a time)"),
    "lever.people.technicians_q2d": ("青岛赴定西专业技术人才（人/年）", "Qingdao professionals sent to Dingxi (a year)"),
    "lever.people.cadres_d2q": ("定西在青岛挂职干部（人）", "Dingxi cadres in Qingdao (at a time)"),
    "lever.people.technicians_d2q": ("定西赴青岛培训专业技术人才（人/年）", "Dingxi professionals trained in Qingdao (a year)"),
    "lever.people.incubator_firms": ("入驻联合孵化器企业（家/年）", "Firms entering the joint incubator (a year)"),
    "lever.pairings.towns": ("结对乡镇（个）", "Paired towns"),
    "lever.pairings.villages": ("结对村（个）", "Paired villages"),
    "lever.pairings.hospitals": ("结对医院（家）", "Paired hospitals"),
    "lever.pairings.schools": ("结对学校（所）", "Paired schools"),
    "lever.horizon.mode": ("协作在此后", "After that year the cooperation"),
    "lever.horizon.after": ("全力推进的最后一年", "Last year at full strength"),
    "lever.horizon.taper_years": ("退坡年数", "Years to taper to zero"),
    "horizon.continue": ("持续", "continues"),
    "horizon.taper": ("逐步退坡", "tapers off"),
    "horizon.stop": ("停止", "stops"),
    "lever.conditions.drought": ("干旱", "Drought"),
    "lever.conditions.drought.severity": ("干旱程度（0–1）", "Drought severity (0–1)"),
    "lever.conditions.drought.years": ("干旱年份", "Drought years"),
    "lever.conditions.hail_multiplier": ("冰雹频率倍数", "Hail frequency multiplier"),
    "lever.conditions.potato_price_index": ("马铃薯价格指数（2021年=1）", "Potato price index (2021 = 1)"),
    "lever.conditions.herbs_price_index": ("中药材价格指数（2021年=1）", "Medicinal herb price index (2021 = 1)"),
    "lever.conditions.qingdao_wage_growth": ("青岛工资年增长率（%）", "Qingdao wage growth a year (%)"),
    "form.calibrated": ("2021–2024年基准：{lo} – {hi}；超过 {limit} 属外推", "2021–2024 baseline: {lo} – {hi}; above {limit} is extrapolation"),
    "form.on": ("开", "on"),
    "form.off": ("关", "off"),
    "form.shares_note": ("合计应为100%；不等于100%时按比例调整。", "Should add up to 100%; otherwise rescaled proportionally."),
    "run.scale": ("模拟农户比例（%）", "Share of households simulated (%)"),
    "run.replicates": ("重复次数", "Replicates"),
    "run.seed": ("随机种子", "Random seed"),
    "run.scale_help": ("比例越大越精确也越慢。应用内最多{max_scale}%、{max_reps}次重复；更大的运行请用命令行：qdsim run 情景.yaml --scale 0.02 --replicates 10",
                       "Larger is more precise and slower. The app allows up to {max_scale}% and {max_reps} replicates; run larger ones from the command line: qdsim run scenario.yaml --scale 0.02 --replicates 10"),
    # -- what-if page
    "whatif.intro": ("移动滑块设定“如果……会怎样”，点击“运行”。调整的杠杆从所选年份起生效，之前的年份保持基础情景的数值。",
                     "Move the sliders to say what if, then press Run. A lever you move takes its new value from the chosen year; earlier years keep the base scenario's values."),
    "whatif.start_from": ("基础情景", "Start from"),
    "whatif.from_year": ("调整从哪一年起生效", "Changes take effect from"),
    "whatif.from_year_help": ("滑块显示基础情景在该年的数值。", "The sliders show the base scenario's values in that year."),
    "whatif.load": ("载入情景文件（YAML）", "Load a scenario file (YAML)"),
    "whatif.load_help": ("任何有效的 qdsim 情景文件；有错误时逐条显示文件、行号和字段。", "Any valid qdsim scenario file; problems are listed with file, line and field."),
    "whatif.bad_file": ("无法载入 {name}，请修改以下问题后重新上传：", "Cannot load {name}; fix these problems and upload it again:"),
    "whatif.run": ("运行", "Run"),
    "whatif.reset": ("重置", "Reset"),
    "whatif.running": ("正在运行 {title}：第 {done}/{total} 次重复（含无协作对照）", "Running {title}: replicate {done}/{total} (with its no-cooperation counterfactual)"),
    "whatif.settings_note": ("当前规模：模拟 {scale} 的农户（约 {households}），{reps} 次重复，种子 {seed}。命令行可运行更大规模：qdsim run 情景.yaml --scale 0.02 --replicates 10",
                             "Scale: {scale} of households simulated (about {households}), {reps} replicates, seed {seed}. The command line runs larger: qdsim run scenario.yaml --scale 0.02 --replicates 10"),
    "whatif.shown_baseline": ("下面显示的是基础情景的结果。移动滑块并点击“运行”查看您的情景。", "Shown below: the base scenario. Move sliders and press Run to see your what-if."),
    "whatif.changes": ("本情景的调整", "What this scenario changes"),
    "whatif.no_changes": ("未调整任何杠杆：结果即基础情景。", "No lever changed: the result is the base scenario."),
    "whatif.change_line": ("{label}：{before} → {after}{when}", "{label}: {before} → {after}{when}"),
    "whatif.change_from": ("（{year}年起）", " (from {year})"),
    "whatif.shares_rescaled": ("资金分配合计为 {total:.1f}%，已按比例调整为 100%。", "The split added up to {total:.1f}%; it was rescaled to 100%."),
    "whatif.invalid": ("设置无效，未运行：", "These settings are not valid; nothing was run:"),
    "whatif.beyond_title": ("以下杠杆超出模型校准范围，结果属于外推，请谨慎解读：", "These levers go beyond the range the model was calibrated on; treat the results as extrapolation:"),
    "whatif.beyond_line": ("{label}：{year}年为 {value}，超过2021–2024年基准最高值 {hi} 的{factor:g}倍", "{label}: {value} in {year}, more than {factor:g}× the 2021–2024 baseline maximum of {hi}"),
    "whatif.failed": ("运行失败：{error}", "The run failed: {error}"),
    # -- results
    "res.title": ("结果：{title}", "Results: {title}"),
    "res.year": ("报告年份", "Year reported"),
    "res.metric": ("指标", "Metric"),
    "res.interval": ("90%区间 {lo} – {hi}", "90% interval {lo} – {hi}"),
    "res.impact": ("较无协作 {impact}（{lo} – {hi}）", "vs no cooperation {impact} ({lo} – {hi})"),
    "res.vs_baseline": ("较基准", "vs baseline"),
    "res.tab.trend": ("趋势", "Trend"),
    "res.tab.impact": ("协作影响", "Impact"),
    "res.tab.table": ("数据表", "Table"),
    "res.trend_caption": ("线为均值，阴影为90%区间（不同随机种子的第5–95百分位）。", "Lines are means; bands are 90% intervals (5th–95th percentile across replicates)."),
    "res.impact_caption": ("影响 = 情景减去无协作对照（同一随机数配对计算），竖线为90%区间。", "Impact = scenario minus the no-cooperation counterfactual on the same random numbers; whiskers are 90% intervals."),
    "res.whatif": ("本情景", "This scenario"),
    "res.baseline": ("基准情景", "Baseline"),
    "res.counterfactual": ("无协作对照", "No cooperation"),
    "col.metric": ("指标", "Metric"),
    "col.value": ("数值", "Value"),
    "col.interval": ("90%区间", "90% interval"),
    "col.baseline": ("基准情景", "Baseline"),
    "col.vs_baseline": ("较基准", "vs baseline"),
    "col.vs_first": ("较第一个情景", "vs the first scenario"),
    "col.impact": ("较无协作", "vs no cooperation"),
    "col.impact_interval": ("影响90%区间", "Impact 90% interval"),
    "col.scenario": ("情景", "Scenario"),
    "col.county": ("县区", "County"),
    "col.population": ("人口（2020年普查）", "Population (2020 census)"),
    "col.run_id": ("运行编号", "Run ID"),
    "col.created": ("时间", "Created"),
    "col.seconds": ("用时（秒）", "Seconds"),
    "col.status": ("状态", "Status"),
    "col.scale": ("规模", "Scale"),
    "col.replicates": ("重复", "Replicates"),
    "col.seed": ("种子", "Seed"),
    "col.out_dir": ("输出目录", "Output directory"),
    "dl.title": ("下载", "Downloads"),
    "dl.yaml": ("情景文件 YAML", "Scenario YAML"),
    "dl.yaml_help": ("用命令行运行此文件（qdsim run 文件.yaml）可得到完全相同的数字。", "Running this file from the command line (qdsim run file.yaml) gives exactly these numbers."),
    "dl.csv_table": ("表格 CSV", "Table CSV"),
    "dl.csv_summary": ("summary.csv", "summary.csv"),
    "dl.png": ("图片 PNG", "Chart PNG"),
    "dl.brief_docx": ("简报 Word", "Brief (Word)"),
    "dl.brief_html": ("简报 HTML", "Brief (HTML)"),
    "dl.brief_unavailable": ("政策简报功能尚未安装（qdsim.brief），暂不能下载简报。", "The policy brief (qdsim.brief) is not available in this installation yet."),
    "dl.manifest": ("运行清单 manifest.json", "manifest.json"),
    "footer": ("运行编号 {run_id} · qdsim {version}（{commit}）· 种子 {seed} · {reps} 次重复 · 规模 {scale} · 情景 sha256 {sha} · {created}",
               "Run {run_id} · qdsim {version} ({commit}) · seed {seed} · {reps} replicates · scale {scale} · scenario sha256 {sha} · {created}"),
    # -- compare
    "cmp.intro": ("把基准情景、本次会话保存的情景、情景文件和上传的文件放在一起比较。所有情景使用同样的规模、重复次数和随机种子（见“情景推演”页的运行设置）。",
                  "Put the baseline, the what-ifs saved in this session, the scenario files and uploaded files side by side. All run with the same scale, replicates and seed (the run settings on the What-if page)."),
    "cmp.choose": ("选择情景", "Scenarios"),
    "cmp.upload": ("上传更多情景文件", "Upload more scenario files"),
    "cmp.saved": ("本次会话：{title}", "This session: {title}"),
    "cmp.file": ("文件：{title}", "File: {title}"),
    "cmp.uploaded": ("上传：{title}", "Uploaded: {title}"),
    "cmp.none": ("请至少选择一个情景。", "Choose at least one scenario."),
    "cmp.chart_caption": ("线为均值，阴影为90%区间；所有情景使用相同的随机数。", "Lines are means, bands 90% intervals; all scenarios share the same random numbers."),
    # -- counties
    "cty.intro": ("定西市七个县区的结果，来自当前情景（未运行时为基础情景）。", "The seven counties of Dingxi, from the current scenario (the base scenario until you run one)."),
    "cty.county_series": ("查看县区", "County"),
    "cty.all": ("全市", "Whole prefecture"),
    # -- runs
    "runs.intro": ("每次运行都有一个运行编号：相同的情景、种子、重复次数和规模得到相同的编号和相同的数字。", "Every run has an ID: the same scenario, seed, replicates and scale give the same ID and the same numbers."),
    "runs.session": ("本次会话的运行", "Runs in this session"),
    "runs.registry": ("运行登记册（qdsim runs）", "The run registry (qdsim runs)"),
    "runs.registry_empty": ("登记册中还没有运行记录。用命令行运行一个情景：qdsim run baseline", "No runs recorded yet. Run a scenario from the command line: qdsim run baseline"),
    "runs.none": ("本次会话还没有运行。", "No runs in this session yet."),
    "runs.rerun": ("复现：{cmd}", "Rerun: {cmd}"),
    # -- method
    "method.title": ("方法与引用", "Method and citation"),
    "method.body": (
        "**模型。** qdsim 是一个基于主体的模型（Mesa）：定西市农户、企业和村庄按月对青岛东西部协作的各项措施作出反应——财政帮扶资金按项目落地、消费帮扶渠道、劳务协作、示范村、生态林和人才交流。农户是独立的主体，各自有土地、劳动力、收入来源和随机决策。\n\n"
        "**校准。** 参数以2021–2024年公开报道的协作数据校准（资金18.68亿元、稳定就业12.3万人次等），来源见下表。超出2021–2024年基准值两倍的杠杆会被标注为外推。\n\n"
        "**对照。** 每个情景都与“无协作”对照情景一起运行：所有协作杠杆从第一年起为零，外部条件和参数不变；两者使用相同的随机数，因此“影响”是逐次配对的差。\n\n"
        "**不确定性。** 每个情景重复运行若干次（不同随机种子）。区间为各次重复的第5和第95百分位（90%区间）；影响区间是配对差的百分位。应用内为了几秒内出结果，只模拟一小部分农户并重复较少次数，区间因此较宽；正式引用请用命令行运行更大规模。\n\n"
        "**复现。** 每个结果都带运行编号、版本和种子。下载情景文件后运行 `qdsim run 文件.yaml`，得到完全相同的数字。",
        "**Model.** qdsim is an agent-based model (Mesa): Dingxi's rural households, firms and villages respond month by month to the measures of Qingdao's East–West cooperation — fiscal funds reaching projects, consumption-assistance channels, labour cooperation, demonstration villages, ecological forest and exchanges of people. Households are individual agents with their own land, labour, income sources and random decisions.\n\n"
        "**Calibration.** Parameters are calibrated on the cooperation's reported figures for 2021–2024 (18.68亿元 of funds, 123,000 person-times of stable employment, …); the sources are listed below. A lever set above twice its 2021–2024 baseline maximum is flagged as extrapolation.\n\n"
        "**Counterfactual.** Every scenario runs with a no-cooperation counterfactual: every cooperation lever at zero from the first year, conditions and parameters unchanged, on the same random numbers — so the impact is a paired difference, replicate by replicate.\n\n"
        "**Uncertainty.** Each scenario is replicated with different seeds. Intervals are the 5th and 95th percentiles across replicates (90% intervals); impact intervals are percentiles of the paired differences. To answer in seconds the app simulates a small share of households with few replicates, so its intervals are wide; for citable numbers run larger from the command line.\n\n"
        "**Reproducing.** Every result carries its run ID, version and seed. Download the scenario file and run `qdsim run file.yaml` to get exactly the same numbers.",
    ),
    "method.cite_title": ("引用当前结果", "Citing the current result"),
    "method.cite": ("qdsim {version}（提交 {commit}），情景“{title}”，运行编号 {run_id}，种子 {seed}，{reps} 次重复，规模 {scale}，{created}。复现：{rerun}",
                    "qdsim {version} (commit {commit}), scenario \"{title}\", run {run_id}, seed {seed}, {reps} replicates, scale {scale}, {created}. Rerun: {rerun}"),
    "method.sources": ("所用的报道数据及来源", "Reported figures used, and their sources"),
    "method.parameters": ("模型参数", "Model parameters"),
    "col.figure": ("数据", "Figure"),
    "col.period": ("时期", "Period"),
    "col.kind": ("用途", "Use"),
    "col.source": ("来源", "Source"),
    "col.parameter": ("参数", "Parameter"),
    "col.label": ("名称", "Name"),
    "col.range": ("合理范围", "Plausible range"),
    "col.param_status": ("依据", "Basis"),
}


def tr(key: str, lang: str = DEFAULT_LANG, **kwargs) -> str:
    """The label ``key`` in ``lang``, formatted with ``kwargs``."""
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**kwargs) if kwargs else text


def lang() -> str:
    """The language the user chose (zh until they switch)."""
    import streamlit as st

    value = st.session_state.get("lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, **kwargs) -> str:
    """The label ``key`` in the user's language."""
    return tr(key, lang(), **kwargs)
