"""corpusforge: turn an organisation's own documents into a domain-expert LLM.

The data flow is visible in the package layout::

    ingest -> corpus -> generate -> quality -> review -> export -> train -> evaluate
                                                                   (kb: retrieval)
"""

__version__ = "0.1.0"
