"""How uvicorn serves the app: its HTTP protocol with limits on the request head, and options.

uvicorn's httptools protocol reads request headers of any size for any time: a 100 MB header
was accepted, and headers trickled a line every 5 s held a connection open indefinitely. This
protocol answers 431 when the head (request line and headers) passes MAX_HEAD bytes and 408 when
it has not arrived whole HEAD_TIMEOUT seconds after the connection opened (or, on a kept-alive
connection, after its first byte); an idle new connection is closed likewise. These answers, and
the 400 for bytes that are not HTTP, are JSON in the API's error shape with the security headers,
like every answer of the app. It also lets the app drop a connection at once
(scope["extensions"]["unroll.abort"]), which app.api.sending uses for clients that stop reading.

`unroll serve` and the tests run uvicorn with SERVER_OPTIONS. (Under a bare `uvicorn
app.main:app` the app works the same, without these limits on the head.)
"""

import orjson
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from .api.errors import error_body
from .api.headers import SECURITY_HEADERS
from .api.sending import ABORT

MAX_HEAD = 32 * 1024  # bytes of request line and headers (browsers send under 8 kB)
HEAD_TIMEOUT = 10.0  # seconds: a browser sends its whole head in one packet
SERVER_OPTIONS = {"http": "app.server:Protocol", "ws": "none"}  # no WebSockets: every upgrade is HTTP


class Protocol(HttpToolsProtocol):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._in_head = False  # a request has begun and its headers are not complete
        self._head_bytes = 0
        self._head_timer = None
        self._refused = False

    def connection_made(self, transport):
        super().connection_made(transport)
        self._head_timer = self.loop.call_later(HEAD_TIMEOUT, self._head_timed_out)

    def connection_lost(self, exc):
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes):
        if self._refused:
            return
        super().data_received(data)  # calls on_message_begin, on_headers_complete as it parses
        if self._in_head:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD:
                self._refuse(431, f"the request's headers are over {MAX_HEAD} bytes", ("header",))

    def on_message_begin(self):
        super().on_message_begin()
        self.scope["extensions"] = {ABORT: self._abort}
        self._in_head, self._head_bytes = True, 0
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(HEAD_TIMEOUT, self._head_timed_out)

    def on_headers_complete(self):
        self._in_head = False
        self._cancel_head_timer()
        super().on_headers_complete()

    def send_400_response(self, msg: str):
        self._refuse(400, "the request is not valid HTTP/1.1", ("request",))

    def _head_timed_out(self):
        self._head_timer = None
        if self._in_head:
            self._refuse(408, f"the request's headers did not arrive within {HEAD_TIMEOUT:g} s", ("header",))
        elif self.cycle is None and not self.transport.is_closing():
            self.transport.close()  # connected, and sent nothing

    def _cancel_head_timer(self):
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _abort(self):
        if not self.transport.is_closing():
            self.transport.abort()

    def _refuse(self, status: int, msg: str, loc: tuple):
        """Answer `status` in the API's error shape and close the connection."""
        self._refused, self._in_head = True, False
        self._cancel_head_timer()
        if self.transport.is_closing():
            return
        body = orjson.dumps(error_body(status, msg, loc))
        headers = [*self.server_state.default_headers, *SECURITY_HEADERS,
                   (b"content-type", b"application/json"),
                   (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
        head = b"".join(name + b": " + value + b"\r\n" for name, value in headers)
        self.transport.write(STATUS_LINE[status] + head + b"\r\n" + body)
        self.transport.close()
        self.logger.info("refused a request: %d %s", status, msg)
