"""Reports at scale: systems as parallel tasks on the sweep engines, two designs side by side."""

import sys
from dataclasses import dataclass

import pytest

from si_thermal import paths
from si_thermal.sweep import reports



@dataclass(frozen=True)
class StemStudy:
    kind = "stem"

    def evaluate(self, params):
        if "bad" in params["system"]:
            raise ValueError("no such rack")
        return {"stem": params["system"].rsplit("/", 1)[-1]}


def test_run_each_one_task_per_system_failures_recorded():
    systems = {"a": "x/a.toml", "bad": "x/bad.toml", "c": "x/c.toml"}
    seen = []
    rows, engine = reports.run_each(StemStudy(), systems, jobs=1, on_done=lambda k, r: seen.append(k))
    assert list(rows) == ["a", "bad", "c"] and sorted(seen) == ["a", "bad", "c"]
    assert rows["a"] == {"stem": "a.toml", "error": ""} and "no such rack" in rows["bad"]["error"]


def test_side_by_side_aligns_groups_and_alternates(tmp_path):
    a = {"name": "A", "path": str(paths.racks_dir() / "gb200_nvl72.toml"),
         "rows": [["per-GPU power", "1000 W", "rack"], ["spine over x26.toml @ 200g", "100 % close", "si"],
                  ["spine over x30.toml (alternate) @ 200g", "91 % close", "si"]]}
    b = {"name": "B", "path": str(paths.racks_dir() / "gb300_nvl72.toml"),
         "rows": [["per-GPU power", "1400 W", "rack"], ["spine over y26.toml @ 224g", "95 % close", "si"],
                  ["cost per million tokens", "$4.19", "cost"]]}
    table = reports.side_by_side(a, b)
    assert table == [["per-GPU power", "1000 W", "1400 W"],
                     ["spine", "over x26.toml @ 200g: 100 % close", "over y26.toml @ 224g: 95 % close"],
                     ["spine (alternate)", "over x30.toml (alternate) @ 200g: 91 % close", "-"],
                     ["cost per million tokens", "-", "$4.19"]]
    out = reports.write_compare_pdf(tmp_path / "cmp.pdf", a, b, table)
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 1500


@pytest.mark.parametrize("args, fragment", [
    (("report", "gb200_nvl72", "--compare"), "exactly two systems"),
    (("report", "gb200_nvl72", "nvl9000", "--compare"), "unknown system"),
    (("report", "gb200_nvl72", "--each", "--compare"), "not both"),
])
def test_compare_bad_input_one_line_exit_2(args, fragment, tmp_path, monkeypatch, capsys):
    from si_thermal.cli import main

    monkeypatch.setattr(sys, "argv", ["si-thermal", *args, "-o", str(tmp_path / "c.pdf")])
    with pytest.raises(SystemExit) as exc:
        main()
    err = capsys.readouterr().err
    assert exc.value.code == 2 and len(err.strip().splitlines()) == 1 and fragment in err, err
    assert not list(tmp_path.iterdir())
