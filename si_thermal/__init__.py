"""si_thermal: signal integrity, thermal FEM and reliability models for AI rack interconnects."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("si_thermal")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
