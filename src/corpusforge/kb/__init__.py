"""kb stage: a searchable knowledge base of the chunks (BM25 + dense), rag training samples, and ``ask``.

Entry points (imported lazily: ``corpusforge.config`` imports this package's ``config``):
``corpusforge.kb.build.build_kb``, ``corpusforge.kb.build.open_kb``, ``corpusforge.kb.rag.build_rag_samples``,
``corpusforge.kb.ask.ask``.
"""
