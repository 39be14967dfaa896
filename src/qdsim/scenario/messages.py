"""Problems in Chinese: the message of every problem a scenario or batch file can have, as a Chinese planner reads it.

Messages are written once, in English, where the problem is found (the
schema, the units, the YAML reader, pydantic itself); this table words each
kind in Chinese, keeping the parts that must stay as typed (field names,
values, units, years). A message the table does not know keeps its English
text behind a Chinese lead, so nothing is ever lost in translation.
"""

from __future__ import annotations

import re

from qdsim.foundation.errors import InputError
from qdsim.foundation.units import EXAMPLES

_OR = re.compile(r"\s+or\s+")

#: (pattern of the English message, Chinese template with {1}, {2}, … for the pattern's groups), first match wins
_TABLE: list[tuple[re.Pattern, str]] = [(re.compile(p), t) for p, t in [
    # fields
    (r"^unknown field \(did you mean '(.+)'\?\)$", "未知字段（是否应为“{1}”？）"),
    (r"^unknown field$", "未知字段：请检查拼写，或删去此项"),
    (r"^required field is missing$", "缺少必填字段"),
    (r"^unknown parameter \(did you mean '(.+)'\?\)$", "参数目录中没有此参数（是否应为“{1}”？）"),
    (r"^unknown parameter$", "参数目录中没有此参数"),
    (r"^(.+) has no field '(.+)' \(did you mean '(.+)'\?\)$", "{1} 中没有字段“{2}”（是否应为“{3}”？）"),
    (r"^(.+) has no field '(.+)'$", "{1} 中没有字段“{2}”"),
    (r"^no parameter '(.+)' in the parameter catalogue \(did you mean '(.+)'\?\)$", "参数目录中没有参数“{1}”（是否应为“{2}”？）"),
    (r"^no parameter '(.+)' in the parameter catalogue$", "参数目录中没有参数“{1}”"),
    (r"^(\S+) cannot be varied: (.+)$", "{1} 不能改变：{2}"),
    (r"^unknown region '(.+)' \(available: (.+)\)$", "未知地区“{1}”（可用：{2}）"),
    (r"^unknown setting \(did you mean '(.+)'\?\)$", "未知的运行设置（是否应为“{1}”？）"),
    (r"^unknown setting$", "未知的运行设置"),
    (r"^a whole series that starts in (\d+) leaves (\d+)–(\d+) at 0 \(did you mean '(.+)'\?, the value from (\d+) on; or pass replace=True\)$",
     "按年份给出的整个序列从{1}年开始，{2}–{3}年将为 0（是否应为“{4}”，即从{5}年起的数值？若确要替换整个序列，请传入 replace=True）"),
    (r"^a number without a unit is read as 元, and (.+) 元 a year is far below any cooperation budget \(did you mean '(.+)'\?\): write the unit, e\.g\. (.+) or (.+)$",
     "未写单位的数按元计，每年 {1} 元远低于任何协作资金规模（是否应为“{2}”？）：请写明单位，如 {3} 或 {4}"),
    # years
    (r"^year keys must be whole years like 2024, got (.+)$", "年份须为整数年份，如 2024；此处为 {1}"),
    (r"^give at least one year$", "请至少给出一个年份"),
    (r"^the year (\d+) is given twice$", "{1}年重复给出"),
    (r"^year (\d+) is outside the period (\d+)–(\d+)$", "{1}年不在情景期 {2}–{3} 内"),
    (r"^year (\d+) is outside (\d+)–(\d+)$", "{1}年不在 {2}–{3} 内"),
    (r"^(\d+) is outside the period (\d+)–(\d+)$", "{1} 不在情景期 {2}–{3} 内"),
    (r"^end (\d+) is before start (\d+)$", "结束年 {1} 早于开始年 {2}"),
    # values and units
    (r"^(.+) in (\d+) is outside the allowed range \[(.+), (.+)\]$", "{2}年的 {1} 超出允许范围 [{3}, {4}]"),
    (r"^(.+) is outside the allowed range \[(.+), (.+)\]$", "{1} 超出允许范围 [{2}, {3}]"),
    (r"^(.+) is far outside the plausible range \[(.+), (.+)\]$", "{1} 远超合理范围 [{2}, {3}]"),
    (r"^programme shares add up to (.+), not 1$", "各项目份额合计为 {1}，应为 1（即 100%）"),
    (r"^wrong unit '(.*)': write (.+)$", "单位“{1}”用错了：应为{2}"),
    (r"^cannot read '(.*)': write (.+)$", "无法读取“{1}”：应为{2}"),
    (r"^expected (.+), got (.+)$", "应为{1}，此处为 {2}"),
    (r"^must be a finite number$", "须为有限的数"),
    (r"^the number is far too large \(allowed: (.+) to (.+)\)$", "数值过大（允许范围：{1} 至 {2}）"),
    (r"^must be a whole number, not (true|false)$", "须为整数，不能是 {1}"),
    # free text (titles, description)
    (r"^contains a new line \(U\+(\w+)\) at character (\d+) \(a title is one line\); remove it$", "第 {2} 个字符是换行（U+{1}）：标题只能是一行，请删去"),
    (r"^contains a tab \(U\+(\w+)\) at character (\d+) \(a title is one line\); remove it$", "第 {2} 个字符是制表符（U+{1}）：标题只能是一行，请删去"),
    (r"^contains a right-to-left/left-to-right override \(U\+(\w+)\) at character (\d+); remove it$",
     "第 {2} 个字符是文字方向控制符（U+{1}），会颠倒显示的文字，请删去"),
    (r"^contains a control character \(U\+(\w+)\) at character (\d+); remove it$", "第 {2} 个字符是控制字符（U+{1}），请删去"),
    (r"^(.+) was split at its comma \(inside \{…\} or \[…\] YAML reads a comma as a separator\): write \"(.+)\" in quotes, or (.+)$",
     "“{1}”在逗号处被拆开了（在 {…} 或 […] 中，YAML 把逗号当作分隔符）：请加引号写成 \"{2}\"，或写成 {3}"),
    # extends: and batch files
    (r"^no scenario file '(.+)' next to this one$", "同一文件夹中没有情景文件“{1}”"),
    (r"^must be a relative path to a \.yaml scenario file$", "须为指向 .yaml 情景文件的相对路径"),
    (r"^must be a relative path to a \.yaml scenario file, or a shipped scenario's name \((.+)\) \(did you mean '(.+)'\?\)$",
     "须为指向 .yaml 情景文件的相对路径，或内置情景的名称（{1}）（是否应为“{2}”？）"),
    (r"^must be a relative path to a \.yaml scenario file, or a shipped scenario's name \((.+)\)$",
     "须为指向 .yaml 情景文件的相对路径，或内置情景的名称（{1}）"),
    (r"^no scenario file '(.+)' next to this one \(did you mean '(.+)'\?\)$", "同一文件夹中没有情景文件“{1}”（是否应为“{2}”？）"),
    (r"^must name one scenario file, at most 5 levels deep$", "须指向一个情景文件，最多嵌套 5 层"),
    (r"^not allowed in an uploaded scenario; upload the full scenario$", "上传的情景不能使用 extends:，请上传完整的情景"),
    (r"^must name a scenario file in the scenarios folder$", "须指向情景文件夹中的文件"),
    (r"^a batch file starts with a batch: section \(id, title\)$", "批量文件须以 batch: 部分开头（id、title）"),
    (r"^the scenario file '(.+)' has problems \(listed above\)$", "情景文件“{1}”有问题（见上）"),
    (r"^'(.+)' is not a \.yaml scenario file$", "“{1}”不是 .yaml 情景文件"),
    (r"^no scenario file '(.+)' \(paths are relative to the batch file\)$", "没有情景文件“{1}”（路径相对于批量文件）"),
    (r"^name the scenarios to run: base: \(one file\) or scenarios: \(a list\), not both$", "base:（一个文件）与 scenarios:（列表）只能写一个"),
    (r"^with adaptive:, the first number of replicates is adaptive\.start; remove replicates:$",
     "使用 adaptive: 时，初始重复次数由 adaptive.start 给出；请删去 replicates:"),
    (r"^(.+) points is more than the (.+) a batch may have$", "{1} 个点，超过一个批量的上限 {2}"),
    (r"^(.+) points × (.+) replicates is more than the (.+) replicate runs a batch may ask for$", "{1} 个点 × {2} 次重复，超过一个批量的上限 {3} 次"),
    (r"^(.+) points ask for (.+) replicate runs \(replicates and assumption draws\), more than the (.+) a batch may ask for$",
     "{1} 个点共需 {2} 次运行（重复与参数抽样），超过一个批量的上限 {3} 次"),
    (r"^point (\S+) is the same run as point (\S+)$", "点 {1} 与点 {2} 是同一次运行"),
    (r"^low (.+) must be below high (.+)$", "下限 {1} 应小于上限 {2}"),
    (r"^'(.+)' has an empty part$", "“{1}”中有空的部分（两个点相连）"),
    # YAML syntax (PyYAML's words)
    (r"^mapping values are not allowed here$", "YAML 语法错误：此处不能写“键: 值”（请检查缩进和冒号后的空格）"),
    (r"^expected ',' or '(.)', but got .+$", "YAML 语法错误：缺少“,”或“{1}”（括号未闭合？）"),
    (r"^found unexpected end of stream$", "YAML 语法错误：文件意外结束（引号或括号未闭合？）"),
    (r"^expected <block end>, but found .+$", "YAML 语法错误：缩进不一致"),
    (r"^could not find expected ':'$", "YAML 语法错误：缺少冒号"),
    # pydantic's own
    (r"^List should have at least (\d+) items? after validation, not (\d+)$", "列表至少应有 {1} 项（此处为 {2} 项）"),
    (r"^Input should be a valid integer.*$", "应为整数"),
    (r"^Input should be a valid number.*$", "应为数"),
    (r"^Input should be a finite number$", "须为有限的数"),
    (r"^Input should be a valid string$", "应为文字"),
    (r"^Input should be a valid dictionary.*$", "应为“字段: 值”的映射"),
    (r"^Input should be a valid list$", "应为列表"),
    (r"^Input should be a valid boolean.*$", "应为 true 或 false"),
    (r"^Input should be greater than or equal to (.+)$", "应不小于 {1}"),
    (r"^Input should be less than or equal to (.+)$", "应不大于 {1}"),
    (r"^Input should be greater than (.+)$", "应大于 {1}"),
    (r"^Input should be less than (.+)$", "应小于 {1}"),
    (r"^Input should be ('.+')$", "应为 {1} 之一"),
    (r"^String should have at least (\d+) characters?$", "至少 {1} 个字符"),
    (r"^String should have at most (\d+) characters?$", "最多 {1} 个字符"),
    (r"^String should match pattern '(.+)'$", "格式不符（小写字母、数字、- 和 _，以字母或数字开头）"),
    # the file and its YAML
    (r"^file is larger than (\d+) kB$", "文件超过 {1} kB"),
    (r"^not valid UTF-8 text$", "不是 UTF-8 编码的文本：请另存为 UTF-8"),
    (r"^the file is empty$", "文件为空"),
    (r"^YAML tags are not allowed.*$", "不允许使用 YAML 标签（以 ! 开头）"),
    (r"^duplicate key (.+) \(first on line (\d+)\)$", "键 {1} 重复（首次出现在第 {2} 行）"),
    (r"^expected a mapping of fields at the top level$", "文件顶层应为“字段: 值”的映射"),
    (r"^nested deeper than (\d+) levels$", "嵌套超过 {1} 层"),
    (r"^too large: .*$", "文件过大（展开别名后数值过多）"),
    (r"^no such file.*$", "找不到此文件（内置情景可直接写名称，`qdsim scenarios` 可列出）"),
    (r"^is a directory, not a file$", "这是文件夹，不是文件"),
    (r"^expected a file path or a shipped scenario's name, got (.+)$", "应为文件路径或内置情景名称，此处为 {1}"),
    (r"^expected the text of a scenario file, got (.+)$", "应为情景文件的文本，此处为 {1}"),
    (r"^permission denied$", "无权读取此文件"),
    (r"^found character '\\t' that cannot start any token$", "含有制表符（Tab）：请用空格缩进"),
    (r"^cannot parse: (.+)$", "无法解析此文件（{1}）"),
]]


