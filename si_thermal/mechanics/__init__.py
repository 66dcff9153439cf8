"""Shared mechanics used by several stages (laminate theory, material laws): upstream of both
:mod:`si_thermal.thermal` and :mod:`si_thermal.reliability`, which never import each other."""
