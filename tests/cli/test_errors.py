"""The entry point turns project errors into one line on stderr and an exit status, never a traceback."""

from __future__ import annotations

import pytest

import si_thermal.cli as cli_module
from si_thermal.errors import ConvergenceError, InputError


@pytest.mark.parametrize(
    ("error", "status", "line"),
    [
        (InputError("boards/x.toml", "layers[2].thickness", "must be positive"), 2,
         "error: boards/x.toml: layers[2].thickness: must be positive"),
        (ConvergenceError("Newton did not converge in 30 iterations (residual 1e-3 > 1e-8)"), 3,
         "error: Newton did not converge in 30 iterations (residual 1e-3 > 1e-8)"),
    ],
)
def test_main_reports_one_line_and_status(monkeypatch, capsys, error, status, line):
    def failing_app(**_):
        raise error

    monkeypatch.setattr(cli_module, "app", failing_app)
    with pytest.raises(SystemExit) as exit_info:
        cli_module.main()
    assert exit_info.value.code == status
    err = capsys.readouterr().err
    assert err.strip() == line and "Traceback" not in err
