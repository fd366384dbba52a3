"""``python -m corpusforge`` runs the CLI."""

from corpusforge.cli.app import main

main()
