"""Rack-level system models: geometry -> links -> cooling -> reliability -> cost; claims check; sweeps."""
