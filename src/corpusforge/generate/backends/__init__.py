"""LLM backends behind one interface; registry in this module."""
