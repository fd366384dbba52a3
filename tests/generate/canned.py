"""A real local HTTP server speaking the OpenAI chat API with canned replies (no model needed).

A passage holding one of the keys of ``ANSWERS`` gets that grounded question/answer pair as the qa
task's JSON; a classify request gets, per label set, the first label its passage names; any other
request gets prose the qa task cannot use (an unusable reply).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWERS = {
    "Elm Street": (
        "How much water does the Elm Street plant treat per day?",
        "The Elm Street treatment plant of the Qingxi City Water Utility treats 40,000 cubic metres of water per day.",
    ),
    "出厂水": (
        "清溪市自来水公司多久公布一次出厂水水质检测结果？",
        "每月一次，结果在公司网站和营业厅公示。",
    ),
}


def _classify(body: dict, text: str) -> str | None:
    """A classify request (its schema has ``reasons``): per label set, the first label the passage names."""
    rf = body.get("response_format") or {}
    schema = (rf.get("json_schema") or {}).get("schema") or rf.get("schema") or {}
    props = schema.get("properties", {})
    if "reasons" not in props:
        return None
    passage = (
        body["messages"][-1]["content"]
        .lower()
        .split("classify the passage above")[0]
        .split("为上面的文段分类")[0]
    )
    labels = {
        k: next((x for x in v["enum"] if x.lower() in passage), v["enum"][0])
        for k, v in props.items()
        if "enum" in v
    }
    return json.dumps({**labels, "reasons": ["The passage names it."]}, ensure_ascii=False)


def _reply(body: dict) -> str:
    text = json.dumps(body.get("messages", []), ensure_ascii=False)
    label = _classify(body, text)
    if label is not None:
        return label
    for key, (q, a) in ANSWERS.items():
        if key in text:
            return json.dumps({"pairs": [{"question": q, "answer": a}]}, ensure_ascii=False)
    return "Sorry, I can only chat about the weather today."


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # /v1/models
        self._send({"object": "list", "data": [{"id": "canned", "object": "model"}]})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        content = _reply(body)
        self._send(
            {
                "id": "x",
                "object": "chat.completion",
                "model": "canned",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
            }
        )

    def _send(self, obj: dict) -> None:
        data = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def canned_server() -> Iterator[str]:
    """Serve on 127.0.0.1 in a background thread; yields the /v1 base URL."""
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/v1"
    finally:
        srv.shutdown()
        srv.server_close()


def canned_config(url: str, extra: str = "") -> str:
    """A corpusforge.yaml using the server (no retries, one round, weak answers flagged not dropped)."""
    return (
        f"llm:\n  backend: openai\n  model: canned\n  base_url: ['{url}']\n  max_tokens: 96\n"
        "  retries: 0\n  concurrency: 1\n  timeout: 30\n"
        "generate:\n  qa_min: 1\n  qa_max: 2\n  qa_rounds: 1\n  max_field_chars: 200\n"
        + extra
        + "quality:\n  below_threshold: flag\n"
    )
