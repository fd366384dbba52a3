"""Engines that run ingest and the corpus build: ``local`` (this process) or ``ray`` (a Ray cluster)."""
