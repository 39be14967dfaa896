"""Every label of the app, in 中文 (the default) and English, through one function.

``t("key")`` reads the language the user chose (``st.session_state["lang"]``);
``tr("key", lang)`` is the same without Streamlit, for tests and file names.
A key missing from :data:`STRINGS` is an error, so a label cannot silently
appear untranslated.
"""

from __future__ import annotations

from qdsim.presentation.words import pair
from qdsim.scenario.records import lever_records, programmes

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
    "lever.funds.shares": ("财政资金分配", "Split of fiscal funds"),
    "lever.horizon.mode": ("协作在此后", "After that year the cooperation"),
    "lever.horizon.after": ("全力推进的最后一年", "Last year at full strength"),
    "lever.horizon.taper_years": ("退坡年数", "Years to taper to zero"),
    "horizon.continue": ("持续", "continues"),
    "horizon.taper": ("逐步退坡", "tapers off"),
    "horizon.stop": ("停止", "stops"),
    "lever.conditions.drought": ("干旱", "Drought"),
    "lever.conditions.drought.years": ("干旱年份", "Drought years"),
    # -- what each lever does (the tooltip of its widget)
    "help.funds.shares": ("财政资金在各项目之间的分配。", "How the fiscal funds are split across programmes."),
    "form.reference": ("2021–2024年基准：{lo} – {hi}", "2021–2024 baseline: {lo} – {hi}"),
    "form.beyond": ("超过 {limit} 属外推，结果请谨慎解读。", "Above {limit} is extrapolation: read the results with care."),
    "form.on": ("开", "on"),
    "form.off": ("关", "off"),
    "form.typed": ("{label}：输入数值", "{label}: type a value"),
    "form.money_help": ("可输入 元、万元 或 亿元，如 2.28、5000万元、0.5亿元；不写单位时按亿元计。", "Type 元, 万元 or 亿元, e.g. 2.28, 5000万元, 0.5亿元; a bare number is in 亿元."),
    "form.money_placeholder": ("如 2.28 或 5000万元", "e.g. 2.28 or 5000万元"),
    "form.out_of_range": ("{value} 超出允许范围（{lo} 至 {hi}），未采用。", "{value} is outside the allowed range ({lo} to {hi}); not used."),
    "form.choose": ("请选择", "Choose"),
    "form.shares_note": ("合计应为100%；不等于100%时按比例调整。", "Should add up to 100%; otherwise rescaled proportionally."),
    "run.scale": ("模拟农户比例（%）", "Share of households simulated (%)"),
    "run.replicates": pair("replicates"),
    "run.seed": ("随机种子", "Random seed"),
    "run.scale_help": ("比例越大越精确也越慢。默认2%的农户、20次重复，区间才有意义；应用内最多{max_scale}%、{max_reps}次重复，更大的运行请用命令行：qdsim run 情景.yaml --scale 0.05 --replicates 50",
                       "Larger is more precise and slower. The default, 2% of households and 20 replicates, gives intervals that mean something; the app allows up to {max_scale}% and {max_reps} replicates, run larger ones from the command line: qdsim run scenario.yaml --scale 0.05 --replicates 50"),
    "run.few_replicates": ("少于20次重复：区间较粗，引用前请用至少20次重复重新运行。", "Fewer than 20 replicates: the intervals are rough; rerun with at least 20 before citing."),
    # -- budget-neutral mode
    "budget.title": ("资金调整：{year}年起每年从{source}调{amount}亿元到{target}（总额不变）", "Same budget: {amount} 亿元 a year moved from {source} to {target} from {year}"),
    "budget.expander": ("资金调整（总额不变）", "Same budget, spent differently"),
    "budget.intro": ("把财政帮扶资金从一个项目调到另一个项目，资金总额不变；从上面所选的年份起每年生效。", "Move fiscal funds from one programme to another with the total fixed, every year from the year chosen above."),
    "budget.source": ("调出项目", "From"),
    "budget.target": ("调入项目", "To"),
    "budget.amount": ("每年调整金额（亿元）", "Amount a year (亿元)"),
    "budget.run": ("调整并运行", "Move and run"),
    "budget.invalid": ("无法这样调整：", "Cannot move it:"),
    "budget.same": ("调出和调入不能是同一个项目。", "From and To must be different programmes."),
    # -- what-if page
    "whatif.intro": ("移动滑块或直接输入数值设定“如果……会怎样”，点击“运行”。调整的杠杆从所选年份起生效，之前的年份保持基础情景的数值。",
                     "Move the sliders or type values to say what if, then press Run. A lever you move takes its new value from the chosen year; earlier years keep the base scenario's values."),
    "whatif.start_from": ("基础情景", "Start from"),
    "whatif.from_year": ("调整从哪一年起生效", "Changes take effect from"),
    "whatif.from_year_help": ("滑块显示基础情景在该年的数值。", "The sliders show the base scenario's values in that year."),
    "whatif.load": ("载入情景文件（YAML）", "Load a scenario file (YAML)"),
    "whatif.load_help": ("任何有效的 qdsim 情景文件；有错误时逐条显示文件、行号和字段。", "Any valid qdsim scenario file; problems are listed with file, line and field."),
    "whatif.bad_file": ("无法载入 {name}，请修改以下问题后重新上传：", "Cannot load {name}; fix these problems and upload it again:"),
    "whatif.run": ("运行", "Run"),
    "whatif.reset": ("重置", "Reset"),
    "whatif.running": ("正在运行 {title}：已完成 {done}/{total} 次模拟", "Running {title}: {done}/{total} simulations done"),
    "whatif.elsewhere": ("{title}：同一运行正由另一个进程（命令行或另一台服务器）计算，等待其结果", "{title}: the same run is being computed by another process (the command line or another server); waiting for its result"),
    "whatif.settings_note": ("已完成：模拟 {scale} 的农户（约 {households}），{reps} 次重复，种子 {seed}；与基准情景和无协作对照逐次配对（相同随机数）。",
                             "Done: {scale} of households simulated (about {households}), {reps} replicates, seed {seed}; paired replicate by replicate with the baseline and with no cooperation (the same random numbers)."),
    "whatif.shown_baseline": ("下面显示的是基础情景的结果。移动滑块并点击“运行”查看您的情景。", "Shown below: the base scenario. Move sliders and press Run to see your what-if."),
    "whatif.changes": ("本情景的调整", "What this scenario changes"),
    "whatif.shown_changes": ("所显示结果的调整", "What the results shown change"),
    "whatif.pending_settings": ("点击“运行”将模拟 {scale} 的农户，{reps} 次重复，种子 {seed}。", "Run simulates {scale} of households, {reps} replicates, seed {seed}."),
    "whatif.blocked": ("请先修改以下输入，才能运行：", "Fix these inputs before running:"),
    "whatif.url_problems": ("链接中的以下参数无法读取，已忽略：{params}", "These parameters of the link could not be read and were left out: {params}"),
    "whatif.no_changes": ("未调整任何杠杆：结果即基础情景。", "No lever changed: the result is the base scenario."),
    "whatif.change_line": ("{label}：{before} → {after}{when}", "{label}: {before} → {after}{when}"),
    "whatif.change_from": ("（{year}年起）", " (from {year})"),
    "whatif.shares_rescaled": ("资金分配合计为 {total}%，已按比例调整为 100%。", "The split added up to {total}%; it was rescaled to 100%."),
    "whatif.invalid": ("设置无效，未运行：", "These settings are not valid; nothing was run:"),
    "whatif.beyond_title": ("以下杠杆超出模型校准范围，结果属于外推，请谨慎解读：", "These levers go beyond the range the model was calibrated on; treat the results as extrapolation:"),
    "whatif.beyond_line": ("{label}：{year}年为 {value}，超过2021–2024年基准最高值 {hi} 的{factor}倍", "{label}: {value} in {year}, more than {factor}× the 2021–2024 baseline maximum of {hi}"),
    "whatif.failed": ("运行失败：{error}", "The run failed: {error}"),
    # -- what each card's metric is (its ⓘ on the Chinese page; the English page shows the metric catalogue's definition)
    "def.rural_income_per_capita": ("各农户各项来源收入之和除以农村常住人口（元/人，当年）。", "Sum of household income from all sources divided by rural residents."),
    "def.consumption_sales": ("当年青岛采购主体经协作渠道从定西供应主体收购的农产品和特色产品金额，按青岛价格计，按产品来源县统计。",
                              "Dingxi products Qingdao's buyers accepted from Dingxi's channel suppliers in the year, at Qingdao prices."),
    "def.stable_employment": ("协作统计口径（毛数）：当年经协作帮助找到或保住工作、且在岗达到规定月数的劳动力人次，新岗位和延续岗位都计，也包括本来就会外出务工的人；协作新增的就业看“务工就业人数”较无协作的差别。",
                              "The programme's annual count (gross) of workers holding a job found or kept with its help; the additional effect is the impact on wage employment."),
    "def.migrant_workers_qingdao": ("年末经协作渠道在青岛务工的定西农村劳动力人数。", "Rural Dingxi workers employed in Qingdao through the cooperation channel at year end."),
    "def.monitored_share": ("分布统计量，不是防返贫监测对象的户数：扣除自付医疗支出后人均收入低于监测线的农户占全部农户的比例。下降为向好。",
                            "A distributional statistic: households whose per-capita income net of out-of-pocket medical cost is below the monitoring line, over all households. A fall is good news."),
    "def.village_collective_income": ("当年所有村集体经济收入之和。", "Sum of the collective income of all villages in the year."),
    # -- results
    "res.title": ("结果：{title}", "Results: {title}"),
    "res.year": ("报告年份", "Year reported"),
    "res.metric": ("指标", "Metric"),
    "res.interval": ("数值90%区间 {range}", "Value, 90% interval {range}"),
    "res.metric_period": ("{name}（{period}）", "{name} ({period})"),
    "res.vs_baseline": pair("vs_baseline"),
    "res.vs_cf": pair("vs_cf"),
    "res.diff_line": ("{against} {d}（90%区间 {range}）", "{against} {d} (90% interval {range})"),
    "res.partial": ("暂定结果：已完成 {done} 次重复；区间会随重复增加而收窄，全部完成后显示最终结果……",
                    "Provisional: {done} replicates done; the intervals tighten as more finish, and the final result replaces this…"),
    "res.tab.vs_baseline": pair("vs_baseline"),
    "res.vs_baseline_caption": ("较基准 = 本情景减去基准情景（同一随机数逐次配对），竖线为90%区间；灰色表示区间包含零，差别在随机波动范围内。",
                                "vs baseline = this scenario minus the baseline on the same random numbers, replicate by replicate; whiskers are 90% intervals; grey: the interval includes zero, within chance variation."),
    "res.tab.trend": ("趋势", "Trend"),
    "res.tab.impact": ("协作影响", "Impact"),
    "res.tab.table": ("数据表", "Table"),
    "res.trend_caption": ("线为均值，阴影为90%区间（不同随机种子的第5–95百分位）。", "Lines are means; bands are 90% intervals (5th–95th percentile across replicates)."),
    "res.impact_caption": ("较无协作 = 本情景减去无协作对照（同一随机数逐次配对），竖线为90%区间；灰色表示在随机波动范围内。", "vs no cooperation = this scenario minus the no-cooperation counterfactual on the same random numbers; whiskers are 90% intervals; grey: within chance variation."),
    "res.whatif": ("本情景", "This scenario"),
    "res.baseline": ("基准情景", "Baseline"),
    "res.counterfactual": ("无协作对照", "No cooperation"),
    "col.metric": ("指标", "Metric"),
    "col.value": pair("value"),
    "col.interval": pair("interval"),
    "col.baseline": ("基准情景", "Baseline"),
    "col.vs_baseline": pair("vs_baseline"),
    "col.vs_baseline_interval": ("较基准90%区间", "vs baseline, 90% interval"),
    "col.diff_interval": ("差别90%区间", "Difference, 90% interval"),
    "col.meaning": pair("meaning"),
    "col.vs_reference": ("较参照情景", "vs the reference"),
    "col.rank": ("排名", "Rank"),
    "col.window": ("计算期", "Years"),
    "col.extra_spending": ("新增支出（90%区间）", "Extra spending (90% interval)"),
    "col.income_gain": ("农村人均可支配收入增加（末年，90%区间）", "Gain in rural income per capita (last year, 90% interval)"),
    "col.employment_gain": ("稳定就业增加（累计人次，90%区间）", "Gain in stable employment (person-times summed, 90% interval)"),
    "col.income_gain_cum": ("累计增收（各年人均增收之和，元/人，90%区间）", "Cumulative income gain (per-capita gains added over the years, 90% interval)"),
    "col.employment_gain_cum": ("累计稳定就业增加（人次，90%区间）", "Cumulative gain in stable employment (person-times, 90% interval)"),
    "col.income_per_100m": ("每亿元增收（90%区间）", "Income gain per 亿元 (90% interval)"),
    "col.employment_per_1m": ("每百万元稳定就业（90%区间）", "Stable employment per million 元 (90% interval)"),
    "col.impact": pair("vs_cf"),
    "col.impact_interval": ("较无协作90%区间", "vs no cooperation, 90% interval"),
    "col.scenario": pair("scenario"),
    "col.county": pair("county"),
    "col.population": ("人口（2020年普查）", "Population (2020 census)"),
    "col.run_id": pair("run_id"),
    "col.created": ("时间", "Created"),
    "col.seconds": ("用时（秒）", "Seconds"),
    "col.status": pair("status"),
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
    "cmp.choose": ("选择情景（第一个为参照）", "Scenarios (the first is the reference)"),
    "cmp.choose_help": ("差别都相对于第一个情景计算；拖动或删除后重选可改变参照。", "Differences are against the first scenario chosen; remove and re-add scenarios to change the reference."),
    "cmp.select_all": ("全选", "Select all"),
    "cmp.clear": ("清除", "Clear"),
    "cmp.reference": ("参照", "reference"),
    "cmp.differences": ("{metric} · {year}年：较参照“{reference}”的差别", "{metric} · {year}: difference from the reference, {reference}"),
    "cmp.bars_caption": ("每个情景较参照“{reference}”的差别（同一随机数逐次配对），横线为90%区间；灰色表示在随机波动范围内。",
                         "Each scenario's difference from the reference, {reference}, on the same random numbers replicate by replicate; lines are 90% intervals; grey: within chance variation."),
    "cmp.cost_title": ("成本与成效：增加投入的情景按每亿元效果排序", "Cost and effectiveness: scenarios that spend more, ranked by effect per 亿元"),
    "cmp.measure": ("排序依据", "Rank by"),
    "cmp.no_cost": ("所选情景都没有可比较的基准（基准情景本身），无法计算成本与成效。", "None of the scenarios chosen has a baseline to compare with (the baseline itself): no cost and effectiveness."),
    "cmp.no_ratio": ("成本数据（cost.csv）中支出未变：无每亿元效果，看增加量本身", "Spending unchanged in the cost data (cost.csv): no effect per 亿元; read the gain itself"),
    "whatif.pending_assumptions": ("；另在{n}组假设参数下与基准情景成对模拟", "; also run against the baseline under {n} sets of assumptions"),
    "run.assumptions": ("区间包含假设不确定性（32组参数，较慢）", "Intervals include the assumptions (32 parameter sets, slower)"),
    "run.assumptions_help": ("打开后，本情景和基准情景在32组参数下各模拟一次（假设参数在合理范围内抽取，校准参数从后验中整体抽取），结果给出包含假设不确定性的区间，并说明结论主要取决于哪些假设。关闭时区间只反映随机波动。",
                             "On: the scenario and its baseline are also run under 32 parameter sets (assumptions across their plausible ranges, calibrated parameters from the posterior); the result gives the interval over the assumptions and says which assumptions the answer rests on. Off: intervals show chance variation only."),
    "res.attribution": pair("attribution"),
    "res.rests_on_caption": ("这个答案依据哪些假设？以{draws}组假设抽样重新运行本情景（{scale}农户），给出每个假设对差别的解释份额（约需一分钟）。",
                             "Which assumptions does this answer rest on? The what-if is run again over {draws} draws of the assumptions ({scale} of households), "
                             "giving each assumption's share of the difference (about a minute)."),
    "res.rests_on_run": ("查明依据的假设", "Find the assumptions it rests on"),
    "res.assumption_interval": ("{metric}较基准的差别在各组假设下的90%区间：{range}", "{metric}: the difference from the baseline across the assumptions, 90% interval: {range}"),
    "cmp.lever_income": ("每亿元设施投入增收 {value}：设施与专列费用共{cost}，其中{taken}从本项目的推介活动和供应商扶持中调剂（总支出不变，不排名）",
                         "Per 亿元 put into outlets and trains: {value}; they cost {cost}, {taken} of it taken from events and supplier support (spending unchanged; not ranked)"),
    "cmp.cut_income_per_100m": ("每少投入1亿元减收 {value}（不排名）", "Each 亿元 saved loses {value} (not ranked)"),
    "cmp.cut_employment_per_1m": ("每少投入100万元减少稳定就业 {value}（不排名）", "Each CNY 1m saved loses {value} of stable employment (not ranked)"),
    "cmp.more_replicates": ("；增加重复次数或模拟规模可能分辨", "; more replicates or a larger scale may resolve it"),
    "cmp.basis": ("**口径：累计收益 ÷ 累计成本，{start}–{end}年。** 累计成本为这些年新增的财政资金和社会捐赠支出之和；累计增收为这些年农村居民人均可支配收入增加之和（元/人），稳定就业为这些年增加的人次之和。只对增加投入的情景按每亿元效果排序；减少投入的情景显示每少投入1亿元的损失，不参与排名。",
                  "**Basis: cumulative benefit over cumulative cost, {start}–{end}.** Cumulative cost is the extra fiscal funds and donations spent over those years; the cumulative income gain is the gain in rural income per capita added up over those years (CNY/person), stable employment the person-times added. Only scenarios that spend more are ranked by effect per 亿元; a cut shows what each 亿元 saved loses and is not ranked."),
    "cmp.with_interval": ("{value}（{range}）", "{value} ({range})"),
    "cmp.cost_caption": ("与各自的基准情景比较，从情景首次改变杠杆的年份算到末年；比值逐次重复（同一随机数）计算后取均值和90%区间。支出未变的情景没有比值，不排名；是否“支出未变”以成本数据为准，不等于资金总额不变的调整。",
                         "Against each scenario's baseline, from the year it first changes a lever to the last year; ratios are computed replicate by replicate on the same random numbers, then mean and 90% interval. Scenarios whose spending did not change have no ratio and are not ranked; \"unchanged\" is the cost data's reading, not a claim that the budget was reallocated."),
    "cmp.overview": ("{year}年主要指标（括号内为90%区间）", "Key metrics in {year} (90% intervals in brackets)"),
    "cmp.upload": ("上传更多情景文件", "Upload more scenario files"),
    "cmp.saved": ("本次会话：{title}", "This session: {title}"),
    "cmp.file": ("文件：{title}", "File: {title}"),
    "cmp.uploaded": ("上传：{title}", "Uploaded: {title}"),
    "cmp.none": ("请至少选择一个情景。", "Choose at least one scenario."),
    "cmp.chart_caption": ("线为均值，阴影为90%区间（各情景自身的随机波动）；所有情景使用相同的随机数，差别见上图。", "Lines are means, bands 90% intervals (each scenario's own chance variation); all scenarios share the same random numbers: see the differences above."),
    # -- counties
    "cty.intro": ("定西市七个县区的结果，来自当前情景（未运行时为基础情景）：地图和柱状图显示各县较基准或较无协作的差别。",
                  "The seven counties of Dingxi, from the current scenario (the base scenario until you run one): the map and the bars show each county's difference from the baseline or from no cooperation."),
    "cty.county_series": ("查看县区", "County"),
    "cty.against": ("比较对象", "Difference"),
    "cty.sorted_caption": ("各县按差别从大到小排列；横线为90%区间，虚线为零；灰色表示在随机波动范围内。",
                           "Counties sorted by their difference, largest first; lines are 90% intervals, the dashed line zero; grey: within chance variation."),
    "cty.all": ("全市", "Whole prefecture"),
    "cty.resolve": ("{total}个县区中有{n}个的差别在随机波动范围内（本次 {reps} 次重复、模拟 {scale} 的农户）。要分辨它们，请在“情景推演”页的运行设置中增加重复次数（如 {more_reps} 次）或模拟比例后重新运行；区间大致随重复次数的平方根收窄。",
                    "{n} of {total} counties are within chance variation ({reps} replicates, {scale} of households). To resolve them, raise the replicates (e.g. to {more_reps}) or the share of households in the run settings of the What-if page and run again; intervals narrow roughly with the square root of the replicates."),
    # -- runs
    "runs.intro": ("每次运行都有一个运行编号：相同的情景、种子、重复次数和规模得到相同的编号和相同的数字。", "Every run has an ID: the same scenario, seed, replicates and scale give the same ID and the same numbers."),
    "runs.session": ("本次会话的运行", "Runs in this session"),
    "runs.registry": ("运行登记册（qdsim runs）", "The run registry (qdsim runs)"),
    "runs.registry_empty": ("登记册中还没有运行记录。用命令行运行一个情景：qdsim run baseline", "No runs recorded yet. Run a scenario from the command line: qdsim run baseline"),
    "runs.none": ("本次会话还没有运行。", "No runs in this session yet."),
    "runs.rerun": ("复现：{cmd}", "Rerun: {cmd}"),
    "runs.status.done": ("完成", "done"),
    "runs.status.running": ("运行中", "running"),
    "runs.status.failed": ("失败或中断", "failed or interrupted"),
    "runs.reopen_title": ("重新打开以往的运行", "Reopen a past run"),
    "runs.reopen_choose": ("已完成的运行", "Finished runs"),
    "runs.reopen": ("打开", "Open"),
    "runs.reopen_none": ("还没有已完成的运行。", "No finished runs yet."),
    "runs.reopen_missing": ("登记册中找不到运行 {run_id} 的文件。", "The registry no longer holds the files of run {run_id}."),
    # -- method
    "method.title": ("方法与引用", "Method and citation"),
    "method.body": (
        "**模型。** qdsim 是一个基于主体的模型（Mesa）：定西市农户、企业、村庄以及青岛的采购主体按月对青岛东西部协作的各项措施作出反应——财政帮扶资金按项目落地、消费帮扶渠道、劳务协作、示范村、生态林和人才交流。农户是独立的主体，各自有土地、劳动力、收入来源和随机决策。\n\n"
        "**校准。** 行为参数用近似贝叶斯计算（ABC-SMC）对公开数字拟合。每个校准目标都分为三类：**行为证据**（由主体的决策和互动产生）、**会计恒等**（由资金÷单位成本等构造决定）和**输入回显**（输入的另一种形式），并注明是拟合、留出检验还是仅核对。只有行为证据算作模型拟合的证据，见下表。超出2021–2024年基准值两倍的金额类杠杆会被标注为外推。\n\n"
        "**比较。** 每个情景都与基准情景和“无协作”对照一起运行，三者使用相同的随机数，因此“较基准”和“较无协作”都是逐次重复配对的差。\n\n"
        "**不确定性。** 区间为各次重复的第5和第95百分位（90%区间）；差别的区间是配对差的百分位。区间包含零时，差别**在随机波动范围内**，不能据此说更好或更差。应用默认模拟2%的农户、重复20次；少于20次时结果会标注为较粗。\n\n"
        "**复现。** 每个结果都带运行编号、版本和种子。下载情景文件后运行 `qdsim run 文件.yaml`，得到完全相同的数字。",
        "**Model.** qdsim is an agent-based model (Mesa): Dingxi's rural households, firms and villages, and Qingdao's buyers, respond month by month to the measures of Qingdao's East–West cooperation — fiscal funds reaching projects, consumption-assistance channels, labour cooperation, demonstration villages, ecological forest and exchanges of people. Households are individual agents with their own land, labour, income sources and random decisions.\n\n"
        "**Calibration.** The behavioural parameters are fitted to published figures by approximate Bayesian computation (ABC-SMC). Every calibration target is classed as **behavioural evidence** (emerging from agents' decisions and interactions), **accounting** (holding by construction, such as money over a unit cost) or **input echo** (an input in another form), and marked fitted, held out or only checked. Only behavioural evidence counts as evidence of fit: see the table below. A money lever set above twice its 2021–2024 baseline maximum is flagged as extrapolation.\n\n"
        "**Comparisons.** Every scenario runs with the baseline and a no-cooperation counterfactual on the same random numbers, so \"vs baseline\" and \"vs no cooperation\" are paired differences, replicate by replicate.\n\n"
        "**Uncertainty.** Intervals are the 5th and 95th percentiles across replicates (90% intervals); a difference's interval is the percentiles of the paired differences. Where it includes zero, the difference is **within chance variation** and says neither better nor worse. The app simulates 2% of households in 20 replicates by default; results from fewer replicates are flagged as rough.\n\n"
        "**Reproducing.** Every result carries its run ID, version and seed. Download the scenario file and run `qdsim run file.yaml` to get exactly the same numbers.",
    ),
    "method.cite_title": ("引用当前结果", "Citing the current result"),
    "method.cite": ("qdsim {version}（提交 {commit}），情景“{title}”，运行编号 {run_id}，种子 {seed}，{reps} 次重复，规模 {scale}，{created}。复现：{rerun}",
                    "qdsim {version} (commit {commit}), scenario \"{title}\", run {run_id}, seed {seed}, {reps} replicates, scale {scale}, {created}. Rerun: {rerun}"),
    "method.sources": ("所用的报道数据及来源", "Reported figures used, and their sources"),
    "method.parameters": ("模型参数", "Model parameters"),
    "method.parameters_note": ("单位不是计量单位（如“占劳动力的比例”）的参数只显示数值，其含义见名称；完整的英文单位说明见参数表 CSV。",
                               "Parameters whose unit is a description (\"share of working-age\") show it after the number; the CSV holds every field."),
    "method.calibration": ("校准目标及其分类", "Calibration targets and their classes"),
    "method.classes": ("行为证据：由主体的决策和互动产生，只有这一类算作拟合的证据。会计恒等：由资金÷单位成本或产出×杠杆构造决定。输入回显：输入的另一种形式。拟合：参与ABC距离；留出检验：不参与拟合，用来检验；仅核对：只核对是否一致。",
                       "Behavioural evidence: emerges from agents' decisions and interactions; only this class counts as evidence of fit. Accounting: holds by construction (money over a unit cost, an output times a lever). Input echo: an input in another form. Fitted: in the ABC distance; held out: kept out of the fit to test it; checked: only checked for consistency."),
    "method.no_calibration": ("本次运行没有记录校准结果。", "This run records no calibration."),
    "col.class": pair("calibration.class"),
    "col.role": pair("calibration.role"),
    "col.reported": pair("calibration.reported"),
    "col.model": pair("calibration.model"),
    "col.error": pair("calibration.error"),
    "col.within": pair("calibration.within"),
    "kind.input": pair("kind.input"),
    "kind.target": ("校准目标", "calibration target"),
    "kind.structure": pair("kind.structure"),
    "kind.context": pair("kind.context"),
    "kind.validation": pair("kind.validation"),
    "status.calibrated": pair("status.calibrated"),
    "status.assumption": pair("status.assumption"),
    "status.reported": pair("status.reported"),
    "status.statistic": pair("status.statistic"),
    "status.literature": pair("status.literature"),
    "col.figure": ("数据", "Figure"),
    "col.period": pair("period"),
    "col.kind": ("用途", "Use"),
    "col.source": pair("source"),
    "col.parameter": pair("parameter"),
    "col.label": ("名称", "Name"),
    "col.range": pair("plausible_range"),
    "col.param_status": ("依据", "Basis"),
}


def _from_the_lever_records() -> None:
    """Each lever's label (its one name and the unit the form shows), help and programme names, from its record
    (``data/levers.yaml``): the app calls a lever what the brief, the warnings and the CLI call it. The drought's
    two inputs keep their heading (``lever.conditions.drought``); the lever's name labels its severity."""
    for r in lever_records().values():
        if not r.written:
            continue
        label = "lever.conditions.drought.severity" if r.key == "conditions.drought" else f"lever.{r.key}"
        STRINGS[label] = (r.form_label("zh"), r.form_label("en"))
        STRINGS[f"help.{r.key}"] = (r.help_text("zh"), r.help_text("en"))
    for p in programmes().values():
        STRINGS[f"programme.{p.id}"] = (p.zh, p.en)
        STRINGS[f"lever.funds.shares.{p.id}"] = (f"{p.zh}（%）", f"{p.en[:1].upper()}{p.en[1:]} (%)")
        STRINGS[f"help.funds.shares.{p.id}"] = p.help


_from_the_lever_records()


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
