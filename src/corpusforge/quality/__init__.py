"""Quality stage: the gate every generated sample passes (grounding, filters, question de-duplication).

Main entry points: :class:`corpusforge.quality.gate.QualityGate`,
:func:`corpusforge.quality.grounding.grounding_score`, :func:`corpusforge.quality.check.check_jsonl` and
:func:`corpusforge.quality.check.check_workspace`.
"""
