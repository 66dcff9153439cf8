"""``python -m si_thermal`` runs the console script's entry point (signal-safe from the start)."""

from si_thermal._entry import main

main()
