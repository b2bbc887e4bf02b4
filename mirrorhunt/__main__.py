"""``python -m mirrorhunt`` runs the CLI."""

from mirrorhunt.cli import main

main()
