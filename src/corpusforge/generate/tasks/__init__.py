"""Generation tasks, one module each; the registry lives here."""
