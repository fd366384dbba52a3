"""The LLM layer: one client interface, one factory, backends behind one registry.

Every stage that calls a model (generate, the quality judge, kb ask, evaluate) does::

    from corpusforge.llm import get_client

    client = get_client(ws.config.llm, ws.store)   # an LLMClient: cached, retried, counted
    reply = client.chat_sync(messages, schema=..., prompt_version="qa.en.v3")

This package sits below every stage and imports none of them. A new backend is one module (a
:class:`Backend` subclass) plus one :data:`BACKENDS` line.
"""

from __future__ import annotations

from corpusforge.llm.backends import BACKENDS, Backend, BackendError, ChatRequest, RawReply, get_backend
from corpusforge.llm.base import Completion, LLMClient, LLMError, LLMStats
from corpusforge.llm.client import CachedClient, get_client, request_key
from corpusforge.llm.config import LLMConfig
from corpusforge.llm.jsonreply import JSONReply, complete_items, parse_json_reply

__all__ = [
    "BACKENDS",
    "Backend",
    "BackendError",
    "CachedClient",
    "ChatRequest",
    "Completion",
    "JSONReply",
    "LLMClient",
    "LLMConfig",
    "LLMError",
    "LLMStats",
    "RawReply",
    "complete_items",
    "get_backend",
    "get_client",
    "parse_json_reply",
    "request_key",
]
