"""The thin Typer CLI: each command calls one library function."""
