"""``python -m raybench`` runs the CLI."""

from raybench.cli import main

main()
