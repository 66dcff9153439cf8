"""``python -m si_thermal.cli`` runs the same entry point as the ``si-thermal`` script."""

from si_thermal.cli import main

main()
