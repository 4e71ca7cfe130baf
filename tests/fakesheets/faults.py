"""Injected failures: what the network and Google's front end do on bad days.

Each rule consumes matching requests in order (``endpoint=None`` matches any)
until its ``times`` run out. Kinds:

* ``fail``: an HTTP error answer, JSON like the API or an HTML page (as the
  front end sends for 502) - nothing is applied.
* ``timeout``: ``requests.exceptions.ReadTimeout`` (``ConnectTimeout`` with
  ``connect=True``) raised out of the transport.
* ``drop``: ``requests.exceptions.ConnectionError``; with ``after_apply`` the
  request IS applied server-side before the connection is lost, so the
  client cannot know whether its write happened.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests


@dataclass
class Fault:
    kind: str  # "fail" | "timeout" | "drop"
    times: int
    endpoint: str | None = None
    status: int = 429
    html: bool = False
    after_apply: bool = False
    connect: bool = False
    message: str | None = None

    def matches(self, endpoint: str) -> bool:
        return self.times > 0 and (self.endpoint is None or self.endpoint == endpoint)

    def exception(self, request: requests.PreparedRequest) -> Exception:
        if self.kind == "timeout":
            cls = requests.exceptions.ConnectTimeout if self.connect \
                else requests.exceptions.ReadTimeout
            return cls(f"fake: injected {cls.__name__} for {request.method} {request.url}",
                       request=request)
        return requests.exceptions.ConnectionError(
            "fake: injected connection drop ('Connection aborted.', "
            "RemoteDisconnected('Remote end closed connection without response'))",
            request=request)


class FaultQueue:
    """Rules in the order they were added."""

    def __init__(self) -> None:
        self.rules: list[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.times < 1:
            raise ValueError("times must be >= 1")
        self.rules.append(fault)

    def take(self, endpoint: str) -> Fault | None:
        """The first live rule matching ``endpoint``, consuming one use."""
        for rule in self.rules:
            if rule.matches(endpoint):
                rule.times -= 1
                return rule
        return None

    def pending(self) -> list[Fault]:
        return [r for r in self.rules if r.times > 0]

    def clear(self) -> None:
        self.rules.clear()