#: reasons quoted inside other messages (why a field cannot be varied), worded as a whole
_PHRASES = {
    "the point's id is derived from its values": "点的 id 由其取值生成",
    "the point's title is derived from its values": "点的标题由其取值生成",
    "the point's description is derived from its values": "点的说明由其取值生成",
    "a batch runs in one region": "一个批量只在一个地区运行",
    "replicates are set for the whole batch (replicates:, or adaptive:)": "重复次数对整个批量统一设定（replicates: 或 adaptive:）",
    "the seed is set for the whole batch (seed:), so that points share random numbers": "随机种子对整个批量统一设定（seed:），使各点共用随机数",
}

#: what a batch file adds after a point's message: the value that caused it, and the point
_POINT = re.compile(r"^(.*?)(?: \(([\w.*\[\]]+) = (.+?)\))?(?: \(point (\S+)\))?$")


def zh(message: str) -> str:
    """The Chinese wording of a problem's (English) message."""
    point = _POINT.match(message)
    if point and (point[2] or point[4]):
        head, path, value, pid = point.groups()
        return zh(head) + (f"（{path} = {value}）" if path else "") + (f"（点 {pid}）" if pid else "")
    for en, zh_text in [*((en, zh_) for zh_, en in EXAMPLES.values()), *_PHRASES.items()]:  # how to write a value (worded in foundation/units.py), reasons
        message = message.replace(en, zh_text)
    for pattern, template in _TABLE:
        m = pattern.match(message)
        if m:
            groups = [_OR.sub(" 或 ", g) if g and g.startswith("'") else (g or "") for g in m.groups()]
            return re.sub(r"\{(\d)\}", lambda k, groups=groups: groups[int(k.group(1)) - 1], template)
    return f"请检查此项：{message}"


def input_error(message: str, *, path: str | None = None, field: str | None = None, suggestion: str | None = None) -> InputError:
    """An :class:`~qdsim.foundation.errors.InputError` with ``message`` (English) and its Chinese wording from the table."""
    return InputError(message, path=path, field=field, message_zh=zh(message), suggestion=suggestion)
