"""The lever records (data/levers.yaml): one declaration per lever, read by the schema, the app, the brief, the CLI and the docs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from qdsim.foundation.catalogue import load_catalogue
from qdsim.scenario import records, schema
from qdsim.scenario.labels import LEVERS, PROGRAMME_NAMES
from qdsim.scenario.levers import resolve
from qdsim.scenario.loader import load_scenario
from qdsim.scenario.records import LeverRecord, lever_records, programmes
from qdsim.scenario.shipped import baseline_file


def test_every_field_of_a_scenario_s_levers_and_conditions_is_a_record():
    recs = lever_records()
    fields = {f"{g}.{n}" for g, f in schema.Levers.model_fields.items() for n in f.annotation.model_fields if n != "shares"}
    fields |= {f"conditions.{n}" for n in schema.Conditions.model_fields}
    assert fields == {k for k, r in recs.items() if r.written}
    assert list(programmes()) == list(schema.PROGRAMMES)


@pytest.mark.parametrize("key", [k for k, r in lever_records().items() if r.written])
def test_the_schema_takes_kind_range_and_default_from_the_record(key):
    r = lever_records()[key]
    node = schema.Scenario.model_validate({"id": "x", "title": {"zh": "x", "en": "x"}}).model_dump()
    for part in r.path:
        node = node[part]
    assert node == (r.default if not float(r.default).is_integer() else int(r.default))  # what a scenario that says nothing runs with
    lo, hi = r.range
    data = {"id": "x", "title": {"zh": "x", "en": "x"}}
    where = data.setdefault(r.path[0], {})
    if len(r.path) == 3:
        where = where.setdefault(r.path[1], {})
    where[r.path[-1]] = hi
    schema.Scenario.model_validate(data)  # the top of its range is accepted
    where[r.path[-1]] = hi + max(1.0, abs(hi))
    with pytest.raises(ValidationError, match="outside the allowed range"):
        schema.Scenario.model_validate(data)  # above it, refused
    assert lo <= r.default <= hi


def test_every_key_of_the_lever_table_has_a_record_and_every_cost_is_a_parameter():
    table = resolve(load_scenario(baseline_file()))
    assert set(table.values) <= set(lever_records())
    params = load_catalogue("dingxi").parameters
    costs = {r.key: r.cost for r in lever_records().values() if r.cost}
    assert costs and all(c in params for c in costs.values()), costs
    assert records.lever("consumption.showrooms").cost == "showroom_cost"


def test_one_name_per_lever_in_the_brief_the_warnings_and_the_app():
    from qdsim.app.i18n import STRINGS

    for key, r in lever_records().items():
        assert LEVERS[key] == (r.zh, r.en, r.unit)  # the brief, the range warnings and the sensitivity ranking
        if not r.written:
            continue
        label = STRINGS["lever.conditions.drought.severity" if key == "conditions.drought" else f"lever.{key}"]
        assert label[0].startswith(r.zh) and label[1].startswith(r.en), (key, label)  # the app: the name, then the unit shown
        assert STRINGS[f"help.{key}"] == r.help
    for pid, p in programmes().items():
        assert PROGRAMME_NAMES[pid] == (p.zh, p.en) == STRINGS[f"programme.{pid}"]


def test_a_new_lever_is_one_record(monkeypatch):
    """A record added to the catalogue is a field of the scenario, with its kind, range and default, and a name everywhere."""
    new = LeverRecord("consumption.livestream_hosts", "count", "人", "直播带货主播", "Live-stream sales hosts", (0.0, 500.0), 0.0, None,
                      ("人", "people"), ("青岛为定西产品直播带货的主播人数。", "Hosts selling Dingxi products by live stream in Qingdao."))
    monkeypatch.setattr(schema, "lever_records", lambda: {**lever_records(), new.key: new})
    group = schema._group("consumption", "ConsumptionLevers", "Consumption assistance.")
    assert list(group.model_fields)[-1] == "livestream_hosts"
    assert group().livestream_hosts == {schema.ALL_YEARS: 0.0}
    assert group(livestream_hosts={2026: 40}).livestream_hosts == {2026: 40.0}
    with pytest.raises(ValidationError, match="outside the allowed range"):
        group(livestream_hosts=501)
    assert new.form_label("zh") == "直播带货主播（人）" and new.form_label("en") == "Live-stream sales hosts (people)"


@pytest.mark.parametrize(("record", "message"), [
    ("  x.y: {kind: count}", "the key is group.name"),
    ("  labour.new: {kind: gadget}", "kind is 'gadget'"),
    ("  labour.new: {kind: count, unit: 人, zh: 新, en: New, range: [0, 10], default: 0, cost: null}", "missing help"),
    ("  labour.new: {kind: count, unit: 人, zh: 新, en: New, range: [0, 10], default: 20, cost: null, help: {zh: a, en: b}}",
     "default 20.0 is outside its range"),
    ("  labour.new: {kind: count, unit: 人, zh: 新, en: New, range: [0, 10], default: 0, cost: null, help: {zh: a, en: b}, colour: red}",
     "unknown field colour"),
    ("  labour.new: {kind: derived, unit: index, zh: 新, en: New, from: labour.old}", "from is 'labour.old', not a lever"),
])
def test_a_wrong_record_is_refused_naming_the_file_the_lever_and_the_field(tmp_path, record, message):
    path = tmp_path / "levers.yaml"
    path.write_text(f"levers:\n{record}\nprogrammes: {{}}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="levers.yaml: lever") as e:
        records.read(path)
    assert message in str(e.value)
