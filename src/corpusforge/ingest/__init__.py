"""ingest stage: files -> documents and pages in the workspace store, with provenance.

``pipeline.ingest_paths`` is the entry point. ``files`` takes one file through checks, hashing and the
store; ``detect`` names a file's type from its bytes; ``registry`` maps types to reader modules (``pdf``,
``docx``, ``html``, ``text``), each ``read(data, path, cfg) -> base.ReadResult``. PDF helpers: ``layout``
(reading order), ``quality`` (empty or garbage text layers), ``ocr`` (Tesseract). ``tags`` and ``lang``
add metadata.
"""
