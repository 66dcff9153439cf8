"""The CLI shows each distinct warning once per run, even across catch_warnings blocks."""

import subprocess
import sys

CODE = r'''
import warnings
from si_thermal import warn_once
warn_once.install()
for i in range(5):
    with warnings.catch_warnings():   # resets the per-location registry, as the COM code does
        pass
    warnings.warn("twinax outside its range", UserWarning)
warnings.warn("another one", UserWarning)
'''


def test_each_warning_shown_once():
    err = subprocess.run([sys.executable, "-W", "default", "-c", CODE], capture_output=True, text=True).stderr
    assert err.count("twinax outside its range") == 1
    assert err.count("another one") == 1


def test_without_dedup_python_repeats_it():  # the defect the module fixes: the test can fail
    code = CODE.replace("warn_once.install()", "")
    err = subprocess.run([sys.executable, "-W", "default", "-c", code], capture_output=True, text=True).stderr
    assert err.count("twinax outside its range") == 5
